using AnonymousBoard.Gate;
using AnonymousBoard.Markup;
using AnonymousBoard.Storage;

namespace AnonymousBoard.Posting;

/// <summary>The rows posting reads and writes, inside the handler's unit of work (taking posts off is Removal's).</summary>
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
    /// <summary>What named the poster (tripcode, pseudonym, circuit), for staff's "delete everything by"; in the post's own transaction, so none is missed.</summary>
    void RecordPoster(UnitOfWork work, long postId, PosterIdentity poster, DateTimeOffset now);
    /// <summary>Puts the post in the staff's report queue, as if reported for <paramref name="why"/>.</summary>
    void HoldForReview(UnitOfWork work, long postId, string why, DateTimeOffset now);
}

/// <summary>Where a post is.</summary>
public sealed record PostPlace(long No, long ThreadNo);

/// <summary>What a reply needs to know of its thread.</summary>
public sealed record ThreadFlags(int Replies, bool Locked, bool Archived, bool BumpLocked);

/// <summary>A post's row, rendered and ready to insert.</summary>
public sealed record NewPost(long BoardId, long No, long ThreadNo, PostDraft Draft, TrustedHtml BodyHtml, int RendererVersion);
