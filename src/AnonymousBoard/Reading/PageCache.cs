using System.Collections.Concurrent;
using System.Collections.Immutable;
using AnonymousBoard.Markup;
using AnonymousBoard.Settings;
using AnonymousBoard.Site;
using AnonymousBoard.Storage;
using Microsoft.Extensions.Options;

namespace AnonymousBoard.Reading;

/// <summary>
/// Prepared HTML for the hot pages: a thread's posts, a thread's preview, a board's index pages, the
/// forms they carry. Each entry remembers the version of what it was built from; a write raises the
/// versions of the threads (and so the boards) it touched, and a stale entry is simply never served again.
/// </summary>
/// <remarks>
/// What it holds is bounded (<see cref="BoardOptions.PageCacheMegabytes"/>): past the limit, the entries
/// read least recently go, so a board of a million posts, read all over, does not keep every page it
/// ever served. A page that went is built again when next read, as after a write.
/// </remarks>
public sealed class PageCache(IOptions<BoardOptions> options) : ICommitListener
{
    private readonly long _limit = Math.Max(1, options.Value.PageCacheMegabytes) * 1024L * 1024L;
    private long _bytes;
    // Counts reads, to tell which entries were read least recently.
    private long _reads;
    private readonly Lock _evicting = new();

    // For each thread: its version, raised by every write that touched it, and the version its last change that was
    // not only growth (posts or backlinks added) raised it to. Written together, so a reader sees both of one write.
    private readonly ConcurrentDictionary<ThreadRef, ThreadVersion> _threadVersions = new();
    private readonly ConcurrentDictionary<long, long> _boardVersions = new();
    // Raised by every write that changes a board's title, settings or rules (or its post count).
    private long _boardsVersion;
    private readonly ConcurrentDictionary<(string Kind, long A, long B), Entry> _entries = new();
    private readonly ConcurrentDictionary<(string Kind, long A, long B), object> _building = new();

    // Raised when every entry is stale at once (another instance's writes went unheard for a while).
    private long _epoch;

    private sealed record Entry(long Epoch, long Version, object Shape, object Value, long Bytes)
    {
        public long LastRead;
    }

    /// <param name="shape">What else the value depends on (the board's settings): part of the key.</param>
    /// <param name="build">Reads the store and renders; called without any lock held.</param>
    public T Thread<T>(string kind, ThreadRef thread, object shape, Func<T> build) where T : class =>
        Get((kind, thread.BoardId, thread.ThreadNo), _threadVersions.GetValueOrDefault(thread).Version, shape, build);

    /// <summary>
    /// As <see cref="Thread{T}"/>, but when every write since the entry was built only grew the thread (posts added,
    /// backlinks added: <see cref="UnitOfWork.TouchGrown(ThreadRef)"/>), <paramref name="grow"/> brings the entry up to
    /// date instead of <paramref name="build"/> building it anew; it may return null to have it built anew. It is given
    /// the posts of the thread that new posts quoted since (whose backlinks grew), or null when they are not known.
    /// </summary>
    public T GrowingThread<T>(string kind, ThreadRef thread, object shape, Func<T> build, Func<T, IReadOnlySet<long>?, T?> grow) where T : class
    {
        var version = _threadVersions.GetValueOrDefault(thread);
        return Get((kind, thread.BoardId, thread.ThreadNo), version.Version, shape, build,
            (old, builtAt) => builtAt >= version.Rebuilt ? grow(old, version.Quoted is { } log ? log.Since(builtAt) : new HashSet<long>()) : null);
    }

    public T Board<T>(string kind, long boardId, long page, object shape, Func<T> build) where T : class =>
        Get((kind, boardId, page), _boardVersions.GetValueOrDefault(boardId), shape, build);

    /// <summary>
    /// A form of a board's pages (of the board, <paramref name="threadNo"/> 0, or of one thread): built again only
    /// after a write that changed the boards (their rules are not part of <paramref name="shape"/>), never per request.
    /// </summary>
    public T Form<T>(string kind, long boardId, long threadNo, object shape, Func<T> build) where T : class =>
        Get((kind, boardId, threadNo), Interlocked.Read(ref _boardsVersion), shape, build);

    /// <param name="grow">Brings a stale entry of the same shape (built at the version given) up to date, or returns null.</param>
    private T Get<T>((string, long, long) key, long version, object shape, Func<T> build, Func<T, long, T?>? grow = null) where T : class
    {
        var epoch = Interlocked.Read(ref _epoch);
        var found = _entries.TryGetValue(key, out var entry) && entry.Epoch == epoch && entry.Shape.Equals(shape) ? entry.Value as T : null;
        if (found is not null && entry!.Version == version)
        {
            entry.LastRead = Interlocked.Increment(ref _reads);
            return found;
        }
        // Readers that miss together wait for one of them to build: with many posters on a big thread, each fetching
        // the form after every reply, building it once per reader was most of what a reply cost. One lock per key, so
        // an index page may build the previews it holds (other keys) while it holds its own.
        lock (_building.GetOrAdd(key, _ => new object()))
        {
            if (_entries.TryGetValue(key, out entry) && entry.Epoch == epoch && entry.Version >= version && entry.Shape.Equals(shape) && entry.Value is T built)
            {
                // Built by the reader this one waited for (or by a later one, from newer rows).
                entry.LastRead = Interlocked.Increment(ref _reads);
                return built;
            }
            found = entry is not null && entry.Epoch == epoch && entry.Shape.Equals(shape) ? entry.Value as T : null;
            return Build(key, epoch, version, shape, found is not null && grow is not null ? () => grow(found, entry!.Version) ?? build() : build);
        }
    }

