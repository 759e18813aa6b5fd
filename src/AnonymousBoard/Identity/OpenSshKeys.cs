using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace AnonymousBoard.Identity;

/// <summary>An "ssh-ed25519 AAAA... comment" line, parsed.</summary>
public sealed record SshPublicKey(byte[] Key, string Comment);

/// <summary>A line of an ssh-keygen allowed_signers file; <see cref="Namespaces"/> is null when unrestricted.</summary>
public sealed record AllowedSigner(IReadOnlyList<string> Principals, IReadOnlyList<string>? Namespaces, byte[] PublicKey)
{
    public bool AllowsNamespace(string signatureNamespace) => Namespaces is null || Namespaces.Contains(signatureNamespace);
}

/// <summary>
/// Ed25519 keys in OpenSSH's formats (PROTOCOL.key for private keys), so that keys made here work
/// with ssh-keygen and keys made by ssh-keygen work here. Only unencrypted private keys can be read.
/// </summary>
public static class OpenSshKeys
{
    public const string Ed25519 = "ssh-ed25519";

    private const string PrivateKeyLabel = "OPENSSH PRIVATE KEY";
    private const string None = "none";

    // The private section is padded to the cipher's block size; 8 for "none".
    private const int BlockSize = 8;

    private static ReadOnlySpan<byte> AuthMagic => "openssh-key-v1\0"u8;

    /// <summary>"ssh-ed25519 AAAA... comment", as in a .pub file or authorized_keys.</summary>
    public static string FormatPublicKey(ReadOnlySpan<byte> publicKey, string comment)
    {
        string line = $"{Ed25519} {Convert.ToBase64String(PublicKeyBlob(publicKey))}";
        return string.IsNullOrEmpty(comment) ? line : $"{line} {comment}";
    }

    public static bool TryParsePublicKey(string line, [NotNullWhen(true)] out SshPublicKey? key, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(line);
        key = null;
        string[] parts = line.Trim().Split((char[]?)null, 3, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 2)
        {
            error = "A public key line has the form \"ssh-ed25519 AAAA... comment\".";
            return false;
        }
        if (!TryDecodeKey(parts[0], parts[1], out byte[]? publicKey, out error))
        {
            return false;
        }
        key = new SshPublicKey(publicKey, parts.Length == 3 ? parts[2].Trim() : "");
        return true;
    }

    /// <summary>A line for ssh-keygen's allowed_signers file, so <c>ssh-keygen -Y verify</c> accepts this key for anonboard signatures.</summary>
    public static string FormatAllowedSigner(string principal, ReadOnlySpan<byte> publicKey) =>
        $"{principal} namespaces=\"{SshSignature.Namespace}\" {FormatPublicKey(publicKey, "")}";

    /// <summary>Parses "principals [namespaces=\"...\"] ssh-ed25519 AAAA... [comment]" (see ssh-keygen(1), ALLOWED SIGNERS).</summary>
    public static bool TryParseAllowedSigner(string line, [NotNullWhen(true)] out AllowedSigner? signer, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(line);
        signer = null;
        if (!TrySplitQuoted(line.Trim(), ' ', out List<string>? tokens) || tokens.Count < 3)
        {
            error = "An allowed_signers line has the form: principals [namespaces=\"anonboard\"] ssh-ed25519 AAAA...";
            return false;
        }
        IReadOnlyList<string>? namespaces = null;
        int keyIndex = 1;
        if (!LooksLikeKeyType(tokens[1]))
        {
            if (!TryParseSignerOptions(tokens[1], out namespaces, out error))
            {
                return false;
            }
            keyIndex = 2;
        }
        if (tokens.Count <= keyIndex + 1)
        {
            error = "The allowed_signers line has no public key after the principals.";
            return false;
        }
        if (!TryDecodeKey(tokens[keyIndex], tokens[keyIndex + 1], out byte[]? publicKey, out error))
        {
            return false;
        }
        if (!TrySplitQuoted(tokens[0], ',', out List<string>? principals))
        {
            error = "The principals of the allowed_signers line have an unclosed quote.";
            return false;
        }
        signer = new AllowedSigner(principals.Select(Unquote).ToList(), namespaces, publicKey);
        return true;
    }

