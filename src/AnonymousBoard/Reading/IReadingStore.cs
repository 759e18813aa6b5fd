using AnonymousBoard.Markup;
using AnonymousBoard.Storage;

namespace AnonymousBoard.Reading;

/// <summary>The rows the public pages read. Every member reads inside the caller's unit of work.</summary>
public interface IReadingStore
{
    int CountLiveThreads(UnitOfWork work, long boardId);
    /// <summary>Live threads in bump order (stickies first).</summary>
    IReadOnlyList<ThreadSummary> ListLiveThreads(UnitOfWork work, long boardId, int offset, int count);
    ThreadSummary? FindThread(UnitOfWork work, long boardId, long threadNo);
    /// <summary>The thread's opening post and its last <paramref name="lastReplies"/> replies (all of them when null), in order.</summary>
    IReadOnlyList<StoredPost> ListPosts(UnitOfWork work, long boardId, long threadNo, int? lastReplies);
    /// <summary>The thread's posts numbered after <paramref name="afterNo"/>, in order (what a thread page prepared up to that post lacks).</summary>
    IReadOnlyList<StoredPost> ListPostsAfter(UnitOfWork work, long boardId, long threadNo, long afterNo);
    /// <summary>The thread's posts of these numbers, in order; a number not in the thread is left out.</summary>
    IReadOnlyList<StoredPost> ListPostsByNumber(UnitOfWork work, long boardId, long threadNo, IReadOnlyCollection<long> nos);
    /// <summary>Who quotes the posts of this thread, from any thread or board.</summary>
    IReadOnlyList<Backlink> ListBacklinks(UnitOfWork work, long boardId, long threadNo);
    /// <summary>Who quotes the posts of these numbers on the board, from any thread or board.</summary>
    IReadOnlyList<Backlink> ListBacklinksTo(UnitOfWork work, long boardId, IReadOnlyCollection<long> nos);
    /// <summary>The thread that holds post <paramref name="no"/>, or null.</summary>
    long? FindThreadOf(UnitOfWork work, long boardId, long no);
    /// <summary>Where a post of a thread staff moved went, or null.</summary>
    MovedPost? FindMoved(UnitOfWork work, long boardId, long no);
    /// <summary>The newest signed posts of one pseudonym (a key fingerprint), across boards.</summary>
    IReadOnlyList<PseudonymPost> ListPseudonymPosts(UnitOfWork work, string fingerprint, int count);
    int CountArchivedThreads(UnitOfWork work, long boardId);
    /// <summary>Archived threads, the most recently archived first.</summary>
    IReadOnlyList<ThreadSummary> ListArchivedThreads(UnitOfWork work, long boardId, int offset, int count);
    /// <summary>The newest threads by their opening post, live or archived (the board's feed).</summary>
    IReadOnlyList<ThreadSummary> ListNewestThreads(UnitOfWork work, long boardId, int count);
    /// <summary>
    /// The images of a thread's replies that readers see: a hidden reply shows as a notice without its
    /// file, so its image does not count (the reply itself does, in <see cref="ThreadSummary.ReplyCount"/>).
    /// </summary>
    int CountVisibleImages(UnitOfWork work, long boardId, long threadNo);
    /// <summary>When anything board <paramref name="boardId"/> shows last changed (threads.changed_at, see migration 0007).</summary>
    DateTimeOffset FindBoardChange(UnitOfWork work, long boardId);
    /// <summary>The latest change of any board.</summary>
    DateTimeOffset FindLatestBoardChange(UnitOfWork work);
    /// <summary>
    /// The file of the post made at <paramref name="createdAt"/> whose number ends in <paramref name="noModulo"/>
    /// (mod 1000), when readers see it; null otherwise.
    /// </summary>
    Media.PostFile? FindVisibleFile(UnitOfWork work, long boardId, DateTimeOffset createdAt, long noModulo);
}

/// <param name="Hidden">Hidden pending review (reports, a filter): readers see a notice instead of the text.</param>
/// <param name="BannedMark">Staff marked it "USER WAS BANNED FOR THIS POST".</param>
public sealed record StoredPost(long No, long ThreadNo, DateTimeOffset CreatedAt, string Name, string Subject, TrustedHtml BodyHtml,
    bool Hidden = false, bool BannedMark = false)
{
    public string? Tripcode { get; init; }
    /// <summary>The signing key, when the post is signed.</summary>
    public byte[]? PublicKey { get; init; }
    public Media.PostFile? File { get; init; }
}

/// <summary>A signed post listed on its pseudonym's page.</summary>
public sealed record PseudonymPost(string BoardSlug, StoredPost Post);

/// <summary>Where a post of a moved thread is now.</summary>
public sealed record MovedPost(string Board, long ThreadNo, long No);

public sealed record ThreadSummary(
    long No, string Subject, string Excerpt, int ReplyCount, bool Sticky, bool Locked, bool Archived, DateTimeOffset BumpedAt,
    bool BumpLocked = false, DateTimeOffset? ArchivedAt = null)
{
    /// <summary>The subject, or the number when it has none.</summary>
    public string Title => Subject.Length > 0 ? Subject : $"Thread No. {No}";

    /// <summary>When what readers see of the thread last changed, to the millisecond (stored: see UnitOfWork.StampChanges).</summary>
    public DateTimeOffset ChangedAt { get; init; }
}

/// <summary>Post <see cref="FromNo"/> (on board <see cref="FromBoard"/>) quotes post <see cref="ToNo"/>.</summary>
public sealed record Backlink(long ToNo, string FromBoard, long FromNo, long FromThreadNo);

/// <summary>
/// What a thread that only grew adds to its prepared page (Reading/BoardReader.GetThreadGrowth): its posts after the
/// last one prepared, the earlier ones to render again, and the backlinks of the posts that may have changed (every
/// backlink of the thread when which ones was not known).
/// </summary>
public sealed record ThreadGrowth(ThreadSummary Thread, IReadOnlyList<StoredPost> Added, IReadOnlyList<StoredPost> Changed, IReadOnlyList<Backlink> Backlinks);

/// <summary>A thread, or part of it (a preview), with the backlinks of the posts shown.</summary>
public sealed record ThreadContent(ThreadSummary Thread, IReadOnlyList<StoredPost> Posts, int OmittedReplies, IReadOnlyList<Backlink> Backlinks);
