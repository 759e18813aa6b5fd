using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using AnonymousBoard.Identity;
using AnonymousBoard.Storage;

namespace AnonymousBoard.Moderation;

/// <summary>What a staff action asks to be logged; <see cref="ModLogWriter"/> adds sequence, time, the chain and the signature.</summary>
/// <param name="Actor">The acting member's public handle ("operator" for the command line).</param>
/// <param name="Action">A short verb phrase, e.g. "delete post", "ban".</param>
/// <param name="Reason">Required; shown to everyone.</param>
public sealed record LogDraft(string Actor, string Action, string Reason);

/// <summary>One entry of the public moderation log, as stored and as exported.</summary>
public sealed record LogEntry(
    long Seq, DateTimeOffset At, string Actor, string Action, string Target, string TextHash, string Reason,
    string PrevHash, string Hash, string Signature)
{
    public string Time => At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>The line of /modlog.txt: the hashed fields, then the hash and the signature, tab-separated.</summary>
    public string ToLine() => ModLogFormat.Fields(Seq, Time, Actor, Action, Target, TextHash, Reason, PrevHash) + "\t" + Hash + "\t" + Signature;
}

/// <summary>
/// The log's exact byte format. An entry's hash is SHA-256 over "anonboard-modlog-v1\n" followed by
/// its first eight fields (seq, time, actor, action, target, text hash, reason, previous hash)
/// joined by tabs, with backslash, tab, CR and LF escaped; its signature is Ed25519 over the 32
/// bytes of that hash. The first entry's previous hash is 64 zeros. Changing any of this breaks
/// every archived copy, so it is versioned.
/// </summary>
public static class ModLogFormat
{
    public const string Version = "anonboard-modlog-v1";
    public static readonly string Genesis = new('0', 64);
    public const string FieldNames = "seq\ttime\tactor\taction\ttarget\ttext-sha256\treason\tprev-hash\thash\tsignature";

    public static string Escape(string text) => text
        .Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal)
        .Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    public static string Unescape(string text)
    {
        if (!text.Contains('\\', StringComparison.Ordinal))
        {
            return text;
        }
        var sb = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length)
            {
                i++;
                sb.Append(text[i] switch { 't' => '\t', 'n' => '\n', 'r' => '\r', _ => text[i] });
            }
            else
            {
                sb.Append(text[i]);
            }
        }
        return sb.ToString();
    }

    public static string Fields(long seq, string time, string actor, string action, string target, string textHash, string reason, string prevHash) =>
        string.Join('\t', seq.ToString(CultureInfo.InvariantCulture), time, Escape(actor), Escape(action), Escape(target), textHash, Escape(reason), prevHash);

    public static byte[] HashBytes(long seq, string time, string actor, string action, string target, string textHash, string reason, string prevHash) =>
        SHA256.HashData(Encoding.UTF8.GetBytes(Version + "\n" + Fields(seq, time, actor, action, target, textHash, reason, prevHash)));

    /// <summary>SHA-256 of a post's text (its Markdown source), hex: what the log says about a post instead of its words.</summary>
    public static string TextHash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>The plain-text export: a header saying what it is and the public key, then every entry, oldest first.</summary>
    public static string Export(string publicKeyHex, IEnumerable<LogEntry> oldestFirst)
    {
        var sb = new StringBuilder();
        sb.Append("# AnonymousBoard moderation log\n");
        sb.Append("# format: ").Append(Version).Append('\n');
        sb.Append("# public-key: ").Append(publicKeyHex).Append('\n');
        sb.Append("# fields: ").Append(FieldNames).Append('\n');
        foreach (var entry in oldestFirst)
        {
            sb.Append(entry.ToLine()).Append('\n');
        }
        return sb.ToString();
    }
}

/// <summary>
/// The board's Ed25519 log key: 32 random bytes (the seed) in the data directory, made at first
/// start and readable by the board's user only.
/// </summary>
public sealed class ModLogKey
{
    public const string FileName = "modlog-ed25519.key";
    private readonly Ed25519KeyPair _key;

    private ModLogKey(Ed25519KeyPair key) => _key = key;

    public byte[] PublicKey => _key.PublicKey;
    public string PublicKeyHex => Convert.ToHexStringLower(PublicKey);

    /// <summary>
    /// The board's log key from its file, made the first time. It is held for the life of the
    /// process in libsodium's guarded memory (NSec); the seed bytes read from the file are zeroed.
    /// </summary>
    public static ModLogKey LoadOrCreate(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, FileName);
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(dataDirectory);
            var fresh = RandomNumberGenerator.GetBytes(Ed25519KeyPair.SeedBytes);
            // Another instance sharing the data directory may have made one a moment ago: then its key stays.
            FileSync.CreateOnce(path, System.Text.Encoding.ASCII.GetBytes(Convert.ToHexStringLower(fresh) + "\n"));
            CryptographicOperations.ZeroMemory(fresh);
        }
        var seed = Convert.FromHexString(File.ReadAllText(path).Trim());
        if (seed.Length != Ed25519KeyPair.SeedBytes)
        {
            CryptographicOperations.ZeroMemory(seed);
            throw new InvalidDataException($"{path} does not hold a 32-byte key.");
        }
        try
        {
            return new ModLogKey(Ed25519KeyPair.FromSeed(seed));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    public string Sign(byte[] hash) => Convert.ToHexStringLower(_key.Sign(hash));
}
