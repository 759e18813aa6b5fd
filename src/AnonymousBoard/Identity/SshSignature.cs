using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace AnonymousBoard.Identity;

/// <summary>Why a signature was refused; <see cref="None"/> when it is valid.</summary>
public enum SignatureProblem
{
    None,
    Malformed,
    UnsupportedKeyType,
    WrongNamespace,
    UnsupportedHashAlgorithm,
    DoesNotVerify,
}

/// <summary>The outcome of checking a signature: the signer's key when valid, otherwise a reason for the user.</summary>
public sealed record SignatureCheck(SignatureProblem Problem, string Reason, byte[]? PublicKey)
{
    [MemberNotNullWhen(true, nameof(PublicKey))]
    public bool IsValid => Problem == SignatureProblem.None;

    internal static SignatureCheck Valid(byte[] publicKey) => new(SignatureProblem.None, "The signature is valid.", publicKey);

    internal static SignatureCheck Malformed(string what) => new(SignatureProblem.Malformed, $"Malformed signature: {what}.", null);

    internal static SignatureCheck Fail(SignatureProblem problem, string reason) => new(problem, reason, null);
}

/// <summary>
/// OpenSSH signatures (PROTOCOL.sshsig), as made by <c>ssh-keygen -Y sign -n anonboard</c>:
/// "SSHSIG", version 1, public key, namespace, reserved, hash algorithm, signature. The key signs
/// "SSHSIG" + string(namespace) + string(reserved) + string(hash algorithm) + string(hash(message)).
/// Only Ed25519 keys are accepted.
/// </summary>
public static class SshSignature
{
    /// <summary>The namespace every AnonymousBoard signature uses, so a signature made for another purpose cannot be replayed here.</summary>
    public const string Namespace = "anonboard";

    private const string Label = "SSH SIGNATURE";
    private const uint Version = 1;
    private const string Sha512 = "sha512";
    private const string Sha256 = "sha256";

    // An Ed25519 signature is about 300 characters; even an RSA one fits well within this.
    private const int MaxArmoredLength = 16 * 1024;

    private static ReadOnlySpan<byte> Magic => "SSHSIG"u8;

    /// <summary>The armored signature of <paramref name="message"/>, in the format ssh-keygen writes.</summary>
    public static string Sign(Ed25519KeyPair key, ReadOnlySpan<byte> message, string signatureNamespace = Namespace)
    {
        ArgumentNullException.ThrowIfNull(key);
        byte[] signature = key.Sign(SignedData(signatureNamespace, [], Sha512, SHA512.HashData(message)));
        var blob = new SshWriter()
            .Raw(Magic)
            .UInt32(Version)
            .String(OpenSshKeys.PublicKeyBlob(key.PublicKey))
            .String(signatureNamespace)
            .String([])
            .String(Sha512)
            .String(new SshWriter().String(OpenSshKeys.Ed25519).String(signature).Written);
        return Armor.Wrap(Label, blob.Written);
    }

    /// <summary>Checks an armored signature over <paramref name="message"/>, naming what is wrong when it fails.</summary>
    public static SignatureCheck Verify(string armored, ReadOnlySpan<byte> message, string expectedNamespace = Namespace)
    {
        ArgumentNullException.ThrowIfNull(armored);
        if (armored.Length > MaxArmoredLength)
        {
            return SignatureCheck.Malformed("it is far too long to be an SSH signature");
        }
        if (!Armor.TryUnwrap(armored, Label, out byte[]? blob, out string? armorError))
        {
            return SignatureCheck.Malformed(armorError);
        }

        var reader = new SshReader(blob);
        if (!reader.TryReadRaw(Magic.Length, out ReadOnlySpan<byte> magic) || !magic.SequenceEqual(Magic))
        {
            return SignatureCheck.Malformed("it does not start with the SSHSIG magic");
        }
        if (!reader.TryReadUInt32(out uint version))
        {
            return SignatureCheck.Malformed("the version is missing");
        }
        if (version != Version)
        {
            return SignatureCheck.Malformed($"SSHSIG version {version} is not supported, only version {Version}");
        }
        if (!reader.TryReadString(out ReadOnlySpan<byte> keyBlob))
        {
            return SignatureCheck.Malformed("the public key is missing");
        }
        (string? keyType, byte[]? publicKey) = OpenSshKeys.ReadPublicKeyBlob(keyBlob);
        if (keyType is null)
        {
            return SignatureCheck.Malformed("the public key has no readable type");
        }
        if (keyType != OpenSshKeys.Ed25519)
        {
            return SignatureCheck.Fail(SignatureProblem.UnsupportedKeyType, OpenSshKeys.UnsupportedKeyTypeReason(keyType));
        }
        if (publicKey is null)
        {
            return SignatureCheck.Malformed("the Ed25519 public key is not 32 bytes");
        }
        if (!reader.TryReadText(out string signedNamespace))
        {
            return SignatureCheck.Malformed("the namespace is missing");
        }
        if (!reader.TryReadString(out ReadOnlySpan<byte> reserved))
        {
            return SignatureCheck.Malformed("the reserved field is missing");
        }
        if (!reader.TryReadText(out string hashAlgorithm))
        {
            return SignatureCheck.Malformed("the hash algorithm is missing");
        }
        if (!reader.TryReadString(out ReadOnlySpan<byte> signatureBlob))
        {
            return SignatureCheck.Malformed("the signature itself is missing");
        }
        if (!reader.IsEmpty)
        {
            return SignatureCheck.Malformed("there are extra bytes after the signature");
        }

        var signatureReader = new SshReader(signatureBlob);
        if (!signatureReader.TryReadText(out string signatureType) || signatureType != OpenSshKeys.Ed25519)
        {
            return SignatureCheck.Malformed("the signature is not an ssh-ed25519 signature although the key is");
        }
        if (!signatureReader.TryReadString(out ReadOnlySpan<byte> signature) || signature.Length != Ed25519KeyPair.SignatureBytes || !signatureReader.IsEmpty)
        {
            return SignatureCheck.Malformed("the Ed25519 signature is not 64 bytes");
        }

        if (signedNamespace != expectedNamespace)
        {
            return SignatureCheck.Fail(SignatureProblem.WrongNamespace,
                $"The signature was made for namespace \"{signedNamespace}\", not \"{expectedNamespace}\": sign with ssh-keygen -Y sign -n {expectedNamespace}.");
        }
        byte[]? hash = hashAlgorithm switch
        {
            Sha512 => SHA512.HashData(message),
            Sha256 => SHA256.HashData(message),
            _ => null,
        };
        if (hash is null)
        {
            return SignatureCheck.Fail(SignatureProblem.UnsupportedHashAlgorithm,
                $"The signature uses hash algorithm \"{hashAlgorithm}\"; only sha512 and sha256 are accepted.");
        }
        if (!Ed25519KeyPair.Verify(signature, SignedData(signedNamespace, reserved, hashAlgorithm, hash), publicKey))
        {
            return SignatureCheck.Fail(SignatureProblem.DoesNotVerify,
                "The signature does not verify: the text, board, thread or subject differ from what was signed, or the signature was altered.");
        }
        return SignatureCheck.Valid(publicKey);
    }

    private static byte[] SignedData(string signatureNamespace, ReadOnlySpan<byte> reserved, string hashAlgorithm, ReadOnlySpan<byte> hash) =>
        new SshWriter()
            .Raw(Magic)
            .String(signatureNamespace)
            .String(reserved)
            .String(hashAlgorithm)
            .String(hash)
            .ToArray();
}
