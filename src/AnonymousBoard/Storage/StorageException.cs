namespace AnonymousBoard.Storage;

/// <summary>What went wrong underneath, in words every engine can map its own errors to.</summary>
public enum StorageProblem
{
    /// <summary>No space left (a full disk or a quota).</summary>
    Full,
    /// <summary>The database or its directory cannot be written (read-only, failing, gone).</summary>
    Unwritable,
    /// <summary>The database is damaged, foreign, or of a newer schema; it was not changed.</summary>
    Unusable,
}

/// <summary>
/// An engine's error that is a state of the machine, not a bug, in one storage-neutral type: only
/// the engine's own code catches the engine's exceptions, and turns those into this.
/// </summary>
public sealed class StorageException : Exception
{
    public StorageException(StorageProblem problem, string message, Exception? inner = null) : base(message, inner) => Problem = problem;

    public StorageException() : this(StorageProblem.Unwritable, "The board's storage failed.") { }

    public StorageException(string message) : this(StorageProblem.Unwritable, message) { }

    public StorageException(string message, Exception inner) : this(StorageProblem.Unwritable, message, inner) { }

    public StorageProblem Problem { get; }
}
