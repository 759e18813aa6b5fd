using System.Collections.Concurrent;
using AnonymousBoard.Storage;

namespace AnonymousBoard.Reading;

/// <summary>
/// Prepared HTML for the hot pages: a thread's posts, a thread's preview, a board's index pages, the
/// forms they carry. Each entry remembers the version of what it was built from; a write raises the
/// versions of the threads (and so the boards) it touched, and a stale entry is simply never served again.
/// </summary>
public sealed class PageCache : ICommitListener
{
    private readonly ConcurrentDictionary<ThreadRef, long> _threadVersions = new();
    private readonly ConcurrentDictionary<long, long> _boardVersions = new();
    // Raised by every write that changes a board's title, settings or rules (or its post count).
    private long _boardsVersion;
    private readonly ConcurrentDictionary<(string Kind, long A, long B), Entry> _entries = new();

    // Raised when every entry is stale at once (another instance's writes went unheard for a while).
    private long _epoch;

    private sealed record Entry(long Epoch, long Version, object Shape, object Value);

    /// <param name="shape">What else the value depends on (the board's settings): part of the key.</param>
    /// <param name="build">Reads the store and renders; called without any lock held.</param>
    public T Thread<T>(string kind, ThreadRef thread, object shape, Func<T> build) where T : class =>
        Get((kind, thread.BoardId, thread.ThreadNo), _threadVersions.GetValueOrDefault(thread), shape, build);

    public T Board<T>(string kind, long boardId, long page, object shape, Func<T> build) where T : class =>
        Get((kind, boardId, page), _boardVersions.GetValueOrDefault(boardId), shape, build);

    /// <summary>
    /// A form of a board's pages (of the board, <paramref name="threadNo"/> 0, or of one thread): built again only
    /// after a write that changed the boards (their rules are not part of <paramref name="shape"/>), never per request.
    /// </summary>
    public T Form<T>(string kind, long boardId, long threadNo, object shape, Func<T> build) where T : class =>
        Get((kind, boardId, threadNo), Interlocked.Read(ref _boardsVersion), shape, build);

    private T Get<T>((string, long, long) key, long version, object shape, Func<T> build) where T : class
    {
        var epoch = Interlocked.Read(ref _epoch);
        if (_entries.TryGetValue(key, out var entry) && entry.Epoch == epoch && entry.Version == version && entry.Shape.Equals(shape) && entry.Value is T hit)
        {
            return hit;
        }
        // The version was read before the store is: if a write lands meanwhile, this entry is
        // already stale when stored and the next reader builds again.
        var value = build();
        _entries[key] = new Entry(epoch, version, shape, value);
        return value;
    }

    public void Committed(ChangeSet changes)
    {
        if (changes.Everything)
        {
            Interlocked.Increment(ref _epoch);
            _entries.Clear();
        }
        if (changes.Boards || changes.Everything)
        {
            Interlocked.Increment(ref _boardsVersion);
        }
        Invalidate(changes.Threads);
    }

    /// <summary>Called after every committed write with the threads it touched.</summary>
    public void Invalidate(IEnumerable<ThreadRef> touched)
    {
        foreach (var thread in touched)
        {
            _threadVersions.AddOrUpdate(thread, 1, (_, v) => v + 1);
            _boardVersions.AddOrUpdate(thread.BoardId, 1, (_, v) => v + 1);
        }
    }
}
