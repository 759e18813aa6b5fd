using AnonymousBoard.Removal;

namespace AnonymousBoard.Storage.Sql;

/// <summary>Removal's rows, in the SQL both engines speak: finding a post, deleting posts and threads, the thread cap.</summary>
public sealed class SqlRemovalStore : IRemovalStore
{
    public PostRecord? FindPost(UnitOfWork work, long boardId, long no) =>
        SqlUnitOfWork.Of(work).First<PostRow>("""
            SELECT id, board_id, no, thread_no, body, delete_hash FROM posts WHERE board_id = @boardId AND no = @no
            """, new { boardId, no }) is { } p ? new PostRecord(p.Id, p.BoardId, p.No, p.ThreadNo, p.Body, p.DeleteHash) : null;

    public RemovedPosts DeleteThread(UnitOfWork work, long boardId, long threadNo)
    {
        var rows = SqlUnitOfWork.Of(work);
        var key = new { boardId, threadNo };
        var nos = rows.Query<long>("SELECT no FROM posts WHERE board_id = @boardId AND thread_no = @threadNo", key);
        var files = rows.Query<string>("""
            SELECT DISTINCT file_hash FROM posts WHERE board_id = @boardId AND thread_no = @threadNo AND file_hash IS NOT NULL
            """, key);
        rows.Execute("DELETE FROM posts WHERE board_id = @boardId AND thread_no = @threadNo", key);
        rows.Execute("DELETE FROM threads WHERE board_id = @boardId AND no = @threadNo", key);
        return new RemovedPosts(nos, files);
    }

    public RemovedPosts DeleteReply(UnitOfWork work, PostRecord reply)
    {
        var rows = SqlUnitOfWork.Of(work);
        var files = rows.Query<string>("SELECT file_hash FROM posts WHERE id = @Id AND file_hash IS NOT NULL", reply);
        rows.Execute("DELETE FROM posts WHERE id = @Id", reply);
        rows.Execute("UPDATE threads SET reply_count = reply_count - 1 WHERE board_id = @BoardId AND no = @ThreadNo", reply);
        return new RemovedPosts([reply.No], files);
    }

    // Skipped here, not by OFFSET: the engines disagree on OFFSET without LIMIT, and the live threads are few (about the cap).
    public IReadOnlyList<long> ListUnstickiedThreads(UnitOfWork work, long boardId, int skip) =>
        SqlUnitOfWork.Of(work).Query<long>("""
            SELECT no FROM threads WHERE board_id = @boardId AND archived = 0 AND sticky = 0
            ORDER BY bumped_at DESC, bump_seq DESC
            """, new { boardId }).Skip(skip).ToList();

    public int CountStickies(UnitOfWork work, long boardId) =>
        SqlUnitOfWork.Of(work).One<int>("SELECT count(*) FROM threads WHERE board_id = @boardId AND archived = 0 AND sticky = 1",
            new { boardId });

    public void Archive(UnitOfWork work, long boardId, long threadNo) =>
        // The archive lists threads by when they went there (the pruning post's time, near enough).
        SqlUnitOfWork.Of(work).Execute("UPDATE threads SET archived = 1, archived_at = unixepoch() WHERE board_id = @boardId AND no = @threadNo",
            new { boardId, threadNo });

    private sealed class PostRow
    {
        public long Id { get; init; }
        public long BoardId { get; init; }
        public long No { get; init; }
        public long ThreadNo { get; init; }
        public string Body { get; init; } = "";
        public string? DeleteHash { get; init; }
    }
}
