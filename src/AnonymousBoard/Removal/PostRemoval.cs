using AnonymousBoard.Boards;
using AnonymousBoard.Markup;
using AnonymousBoard.Media;
using AnonymousBoard.Storage;

namespace AnonymousBoard.Removal;

/// <summary>
/// Taking posts off the board, inside the caller's unit of work: by their poster, by staff, or
/// when a new thread pushes old ones past the board's cap. Posts that quoted what went are
/// rendered again (their links now say the post is gone), and images no post shows any more are
/// freed once the work commits.
/// </summary>
public sealed class PostRemoval(IRemovalStore posts, IMediaStore media, PostRendering rendering)
{
    /// <summary>The post as removal takes it, or null.</summary>
    public PostRecord? FindPost(UnitOfWork work, long boardId, long no) => posts.FindPost(work, boardId, no);

    public void DeleteThread(UnitOfWork work, long boardId, long threadNo)
    {
        var removed = posts.DeleteThread(work, boardId, threadNo);
        Finish(work, boardId, threadNo, removed);
    }

    public void DeleteReply(UnitOfWork work, PostRecord reply)
    {
        var removed = posts.DeleteReply(work, reply);
        Finish(work, reply.BoardId, reply.ThreadNo, removed);
    }

    /// <summary>Threads past the board's cap fall off the end, oldest bump first; stickies stay and do not count.</summary>
    public void Prune(UnitOfWork work, Board board)
    {
        var keep = Math.Max(0, board.Settings.ThreadCap - posts.CountStickies(work, board.Id));
        foreach (var threadNo in posts.ListUnstickiedThreads(work, board.Id, keep))
        {
            if (board.Settings.ArchivePruned)
            {
                posts.Archive(work, board.Id, threadNo);
                work.Touch(new ThreadRef(board.Id, threadNo));
            }
            else
            {
                DeleteThread(work, board.Id, threadNo);
            }
        }
    }

    /// <summary>Frees the images of <paramref name="fileHashes"/> that no post shows any more.</summary>
    public void FreeUnused(UnitOfWork work, IEnumerable<string> fileHashes) =>
        work.Free(fileHashes.Where(hash => !media.IsUsed(work, hash)).ToList());

    private void Finish(UnitOfWork work, long boardId, long threadNo, RemovedPosts removed)
    {
        work.Touch(new ThreadRef(boardId, threadNo));
        FreeUnused(work, removed.FileHashes);
        rendering.RerenderQuotersOf(work, boardId, removed.Nos);
    }
}
