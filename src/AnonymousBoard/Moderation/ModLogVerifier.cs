using System.Globalization;
using AnonymousBoard.Identity;

namespace AnonymousBoard.Moderation;

/// <summary>A parsed export: its public key (from the header) and its entries in file order.</summary>
public sealed record ModLogCopy(string? PublicKeyHex, IReadOnlyList<LogEntry> Entries, string? Problem);

/// <summary>The verdict on a copy of the log: fine, or the first entry where something is wrong.</summary>
public sealed record Verdict(bool Ok, long? Seq, string Message);

/// <summary>
/// Checks an exported log: every entry's hash and signature, the chain from one entry to the next,
/// and, given a second copy, where two copies first disagree. Pure: no files, no network.
/// </summary>
public static class ModLogVerifier
{
    public static ModLogCopy Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string? key = null;
        var entries = new List<LogEntry>();
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Length == 0)
            {
                continue;
            }
            if (line.StartsWith('#'))
            {
                const string keyPrefix = "# public-key: ";
                if (line.StartsWith(keyPrefix, StringComparison.Ordinal))
                {
                    key = line[keyPrefix.Length..].Trim();
                }
                continue;
            }
            var f = line.Split('\t');
            if (f.Length != 10 || !long.TryParse(f[0], NumberStyles.None, CultureInfo.InvariantCulture, out var seq)
                || !DateTimeOffset.TryParseExact(f[1], "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
            {
                var after = entries.Count > 0 ? $" (after entry {entries[^1].Seq})" : "";
                return new ModLogCopy(key, entries, $"line {i + 1}{after} is not a log entry");
            }
            entries.Add(new LogEntry(seq, at, ModLogFormat.Unescape(f[2]), ModLogFormat.Unescape(f[3]), ModLogFormat.Unescape(f[4]),
                f[5], ModLogFormat.Unescape(f[6]), f[7], f[8], f[9]));
        }
        return new ModLogCopy(key, entries, null);
    }

    /// <summary>Checks one copy on its own. <paramref name="pinnedKeyHex"/>: the key the checker trusts, if any.</summary>
    public static Verdict Verify(ModLogCopy copy, string? pinnedKeyHex = null)
    {
        ArgumentNullException.ThrowIfNull(copy);
        if (copy.Problem is { } problem)
        {
            return new Verdict(false, copy.Entries.Count > 0 ? copy.Entries[^1].Seq + 1 : 1, problem);
        }
        var keyHex = pinnedKeyHex ?? copy.PublicKeyHex;
        if (keyHex is null)
        {
            return new Verdict(false, null, "the copy names no public key (and none was given with --key)");
        }
        if (pinnedKeyHex is not null && copy.PublicKeyHex is { } named && !named.Equals(pinnedKeyHex, StringComparison.OrdinalIgnoreCase))
        {
            return new Verdict(false, null, $"the copy names public key {named}, not the expected {pinnedKeyHex}");
        }
        byte[] key;
        try
        {
            key = Convert.FromHexString(keyHex);
        }
        catch (FormatException)
        {
            return new Verdict(false, null, "the public key is not hex");
        }
        var expectedSeq = 1L;
        var prevHash = ModLogFormat.Genesis;
        foreach (var e in copy.Entries)
        {
            if (e.Seq > expectedSeq)
            {
                var missing = e.Seq == expectedSeq + 1 ? $"entry {expectedSeq} is missing" : $"entries {expectedSeq} to {e.Seq - 1} are missing";
                return new Verdict(false, expectedSeq, $"{missing} (entry {e.Seq} follows entry {expectedSeq - 1})");
            }
            if (e.Seq < expectedSeq)
            {
                return new Verdict(false, e.Seq, $"entry {e.Seq} appears again or out of order after entry {expectedSeq - 1}");
            }
            if (!e.PrevHash.Equals(prevHash, StringComparison.Ordinal))
            {
                return new Verdict(false, e.Seq, $"entry {e.Seq} does not follow entry {e.Seq - 1}: its previous-hash does not match");
            }
            var hash = ModLogFormat.HashBytes(e.Seq, e.Time, e.Actor, e.Action, e.Target, e.TextHash, e.Reason, e.PrevHash);
            if (!Convert.ToHexStringLower(hash).Equals(e.Hash, StringComparison.Ordinal))
            {
                return new Verdict(false, e.Seq, $"entry {e.Seq} was altered: its contents do not match its hash");
            }
            if (!TryHex(e.Signature, out var signature) || !Ed25519KeyPair.Verify(signature, hash, key))
            {
                return new Verdict(false, e.Seq, $"entry {e.Seq} has a signature that the public key does not verify");
            }
            prevHash = e.Hash;
            expectedSeq++;
        }
        return new Verdict(true, null, $"{copy.Entries.Count} entries verified: the chain is whole and every signature is good");
    }

    /// <summary>
    /// Checks both copies, then compares them: the live log may have grown since the archive was
    /// taken, but every archived entry must be in it unchanged.
    /// </summary>
    public static Verdict Compare(ModLogCopy archived, ModLogCopy live, string? pinnedKeyHex = null)
    {
        ArgumentNullException.ThrowIfNull(archived);
        ArgumentNullException.ThrowIfNull(live);
        var a = Verify(archived, pinnedKeyHex);
        if (!a.Ok)
        {
            return a with { Message = "archived copy: " + a.Message };
        }
        var l = Verify(live, pinnedKeyHex ?? archived.PublicKeyHex);
        if (!l.Ok)
        {
            return l with { Message = "live log: " + l.Message };
        }
        var liveBySeq = live.Entries.ToDictionary(e => e.Seq);
        foreach (var e in archived.Entries)
        {
            if (!liveBySeq.TryGetValue(e.Seq, out var now))
            {
                return new Verdict(false, e.Seq, $"entry {e.Seq} is in the archived copy but not in the live log, which ends at entry {live.Entries.Count}");
            }
            if (now.ToLine() != e.ToLine())
            {
                return new Verdict(false, e.Seq, $"entry {e.Seq} differs between the archived copy and the live log");
            }
        }
        return new Verdict(true, null,
            $"the live log ({live.Entries.Count} entries) agrees with all {archived.Entries.Count} archived entries");
    }

    private static bool TryHex(string text, out byte[] bytes)
    {
        try
        {
            bytes = Convert.FromHexString(text);
            return true;
        }
        catch (FormatException)
        {
            bytes = [];
            return false;
        }
    }
}
