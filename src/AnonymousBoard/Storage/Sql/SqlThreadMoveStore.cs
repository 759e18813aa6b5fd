using AnonymousBoard.Moderation;

namespace AnonymousBoard.Storage.Sql;

/// <summary>The rows of a thread move,, in the SQL both engines speak.</summary>
public sealed class SqlThreadMoveStore : IThreadMoveStore
{
    public IReadOnlyList<MovingPost> ListPosts(UnitOfWork work, long boardId, long threadNo) =>
        SqlUnitOfWork.Of(work).Query<PostRow>("SELECT id, no, body FROM posts WHERE board_id = @boardId AND thread_no = @threadNo ORDER BY no",
            new { boardId, threadNo }).ConvertAll(p => new MovingPost(p.Id, p.No, p.Body));

    public long TakeNumbers(UnitOfWork work, long boardId, int count) =>
        SqlUnitOfWork.Of(work).One<long>("UPDATE boards SET next_post_no = next_post_no + @count WHERE id = @boardId RETURNING next_post_no - @count",
            new { boardId, count });

    public void MoveThread(UnitOfWork work, long fromBoardId, long threadNo, long toBoardId, long newThreadNo) =>
        SqlUnitOfWork.Of(work).Execute("""
            UPDATE threads SET board_id = @toBoardId, no = @newThreadNo, bump_seq = @newThreadNo WHERE board_id = @fromBoardId AND no = @threadNo
            """, new { fromBoardId, threadNo, toBoardId, newThreadNo });

    public void MovePost(UnitOfWork work, long postId, long toBoardId, long newNo, long newThreadNo, string body) =>
        SqlUnitOfWork.Of(work).Execute("""
            UPDATE posts SET board_id = @toBoardId, no = @newNo, thread_no = @newThreadNo, body = @body WHERE id = @postId
            """, new { postId, toBoardId, newNo, newThreadNo, body });

    public void RecordMove(UnitOfWork work, long fromBoardId, long fromNo, long toBoardId, long toNo)
    {
        var rows = SqlUnitOfWork.Of(work);
        var move = new { fromBoardId, fromNo, toBoardId, toNo };
        rows.Execute("""
            INSERT INTO post_moves (from_board, from_no, to_board, to_no) VALUES (@fromBoardId, @fromNo, @toBoardId, @toNo)
            ON CONFLICT (from_board, from_no) DO UPDATE SET to_board = excluded.to_board, to_no = excluded.to_no
            """, move);
        rows.Execute("""
            UPDATE post_moves SET to_board = @toBoardId, to_no = @toNo
            WHERE to_board = @fromBoardId AND to_no = @fromNo AND NOT (from_board = @fromBoardId AND from_no = @fromNo)
            """, move);
    }

    public void MarkActive(UnitOfWork work, long boardId) =>
        SqlUnitOfWork.Of(work).Execute("UPDATE boards SET last_post_at = coalesce(last_post_at, unixepoch()) WHERE id = @boardId", new { boardId });

    private sealed class PostRow
    {
        public long Id { get; init; }
        public long No { get; init; }
        public string Body { get; init; } = "";
    }
}
