namespace AnonymousBoard.Storage;

/// <summary>
/// Opens units of work on the board's database, whatever its engine. A handler opens one, passes it
/// to the feature stores it needs, and commits; nothing is written until then.
/// </summary>
public interface IStorage
{
    /// <summary>A write: one transaction, one writer at a time on this database.</summary>
    UnitOfWork Write();

    /// <summary>A read: one consistent snapshot, no lock.</summary>
    UnitOfWork Read();

    /// <summary>Brings the schema up to date; refuses a database that is damaged, another program's or newer, and changes nothing then.</summary>
    /// <exception cref="StorageException">The database cannot be used; the message says why.</exception>
    void Migrate();

    /// <summary>What messages call the database: the SQLite file's path, or the PostgreSQL database's name and host.</summary>
    string Name { get; }
}

/// <summary>
/// One transaction, and what it changed that others must hear of once it commits (prepared pages,
/// the board list, image files no post shows any more). Feature stores take it as their first
/// argument; only the engine that made it looks inside.
/// </summary>
public abstract class UnitOfWork(IEnumerable<ICommitListener> listeners) : IDisposable
{
    private readonly List<ThreadRef> _threads = [];
    private readonly List<ThreadRef> _grown = [];
    private readonly List<QuotedPost> _quoted = [];
    private readonly List<long> _boardsChanged = [];
    private readonly List<string> _freedFiles = [];
    private bool _boards;
    private bool _committed;

    /// <summary>Pages showing this thread (and its board's index) must be built again.</summary>
    public void Touch(ThreadRef thread) => _threads.Add(thread);

    public void Touch(IEnumerable<ThreadRef> threads) => _threads.AddRange(threads);

    /// <summary>
    /// This thread only grew: new posts were added to it, or its posts were quoted by new posts (their backlinks
    /// grew); nothing it showed before changed otherwise. Its prepared page may then be updated rather than rebuilt
    /// (Reading/PageCache), unless the same unit of work also <see cref="Touch(ThreadRef)"/>es it.
    /// </summary>
    public void TouchGrown(ThreadRef thread) => _grown.Add(thread);

    public void TouchGrown(IEnumerable<ThreadRef> threads) => _grown.AddRange(threads);

    /// <summary>
    /// These posts were quoted by a new post: their threads only grew (<see cref="TouchGrown(ThreadRef)"/>), and a
    /// prepared page brings the backlinks of these posts up to date without reading every backlink of the thread.
    /// </summary>
    public void TouchQuoted(IEnumerable<QuotedPost> posts)
    {
        foreach (var post in posts)
        {
            _quoted.Add(post);
            _grown.Add(post.Thread);
        }
    }

    /// <summary>A board's title, settings or post count changed: the board list is read again.</summary>
    public void TouchBoards() => _boards = true;

    /// <summary>
    /// Board <paramref name="boardId"/> was made or its settings changed: everything it shows may read
    /// differently (the bump limit is in every thread's JSON), so its threads count as changed too.
    /// </summary>
    public void TouchBoard(long boardId)
    {
        _boards = true;
        _boardsChanged.Add(boardId);
    }

    /// <summary>Image files that no post may show any more once this commits.</summary>
    public void Free(IEnumerable<string> fileHashes) => _freedFiles.AddRange(fileHashes);

    /// <summary>
    /// Runs <paramref name="part"/> as a part of this transaction that can fail alone (a savepoint): when it
    /// throws, what it wrote, touched and freed is undone, the exception goes on, and the rest of the
    /// transaction can still commit. Group commit writes each post of a batch as one part.
    /// </summary>
    public T Part<T>(Func<T> part)
    {
        ArgumentNullException.ThrowIfNull(part);
        var (threads, grown, boardsChanged, freed, boards) = (_threads.Count, _grown.Count, _boardsChanged.Count, _freedFiles.Count, _boards);
        BeginPart();
        try
        {
            var result = part();
            EndPart();
            return result;
        }
        catch
        {
            UndoPart();
            _threads.RemoveRange(threads, _threads.Count - threads);
            _grown.RemoveRange(grown, _grown.Count - grown);
            _boardsChanged.RemoveRange(boardsChanged, _boardsChanged.Count - boardsChanged);
            _freedFiles.RemoveRange(freed, _freedFiles.Count - freed);
            _boards = boards;
            throw;
        }
    }

