namespace AnonymousBoard.Boards;

/// <summary>A board and its per-board limits, as stored.</summary>
public sealed record Board(
    long Id,
    string Slug,
    string Title,
    string Description,
    BoardSettings Settings,
    long PostCount,
    DateTimeOffset? LastActivity);

/// <summary>Per-board limits and behaviour; the defaults are what a new board gets.</summary>
public sealed record BoardSettings
{
    public int BumpLimit { get; init; } = 300;
    public int ThreadCap { get; init; } = 150;
    public int ThreadsPerPage { get; init; } = 10;
    public int PreviewsPerThread { get; init; } = 5;
    public int MaxBodyChars { get; init; } = 8000;
    public int MaxBodyLines { get; init; } = 150;
    public int MaxNameChars { get; init; } = 64;
    public int MaxSubjectChars { get; init; } = 120;
    /// <summary>Threads pushed off the end are kept read-only instead of deleted.</summary>
    public bool ArchivePruned { get; init; }
    public bool ImagesAllowed { get; init; } = true;
    /// <summary>A new thread must start with an image.</summary>
    public bool ImageRequiredForThreads { get; init; }
    public long MaxImageBytes { get; init; } = 8 * 1024 * 1024;
    public long MaxImagePixels { get; init; } = 40_000_000;
    public int MaxImageFrames { get; init; } = 300;
}

/// <summary>The rules for board names and titles, shared by the command line and the admin page.</summary>
public static class BoardRules
{
    /// <summary>Paths the board itself uses; a board with one of these names would hide them.</summary>
    private static readonly HashSet<string> Reserved = new(StringComparer.Ordinal)
    {
        "static", "error", "mod", "modlog", "pseudonym", "api", "admin", "rules", "health", "metrics", "favicon", "search",
    };

    /// <summary>Null when the slug is acceptable, otherwise why not.</summary>
    public static string? CheckSlug(string slug)
    {
        if (slug.Length is < 1 or > 16)
        {
            return "A board name is 1 to 16 characters long.";
        }
        if (!slug.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c)))
        {
            return "A board name uses only lowercase letters a-z and digits 0-9.";
        }
        return Reserved.Contains(slug) ? $"\"{slug}\" is reserved for the board's own pages." : null;
    }

    public static string? CheckTitle(string title) =>
        title.Trim().Length is < 1 or > 64 ? "A board title is 1 to 64 characters long." : null;

    public static string? CheckDescription(string description) =>
        description.Length > 300 ? "A board description is at most 300 characters long." : null;

    public static string? CheckSettings(BoardSettings s)
    {
        static string? Range(string what, int value, int min, int max) =>
            value < min || value > max ? $"{what} must be between {min} and {max} (was {value})." : null;
        return Range("bump-limit", s.BumpLimit, 1, 100000)
            ?? Range("thread-cap", s.ThreadCap, 1, 100000)
            ?? Range("threads-per-page", s.ThreadsPerPage, 1, 100)
            ?? Range("previews", s.PreviewsPerThread, 0, 50)
            ?? Range("max-body", s.MaxBodyChars, 1, 100000)
            ?? Range("max-lines", s.MaxBodyLines, 1, 10000)
            ?? Range("max-name", s.MaxNameChars, 1, 200)
            ?? Range("max-subject", s.MaxSubjectChars, 1, 500)
            ?? (s.MaxImageBytes is < 1024 or > 64 * 1024 * 1024 ? $"max-image-bytes must be between 1024 and {64 * 1024 * 1024} (was {s.MaxImageBytes})." : null)
            ?? (s.MaxImagePixels is < 1 or > 200_000_000 ? $"max-image-pixels must be between 1 and 200000000 (was {s.MaxImagePixels})." : null)
            ?? Range("max-frames", s.MaxImageFrames, 1, 10000);
    }
}
