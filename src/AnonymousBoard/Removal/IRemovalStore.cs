using AnonymousBoard.Storage;

namespace AnonymousBoard.Removal;

/// <summary>
/// The rows taking posts off the board reads and changes, inside the caller's unit of work. Posting
/// (self-deletion, the thread cap) and moderation (staff actions, reports, moves) both find posts here.
/// </summary>
public interface IRemovalStore
{
    PostRecord? FindPost(UnitOfWork work, long boardId, long no);
    /// <summary>Deletes a thread with its posts; returns their numbers and the images they showed.</summary>
    RemovedPosts DeleteThread(UnitOfWork work, long boardId, long threadNo);
    /// <summary>Deletes one reply and uncounts it from its thread; returns the image it showed.</summary>
    RemovedPosts DeleteReply(UnitOfWork work, PostRecord reply);
    /// <summary>The board's live threads that are not sticky, newest bump first, from the <paramref name="skip"/>th on.</summary>
    IReadOnlyList<long> ListUnstickiedThreads(UnitOfWork work, long boardId, int skip);
    int CountStickies(UnitOfWork work, long boardId);
    void Archive(UnitOfWork work, long boardId, long threadNo);
}

/// <summary>A stored post as posting and moderation handle it.</summary>
/// <param name="DeleteHash">The self-deletion hash, or null when none was set.</param>
public sealed record PostRecord(long Id, long BoardId, long No, long ThreadNo, string Body, string? DeleteHash)
{
    public bool IsThread => No == ThreadNo;
}

/// <summary>Post numbers and image hashes removed by a deletion.</summary>
public sealed record RemovedPosts(IReadOnlyList<long> Nos, IReadOnlyList<string> FileHashes);
