using AnonymousBoard.Storage;

namespace AnonymousBoard.Boards;

/// <summary>
/// The list of boards, read on nearly every request (navigation, route lookup), kept in memory.
/// Refreshed after every commit that changed a board and at least every few seconds, so a board
/// created from the command line while the board runs shows up without a restart. Creating and
/// changing boards goes through here too, inside the caller's unit of work.
/// </summary>
public sealed class BoardDirectory(IStorage storage, IBoardsStore store, TimeProvider time) : ICommitListener
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(2);
    private volatile Snapshot? _snapshot;

    private sealed record Snapshot(IReadOnlyList<Board> Boards, Dictionary<string, Board> BySlug, DateTimeOffset ReadAt);

    public IReadOnlyList<Board> All => Current().Boards;

    public Board? Find(string slug) => Current().BySlug.GetValueOrDefault(slug);

    /// <summary>The next request reads the list again; the one in hand stays for when the database cannot be read.</summary>
    public void Invalidate()
    {
        if (_snapshot is { } snapshot)
        {
            _snapshot = snapshot with { ReadAt = DateTimeOffset.MinValue };
        }
    }

    public void Committed(ChangeSet changes)
    {
        // A post changes its board's count and last activity too.
        if (changes.Boards || changes.Everything || changes.Threads.Count > 0)
        {
            Invalidate();
        }
    }

    /// <summary>Adds a board in the caller's unit of work; false when the slug is taken.</summary>
    public bool Create(UnitOfWork work, string slug, string title, string description, BoardSettings settings)
    {
        var made = store.Insert(work, slug, title, description, settings, time.GetUtcNow());
        TouchBoard(work, slug);
        return made;
    }

    /// <summary>Replaces a board's title, description and settings in the caller's unit of work; false when there is no such board.</summary>
    public bool Update(UnitOfWork work, string slug, string title, string description, BoardSettings settings)
    {
        var changed = store.Update(work, slug, title, description, settings);
        TouchBoard(work, slug);
        return changed;
    }

    private void TouchBoard(UnitOfWork work, string slug)
    {
        work.TouchBoards();
        if (store.Find(work, slug) is { } board)
        {
            work.TouchBoard(board.Id);
        }
    }

    /// <summary>The board as the unit of work sees it (after a write in it, say).</summary>
    public Board? Read(UnitOfWork work, string slug) => store.Find(work, slug);

    private Snapshot Current()
    {
        var snapshot = _snapshot;
        var now = time.GetUtcNow();
        if (snapshot is null || now - snapshot.ReadAt > MaxAge)
        {
            IReadOnlyList<Board> boards;
            try
            {
                using var work = storage.Read();
                boards = store.List(work);
            }
            catch (StorageException) when (snapshot is not null)
            {
                // The database is away (a PostgreSQL server restarting, say): reading goes on with the
                // list as last read, and the next try waits as long as a fresh list would have lasted.
                _snapshot = snapshot with { ReadAt = now };
                return snapshot;
            }
            snapshot = new Snapshot(boards, boards.ToDictionary(b => b.Slug, StringComparer.Ordinal), now);
            _snapshot = snapshot;
        }
        return snapshot;
    }
}