    protected abstract void BeginPart();

    protected abstract void EndPart();

    /// <summary>Undoes the writes since the matching <see cref="BeginPart"/>; the transaction goes on.</summary>
    protected abstract void UndoPart();

    /// <summary>The threads touched so far, without repeats (what a result reports to its caller).</summary>
    public IReadOnlyList<ThreadRef> TouchedThreads => _threads.Concat(_grown).Distinct().ToList();

    /// <summary>
    /// Makes every write durable, ends the unit of work, then tells the listeners: the one place
    /// after-commit effects happen.
    /// </summary>
    /// <exception cref="StorageException">The database could not take the write; nothing of it was kept.</exception>
    public void Commit()
    {
        if (_committed)
        {
            throw new InvalidOperationException("This unit of work was already committed.");
        }
        var threads = TouchedThreads;
        if (threads.Count > 0 || _boardsChanged.Count > 0)
        {
            // Last, so the time is as close to the commit as it can be (see StampChanges).
            StampChanges(threads, _boardsChanged.Distinct().ToList());
        }
        CommitTransaction();
        _committed = true;
        // The connection and the write lock go before the listeners run: a listener may take locks of
        // its own (the media files' lock) that a writer waiting for this database already holds.
        Dispose();
        var changes = Pending();
        foreach (var listener in listeners)
        {
            listener.Committed(changes);
        }
    }

    /// <summary>
    /// Records in this transaction when what readers see of the touched threads (and of their boards, and
    /// of every thread of <paramref name="boards"/>) last changed: the stored times the JSON API and the
    /// feeds give as Last-Modified and <c>last_modified</c>, so they survive a restart. Each new time is
    /// the clock's, in milliseconds, or one past the previous one if the clock has not moved on, so a
    /// later change always has a later time. Taken just before the commit, so a change becomes visible
    /// within a moment of its time (Reading/ReadDocuments relies on it).
    /// </summary>
    protected abstract void StampChanges(IReadOnlyList<ThreadRef> threads, IReadOnlyList<long> boards);

    protected abstract void CommitTransaction();

    /// <summary>What this unit of work has changed so far (an engine may announce it to other instances as part of its commit).</summary>
    protected ChangeSet Pending() => new(TouchedThreads, _freedFiles.Distinct().ToList(), _boards)
    {
        Grown = _grown.Except(_threads).Distinct().ToList(),
        Quoted = _quoted.Where(q => !_threads.Contains(q.Thread)).Distinct().ToList(),
    };

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Rolls back what was not committed and releases the connection (and the write lock); called once or more.</summary>
    protected abstract void Dispose(bool disposing);
}

/// <summary>
/// What a committed unit of work changed. <paramref name="Everything"/>: anything may have changed
/// (another instance's writes went unheard for a while), so every cached page is stale.
/// </summary>
/// <param name="Threads">Every thread touched, grown or otherwise changed.</param>
public sealed record ChangeSet(IReadOnlyList<ThreadRef> Threads, IReadOnlyList<string> FreedFiles, bool Boards, bool Everything = false)
{
    /// <summary>The threads of <see cref="Threads"/> that only grew (<see cref="UnitOfWork.TouchGrown(ThreadRef)"/>): posts added, backlinks added.</summary>
    public IReadOnlyList<ThreadRef> Grown { get; init; } = [];

    /// <summary>Every post of the <see cref="Grown"/> threads that gained a backlink (<see cref="UnitOfWork.TouchQuoted"/>).</summary>
    public IReadOnlyList<QuotedPost> Quoted { get; init; } = [];

    public bool IsEmpty => Threads.Count == 0 && FreedFiles.Count == 0 && !Boards && !Everything;
}

/// <summary>Told after every commit what changed: the page cache, the board list, the media files.</summary>
public interface ICommitListener
{
    void Committed(ChangeSet changes);
}

/// <summary>A thread whose pages must be built again after a write.</summary>
public readonly record struct ThreadRef(long BoardId, long ThreadNo);

/// <summary>Post <paramref name="No"/> of <paramref name="Thread"/>, which a new post quotes.</summary>
public readonly record struct QuotedPost(ThreadRef Thread, long No);
