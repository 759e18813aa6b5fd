using AnonymousBoard.Storage;

namespace AnonymousBoard.Reading;

/// <summary>The reading feature's queries: each is one snapshot of the database, read through its store.</summary>
public sealed class BoardReader(IStorage storage, IReadingStore store)
{
    public int CountLiveThreads(long boardId) => Read(work => store.CountLiveThreads(work, boardId));

    public IReadOnlyList<ThreadSummary> ListLiveThreads(long boardId, int offset, int count) =>
        Read(work => store.ListLiveThreads(work, boardId, offset, count));

    public ThreadContent? GetThread(long boardId, long threadNo) => ReadThread(boardId, threadNo, lastReplies: null);

    /// <summary>
    /// What a thread prepared up to post <paramref name="afterNo"/> needs to be brought up to date after it only grew,
    /// in one snapshot: the thread, its posts after that one, the backlinks of the <paramref name="quoted"/> posts (when
    /// null, every backlink of the thread), and the earlier posts that <paramref name="toRender"/> picks from those
    /// backlinks (those whose backlinks changed); null when the thread is gone.
    /// </summary>
    public ThreadGrowth? GetThreadGrowth(long boardId, long threadNo, long afterNo, IReadOnlySet<long>? quoted,
        Func<IReadOnlyList<Backlink>, IReadOnlyCollection<long>> toRender) =>
        Read(work =>
        {
            if (store.FindThread(work, boardId, threadNo) is not { } thread)
            {
                return null;
            }
            var added = store.ListPostsAfter(work, boardId, threadNo, afterNo);
            // A thread of hundreds of posts has hundreds to look up; a reply quotes a few.
            var backlinks = quoted is null ? store.ListBacklinks(work, boardId, threadNo) : store.ListBacklinksTo(work, boardId, quoted);
            return new ThreadGrowth(thread, added, store.ListPostsByNumber(work, boardId, threadNo, toRender(backlinks)), backlinks);
        });

    /// <summary>A thread's opening post and its last <paramref name="lastReplies"/> replies.</summary>
    public ThreadContent? GetThreadPreview(long boardId, long threadNo, int lastReplies) => ReadThread(boardId, threadNo, lastReplies);

    /// <summary>The thread that holds post <paramref name="no"/>, or null.</summary>
    public long? FindThreadOf(long boardId, long no) => Read(work => store.FindThreadOf(work, boardId, no));

    public MovedPost? FindMoved(long boardId, long no) => Read(work => store.FindMoved(work, boardId, no));

    public IReadOnlyList<PseudonymPost> ListPseudonymPosts(string fingerprint, int count) =>
        Read(work => store.ListPseudonymPosts(work, fingerprint, count));

    public int CountArchivedThreads(long boardId) => Read(work => store.CountArchivedThreads(work, boardId));

    public IReadOnlyList<ThreadSummary> ListArchivedThreads(long boardId, int offset, int count) =>
        Read(work => store.ListArchivedThreads(work, boardId, offset, count));

    public IReadOnlyList<ThreadSummary> ListNewestThreads(long boardId, int count) => Read(work => store.ListNewestThreads(work, boardId, count));

    /// <summary>
    /// A thread (its last <paramref name="lastReplies"/> replies, or all when null) and the images of its
    /// replies that readers see, in one snapshot. Its reply count is the thread's, as the pages count.
    /// </summary>
    public (ThreadContent Content, int Images)? GetThreadWithImages(long boardId, long threadNo, int? lastReplies) => Read(work =>
        ReadThread(work, boardId, threadNo, lastReplies) is { } content
            ? (content, store.CountVisibleImages(work, boardId, threadNo))
            : ((ThreadContent, int)?)null);

    /// <summary>When anything the board shows last changed; read before the documents it dates, so a change in between only makes it older.</summary>
    public DateTimeOffset BoardChangedAt(long boardId) => Read(work => store.FindBoardChange(work, boardId));

    /// <summary>The latest change of any board (for the list of boards).</summary>
    public DateTimeOffset LatestBoardChange() => Read(store.FindLatestBoardChange);

    public Media.PostFile? FindVisibleFile(long boardId, DateTimeOffset createdAt, long noModulo) =>
        Read(work => store.FindVisibleFile(work, boardId, createdAt, noModulo));

    // One snapshot for the thread, its posts and backlinks, so the three agree.
    private ThreadContent? ReadThread(long boardId, long threadNo, int? lastReplies) => Read(work => ReadThread(work, boardId, threadNo, lastReplies));

    private ThreadContent? ReadThread(UnitOfWork work, long boardId, long threadNo, int? lastReplies)
    {
        if (store.FindThread(work, boardId, threadNo) is not { } thread)
        {
            return null;
        }
        var posts = store.ListPosts(work, boardId, threadNo, lastReplies);
        var shown = posts.Select(p => p.No).ToHashSet();
        var backlinks = store.ListBacklinks(work, boardId, threadNo).Where(b => shown.Contains(b.ToNo)).ToList();
        var omitted = Math.Max(0, thread.ReplyCount - (posts.Count - 1));
        return new ThreadContent(thread, posts, omitted, backlinks);
    }

    private T Read<T>(Func<UnitOfWork, T> query)
    {
        using var work = storage.Read();
        return query(work);
    }
}
