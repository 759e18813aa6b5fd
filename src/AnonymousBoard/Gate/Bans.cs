using System.Globalization;
using System.Text.RegularExpressions;
using AnonymousBoard.Boards;
using AnonymousBoard.Storage;

namespace AnonymousBoard.Gate;

/// <summary>What a ban can name. There is no IP address here, by design: the board never sees one.</summary>
public enum BanKind
{
    /// <summary>A classic (!abc) or secure (!!abc) tripcode, exactly as shown on posts.</summary>
    Tripcode,
    /// <summary>A pseudonym key's fingerprint.</summary>
    Pseudonym,
    /// <summary>A tor circuit id; circuits change, so these bans last hours at most.</summary>
    Circuit,
    /// <summary>A file's SHA-256, hex.</summary>
    File,
    /// <summary>A regular expression matched against what is typed (name, subject and comment).</summary>
    Text,
}

/// <summary>What the posting path knows about a post when it checks bans: its text, tripcode, pseudonym, circuit and file.</summary>
public sealed record PosterIdentity(
    string Text, string? Tripcode = null, string? PseudonymFingerprint = null, string? CircuitId = null,
    IReadOnlyList<string>? FileHashes = null)
{
    public static readonly PosterIdentity None = new("");

    /// <summary>Whether anything names who posted (a tripcode, a pseudonym, a circuit): only then is it recorded.</summary>
    public bool NamesAPoster => Tripcode is not null || PseudonymFingerprint is not null || CircuitId is not null;
}

public sealed record BanDraft(long? BoardId, BanKind Kind, string Value, string Reason, DateTimeOffset Now, DateTimeOffset? Expires, long? StaffId);

public sealed record Ban(
    long Id, long? BoardId, string? BoardSlug, BanKind Kind, string Value, string Reason, DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt, DateTimeOffset? LiftedAt)
{
    public bool IsActive(DateTimeOffset now) => LiftedAt is null && (ExpiresAt is null || ExpiresAt > now);

    public string Scope => BoardSlug is { } slug ? $"/{slug}/" : "all boards";

    public string ExpiryText => ExpiresAt is { } e ? e.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) : "never";
}

/// <summary>Names and limits of ban kinds, and the one check the posting path calls.</summary>
public static class BanKinds
{
    public static readonly TimeSpan MaxCircuitBan = TimeSpan.FromHours(6);

    public static string Name(BanKind kind) => kind switch
    {
        BanKind.Tripcode => "tripcode",
        BanKind.Pseudonym => "pseudonym",
        BanKind.Circuit => "circuit",
        BanKind.File => "file",
        _ => "text",
    };

    public static BanKind? Parse(string? name) => name switch
    {
        "tripcode" => BanKind.Tripcode,
        "pseudonym" => BanKind.Pseudonym,
        "circuit" => BanKind.Circuit,
        "file" => BanKind.File,
        "text" => BanKind.Text,
        _ => null,
    };

    /// <summary>Null when a ban with this target and expiry may be made, otherwise why not.</summary>
    public static string? Check(BanKind kind, string value, TimeSpan? duration)
    {
        if (value.Length is < 1 or > 500)
        {
            return "A ban's target is 1 to 500 characters.";
        }
        if (duration is { } d && d <= TimeSpan.Zero)
        {
            return "A ban's duration must be positive.";
        }
        return kind switch
        {
            BanKind.Circuit when duration is null || duration > MaxCircuitBan =>
                $"A circuit ban lasts at most {MaxCircuitBan.TotalHours:0} hours: a circuit soon belongs to someone else.",
            BanKind.File when !(value.Length == 64 && value.All(char.IsAsciiHexDigitLower)) =>
                "A file ban names the file's SHA-256 as 64 lowercase hex digits.",
            BanKind.Tripcode when !value.StartsWith('!') => "A tripcode starts with ! (or !! for a secure tripcode), as shown on posts.",
            BanKind.Text => TextPattern.Check(value),
            _ => null,
        };
    }

    /// <summary>Whether <paramref name="ban"/> applies to a post with <paramref name="identity"/>.</summary>
    public static bool Matches(Ban ban, PosterIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(ban);
        ArgumentNullException.ThrowIfNull(identity);
        return ban.Kind switch
        {
            BanKind.Tripcode => identity.Tripcode is { } t && t == ban.Value,
            BanKind.Pseudonym => identity.PseudonymFingerprint is { } p && p.Equals(ban.Value, StringComparison.OrdinalIgnoreCase),
            BanKind.Circuit => identity.CircuitId is { } c && c == ban.Value,
            BanKind.File => identity.FileHashes?.Any(h => h.Equals(ban.Value, StringComparison.OrdinalIgnoreCase)) == true,
            _ => TextPattern.IsMatch(ban.Value, identity.Text),
        };
    }
}

/// <summary>The ban check the posting handler calls: the first active ban that applies, or null.</summary>
public sealed class Bans(IStorage storage, IActiveBanStore store, TimeProvider time)
{
    public Ban? Find(Board board, PosterIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(board);
        using var work = storage.Read();
        return store.ListActive(work, board.Id, time.GetUtcNow()).FirstOrDefault(b => BanKinds.Matches(b, identity));
    }
}

/// <summary>
/// Regular expressions written by staff, run against what anonymous people type: always with a
/// match timeout, and with the linear-time engine whenever the pattern allows it.
/// </summary>
public static class TextPattern
{
    // Generous: patterns run on the linear-time engine where they can, so only a starved CPU reaches it.
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Regex?> Compiled = new(StringComparer.Ordinal);

    public static string? Check(string pattern) => Get(pattern) is null ? "That is not a regular expression .NET understands." : null;

    /// <summary>A pattern that runs out of time counts as no match: a slow filter must not stop the board.</summary>
    public static bool IsMatch(string pattern, string text)
    {
        if (Get(pattern) is not { } regex)
        {
            return false;
        }
        try
        {
            return regex.IsMatch(text);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    public static Regex? Get(string pattern) => Compiled.GetOrAdd(pattern, static p =>
    {
        const RegexOptions options = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant;
        try
        {
            return new Regex(p, options | RegexOptions.NonBacktracking, Timeout);
        }
        catch (NotSupportedException)
        {
            // Backreferences and lookarounds need the backtracking engine; the timeout bounds it.
        }
        catch (ArgumentException)
        {
            return null;
        }
        try
        {
            return new Regex(p, options, Timeout);
        }
        catch (ArgumentException)
        {
            return null;
        }
    });
}
