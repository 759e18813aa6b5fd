using AnonymousBoard.Markup;
using AnonymousBoard.Storage;

namespace AnonymousBoard.Posting;

/// <summary>The rows posting and deleting read and write, inside the handler's unit of work.</summary>
public interface IPostingStore
{
    /// <summary>The newest post on the board with this content hash made since <paramref name="since"/>, or null.</summary>
    PostPlace? FindDuplicate(UnitOfWork work, long boardId, byte[] contentHash, DateTimeOffset since);
    /// <summary>The post that carries this exact signature, on any board, or null.</summary>
    PostPlace? FindBySignature(UnitOfWork work, string signature);
    ThreadFlags? FindThread(UnitOfWork work, long boardId, long threadNo);
    /// <summary>Takes the board's next post number and records the time as its latest post.</summary>
    long TakeNumber(UnitOfWork work, long boardId, DateTimeOffset now);
    void InsertThread(UnitOfWork work, long boardId, long no, DateTimeOffset now);
    /// <summary>Writes the post's row; returns its id.</summary>
    long InsertPost(UnitOfWork work, NewPost post);
    /// <summary>Counts a reply in its thread, and moves the thread to the top when <paramref name="bump"/>.</summary>
    void CountReply(UnitOfWork work, long boardId, long threadNo, long replyNo, DateTimeOffset now, bool bump);
    /// <summary>The board's live threads that are not sticky, newest bump first, from the <paramref name="skip"/>th on.</summary>
    IReadOnlyList<long> ListUnstickiedThreads(UnitOfWork work, long boardId, int skip);
    int CountStickies(UnitOfWork work, long boardId);
    void Archive(UnitOfWork work, long boardId, long threadNo);
    PostRecord? FindPost(UnitOfWork work, long boardId, long no);
    /// <summary>Deletes a thread with its posts; returns their numbers and the images they showed.</summary>
    RemovedPosts DeleteThread(UnitOfWork work, long boardId, long threadNo);
    /// <summary>Deletes one reply and uncounts it from its thread; returns the image it showed.</summary>
    RemovedPosts DeleteReply(UnitOfWork work, PostRecord reply);
}

/// <summary>Where a post is.</summary>
public sealed record PostPlace(long No, long ThreadNo);

/// <summary>What a reply needs to know of its thread.</summary>
public sealed record ThreadFlags(int Replies, bool Locked, bool Archived, bool BumpLocked);

/// <summary>A stored post as posting and moderation handle it.</summary>
/// <param name="DeleteHash">The self-deletion hash, or null when none was set.</param>
public sealed record PostRecord(long Id, long BoardId, long No, long ThreadNo, string Body, string? DeleteHash)
{
    public bool IsThread => No == ThreadNo;
}

/// <summary>Post numbers and image hashes removed by a deletion.</summary>
public sealed record RemovedPosts(IReadOnlyList<long> Nos, IReadOnlyList<string> FileHashes);

/// <summary>A post's row, rendered and ready to insert.</summary>
public sealed record NewPost(long BoardId, long No, long ThreadNo, PostDraft Draft, TrustedHtml BodyHtml, int RendererVersion);
