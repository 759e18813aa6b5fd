using AnonymousBoard.Storage;

namespace AnonymousBoard.Moderation;

/// <summary>The rows a thread move changes; the numbering and the quote rewriting are <see cref="ThreadMove"/>'s.</summary>
public interface IThreadMoveStore
{
    /// <summary>The thread's posts, oldest first.</summary>
    IReadOnlyList<MovingPost> ListPosts(UnitOfWork work, long boardId, long threadNo);
    /// <summary>Takes <paramref name="count"/> consecutive post numbers on the board; returns the first.</summary>
    long TakeNumbers(UnitOfWork work, long boardId, int count);
    void MoveThread(UnitOfWork work, long fromBoardId, long threadNo, long toBoardId, long newThreadNo);
    void MovePost(UnitOfWork work, long postId, long toBoardId, long newNo, long newThreadNo, string body);
    /// <summary>Old links to the post, and to posts that had moved to it before, lead to its new place.</summary>
    void RecordMove(UnitOfWork work, long fromBoardId, long fromNo, long toBoardId, long toNo);
    /// <summary>Gives the board a last-post time if it had none (it shows the moved thread as activity).</summary>
    void MarkActive(UnitOfWork work, long boardId);
}

/// <summary>A post of a thread being moved.</summary>
public sealed record MovingPost(long Id, long No, string Body);