    /// <summary>An unencrypted OpenSSH private key file that ssh-keygen and ssh accept.</summary>
    public static string FormatPrivateKey(Ed25519KeyPair key, string comment)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(comment);
        // Two equal random numbers: a wrong decryption passphrase shows up as a mismatch.
        Span<byte> random = stackalloc byte[4];
        RandomNumberGenerator.Fill(random);
        uint checkInt = BinaryPrimitives.ReadUInt32BigEndian(random);

        Span<byte> secretKey = stackalloc byte[Ed25519KeyPair.SecretKeyBytes];
        var privateSection = new SshWriter();
        try
        {
            key.WriteSecretKey(secretKey);
            privateSection
                .UInt32(checkInt)
                .UInt32(checkInt)
                .String(Ed25519)
                .String(key.PublicKey)
                .String(secretKey)
                .String(Encoding.UTF8.GetBytes(comment));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secretKey);
        }
        for (byte pad = 1; privateSection.Length % BlockSize != 0; pad++)
        {
            privateSection.Raw([pad]);
        }
        var file = new SshWriter()
            .Raw(AuthMagic)
            .String(None)
            .String(None)
            .String([])
            .UInt32(1)
            .String(PublicKeyBlob(key.PublicKey))
            .String(privateSection.Written);
        string text = Armor.Wrap(PrivateKeyLabel, file.Written);
        privateSection.Clear();
        file.Clear();
        return text;
    }

    /// <summary>Reads an unencrypted Ed25519 key; an encrypted one is refused with directions to ssh-keygen.</summary>
    public static bool TryReadPrivateKey(string text, [NotNullWhen(true)] out Ed25519KeyPair? key, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        key = null;
        if (!Armor.TryUnwrap(text, PrivateKeyLabel, out byte[]? blob, out string? armorError))
        {
            error = text.Contains("PRIVATE KEY-----", StringComparison.Ordinal)
                ? "This private key is not in OpenSSH format; make an Ed25519 key with ssh-keygen -t ed25519 or with keygen."
                : $"This is not an OpenSSH private key: {armorError}.";
            return false;
        }
        try
        {
            error = ReadPrivateKey(blob, out key);
            return key is not null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(blob);
        }
    }

    internal static byte[] PublicKeyBlob(ReadOnlySpan<byte> publicKey) =>
        new SshWriter().String(Ed25519).String(publicKey).ToArray();

    /// <summary>The key type named in a public key blob (null if unreadable), and the key when it is a well-formed Ed25519 one.</summary>
    internal static (string? Type, byte[]? Key) ReadPublicKeyBlob(ReadOnlySpan<byte> blob)
    {
        var reader = new SshReader(blob);
        if (!reader.TryReadText(out string type))
        {
            return (null, null);
        }
        if (type != Ed25519 || !reader.TryReadString(out ReadOnlySpan<byte> key) || key.Length != Ed25519KeyPair.PublicKeyBytes || !reader.IsEmpty)
        {
            return (type, null);
        }
        return (type, key.ToArray());
    }

    internal static string UnsupportedKeyTypeReason(string keyType) =>
        $"The key is of type {keyType}: only Ed25519 keys are accepted (make one with ssh-keygen -t ed25519).";

    // Returns null when the key was read; the caller wipes the blob.
    private static string? ReadPrivateKey(ReadOnlySpan<byte> blob, out Ed25519KeyPair? key)
    {
        const string Corrupt = "The private key file is damaged";
        key = null;
        var reader = new SshReader(blob);
        if (!reader.TryReadRaw(AuthMagic.Length, out ReadOnlySpan<byte> magic) || !magic.SequenceEqual(AuthMagic)
            || !reader.TryReadText(out string cipher) || !reader.TryReadText(out string kdf) || !reader.TryReadString(out _)
            || !reader.TryReadUInt32(out uint count))
        {
            return $"{Corrupt} (bad header).";
        }
        if (cipher != None)
        {
            return $"This private key is protected by a passphrase ({cipher}), and only unencrypted keys can be read here. "
                + "Print the message with the 'message' command and sign it with: ssh-keygen -Y sign -n anonboard -f KEYFILE";
        }
        if (kdf != None)
        {
            return $"{Corrupt} (key derivation {kdf} without a cipher).";
        }
        if (count != 1)
        {
            return $"The private key file holds {count} keys; expected one.";
        }
        if (!reader.TryReadString(out ReadOnlySpan<byte> publicBlob) || !reader.TryReadString(out ReadOnlySpan<byte> section))
        {
            return $"{Corrupt} (truncated).";
        }
        (string? type, byte[]? publicKey) = ReadPublicKeyBlob(publicBlob);
        if (type is not null && type != Ed25519)
        {
            return UnsupportedKeyTypeReason(type);
        }
        var priv = new SshReader(section);
        if (publicKey is null || section.Length % BlockSize != 0
            || !priv.TryReadUInt32(out uint check1) || !priv.TryReadUInt32(out uint check2) || check1 != check2
            || !priv.TryReadText(out string privateType) || privateType != Ed25519
            || !priv.TryReadString(out ReadOnlySpan<byte> privatePublic) || !privatePublic.SequenceEqual(publicKey)
            || !priv.TryReadString(out ReadOnlySpan<byte> secretKey) || secretKey.Length != Ed25519KeyPair.SecretKeyBytes
            || !priv.TryReadString(out _))
        {
            return $"{Corrupt} (bad private section).";
        }
        for (byte expected = 1; !priv.IsEmpty; expected++)
        {
            if (!priv.TryReadRaw(1, out ReadOnlySpan<byte> pad) || pad[0] != expected)
            {
                return $"{Corrupt} (bad padding).";
            }
        }
        var pair = Ed25519KeyPair.FromSeed(secretKey[..Ed25519KeyPair.SeedBytes]);
        if (!pair.PublicKey.AsSpan().SequenceEqual(publicKey))
        {
            pair.Dispose();
            return $"{Corrupt} (the secret key does not match the public key).";
        }
        key = pair;
        return null;
    }

    private static bool TryDecodeKey(string type, string base64, [NotNullWhen(true)] out byte[]? publicKey, [NotNullWhen(false)] out string? error)
    {
        publicKey = null;
        if (type != Ed25519)
        {
            error = UnsupportedKeyTypeReason(type);
            return false;
        }
        byte[] blob = new byte[base64.Length];
        if (!Convert.TryFromBase64String(base64, blob, out int written))
        {
            error = "The public key is not valid base64.";
            return false;
        }
        (string? blobType, publicKey) = ReadPublicKeyBlob(blob.AsSpan(0, written));
        if (blobType != Ed25519 || publicKey is null)
        {
            error = "The public key data is not an Ed25519 key although the line says ssh-ed25519.";
            return false;
        }
        error = null;
        return true;
    }

    // Key types OpenSSH knows start with these; anything else in that position is an options field.
    private static bool LooksLikeKeyType(string token) =>
        token.StartsWith("ssh-", StringComparison.Ordinal)
        || token.StartsWith("ecdsa-", StringComparison.Ordinal)
        || token.StartsWith("sk-", StringComparison.Ordinal);

    private static bool TryParseSignerOptions(string options, out IReadOnlyList<string>? namespaces, [NotNullWhen(false)] out string? error)
    {
        namespaces = null;
        if (!TrySplitQuoted(options, ',', out List<string>? items))
        {
            error = "The allowed_signers options have an unclosed quote.";
            return false;
        }
        foreach (string item in items)
        {
            const string Prefix = "namespaces=";
            if (!item.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
            {
                error = $"The allowed_signers option \"{item}\" is not supported; only namespaces=\"...\" is.";
                return false;
            }
            namespaces = Unquote(item[Prefix.Length..]).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }
        error = null;
        return true;
    }

    // Splits on a separator outside double quotes; quotes stay in the pieces. False if a quote is left open.
    private static bool TrySplitQuoted(string text, char separator, [NotNullWhen(true)] out List<string>? pieces)
    {
        pieces = [];
        var current = new StringBuilder();
        bool quoted = false;
        foreach (char c in text)
        {
            bool separates = separator == ' ' ? char.IsWhiteSpace(c) : c == separator;
            if (separates && !quoted)
            {
                if (current.Length > 0)
                {
                    pieces.Add(current.ToString());
                    current.Clear();
                }
                continue;
            }
            if (c == '"')
            {
                quoted = !quoted;
            }
            current.Append(c);
        }
        if (current.Length > 0)
        {
            pieces.Add(current.ToString());
        }
        if (quoted)
        {
            pieces = null;
            return false;
        }
        return true;
    }

    private static string Unquote(string text) =>
        text.Length >= 2 && text[0] == '"' && text[^1] == '"' ? text[1..^1] : text;
}