    private T Build<T>((string, long, long) key, long epoch, long version, object shape, Func<T> build) where T : class
    {
        // The version was read before the store is: if a write lands meanwhile, this entry is
        // already stale when stored and the next reader builds again (whole, when the write was not growth).
        var value = build();
        var added = new Entry(epoch, version, shape, value, SizeOf(value)) { LastRead = Interlocked.Increment(ref _reads) };
        Entry? replaced = null;
        // A reader that waited for none (its lock was dropped meanwhile) keeps the first one stored, so what a value
        // does once more (a page compresses itself when first asked) is done once.
        var kept = _entries.AddOrUpdate(key, added, (_, old) =>
        {
            var same = old.Epoch == epoch && old.Version == version && old.Shape.Equals(shape) && old.Value is T;
            replaced = same ? null : old;
            return same ? old : added;
        });
        if (!ReferenceEquals(kept, added))
        {
            kept.LastRead = Interlocked.Increment(ref _reads);
            return (T)kept.Value;
        }
        Interlocked.Add(ref _bytes, added.Bytes - (replaced?.Bytes ?? 0));
        if (Interlocked.Read(ref _bytes) > _limit)
        {
            Evict();
        }
        return value;
    }

    /// <summary>What the cache holds now, in bytes of prepared pages (for the benchmark's report).</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Drops the entries read least recently until a quarter of the limit is free again.</summary>
    private void Evict()
    {
        // One reader evicts; the others go on serving.
        if (!_evicting.TryEnter())
        {
            return;
        }
        try
        {
            var entries = _entries.ToArray();
            // The running total is kept without a lock, so it may drift a little: set it from what is held.
            Interlocked.Exchange(ref _bytes, entries.Sum(e => e.Value.Bytes));
            foreach (var (key, entry) in entries.OrderBy(e => e.Value.LastRead))
            {
                if (Interlocked.Read(ref _bytes) <= _limit / 4 * 3)
                {
                    break;
                }
                if (_entries.TryRemove(new KeyValuePair<(string, long, long), Entry>(key, entry)))
                {
                    // Its lock goes too, so they stay as many as the entries (a reader holding it builds unhindered).
                    _building.TryRemove(key, out _);
                    Interlocked.Add(ref _bytes, -entry.Bytes);
                }
            }
        }
        finally
        {
            _evicting.Exit();
        }
    }

    /// <summary>About what a prepared value keeps in memory: its bytes; what is not bytes counts a little.</summary>
    private static long SizeOf(object value) => value switch
    {
        PreparedHtml html => html.Utf8.Length,
        ReadDocument document => document.Bytes.Length,
        PreparedForm form => form.UpToText.Utf8.Length + form.UpToGate.Utf8.Length + form.End.Utf8.Length,
        ISized sized => sized.Bytes,
        CompressedPage page => page.Bytes,
        _ => 256,
    };

    public void Committed(ChangeSet changes)
    {
        if (changes.Everything)
        {
            Interlocked.Increment(ref _epoch);
            _entries.Clear();
            _building.Clear();
            Interlocked.Exchange(ref _bytes, 0);
        }
        if (changes.Boards || changes.Everything)
        {
            Interlocked.Increment(ref _boardsVersion);
        }
        var grown = changes.Grown.ToHashSet();
        var quoted = changes.Quoted.ToLookup(q => q.Thread, q => q.No);
        foreach (var thread in changes.Threads)
        {
            // A change that is not growth also moves the version an entry must be built at, or after, to be grown.
            _threadVersions.AddOrUpdate(thread,
                _ => grown.Contains(thread) ? new ThreadVersion(1, 0, QuoteLog.Empty.Add(1, quoted[thread])) : new ThreadVersion(1, 1, null),
                (_, v) => grown.Contains(thread)
                    ? new ThreadVersion(v.Version + 1, v.Rebuilt, (v.Quoted ?? QuoteLog.Empty).Add(v.Version + 1, quoted[thread]))
                    : new ThreadVersion(v.Version + 1, v.Version + 1, null));
            _boardVersions.AddOrUpdate(thread.BoardId, 1, (_, v) => v + 1);
        }
    }

    /// <param name="Quoted">The posts quoted by the growth since <paramref name="Rebuilt"/> (null: none).</param>
    private readonly record struct ThreadVersion(long Version, long Rebuilt, QuoteLog? Quoted);

    /// <summary>
    /// The posts of a thread that new posts quoted, by the version each write raised the thread to: the last
    /// <see cref="Kept"/>, so a hot thread's log stays small; an entry built before what was forgotten is grown
    /// knowing nothing of which posts were quoted.
    /// </summary>
    private sealed record QuoteLog(long CompleteAfter, ImmutableArray<(long Version, long No)> Entries)
    {
        private const int Kept = 64;

        public static readonly QuoteLog Empty = new(0, []);

        /// <summary>The posts quoted since <paramref name="builtAt"/>, or null when the log no longer reaches back that far.</summary>
        public HashSet<long>? Since(long builtAt) =>
            builtAt < CompleteAfter ? null : [.. Entries.Where(e => e.Version > builtAt).Select(e => e.No)];

        public QuoteLog Add(long version, IEnumerable<long> nos)
        {
            var entries = Entries.AddRange(nos.Select(no => (version, no)));
            if (entries.Length <= Kept)
            {
                return entries == Entries ? this : this with { Entries = entries };
            }
            // Forget whole versions, so what remains is all of every version after CompleteAfter.
            var forgotten = entries[entries.Length - Kept - 1].Version;
            return new QuoteLog(Math.Max(CompleteAfter, forgotten), [.. entries.Where(e => e.Version > forgotten)]);
        }
    }
}

/// <summary>A prepared value that knows how many bytes it keeps (for the page cache's bound).</summary>
public interface ISized
{
    long Bytes { get; }
}
