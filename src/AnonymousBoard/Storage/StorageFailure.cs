namespace AnonymousBoard.Storage;

/// <summary>
/// A write refused because the data directory is full, read-only or failing: a state of the
/// machine, not a bug. Posting says so and gives the text back, reading goes on, and once space is
/// back the next post simply works (nothing is remembered about the failure).
/// </summary>
public static class StorageFailure
{
    /// <summary>What is wrong, to follow "the board …", or null when <paramref name="e"/> is no storage failure.</summary>
    public static string? Reason(Exception e) => e switch
    {
        StorageException { Problem: StorageProblem.Full } => "has no disk space left",
        StorageException => "cannot write to its storage",
        IOException { HResult: 28 or 122 } => "has no disk space left",                         // ENOSPC, EDQUOT (the errno on Unix)
        IOException { HResult: 30 or 5 } => "cannot write to its storage",                      // EROFS, EIO
        UnauthorizedAccessException => "cannot write to its storage",                           // EACCES: permissions changed under it
        _ => null,
    };

    /// <summary>The refusal shown above a posting form that comes back with everything typed.</summary>
    public static string ForPoster(string reason) =>
        $"Not posted: the board {reason} right now. Everything you typed is below. Reading works as usual; send the form again later.";
}
