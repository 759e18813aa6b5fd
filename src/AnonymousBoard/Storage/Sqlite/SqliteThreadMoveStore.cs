using AnonymousBoard.Moderation;

namespace AnonymousBoard.Storage.Sqlite;

/// <summary>The rows of a thread move, in SQLite.</summary>
public sealed class SqliteThreadMoveStore : IThreadMoveStore
{
    public IReadOnlyList<MovingPost> ListPosts(UnitOfWork work, long boardId, long threadNo) =>
        SqliteUnitOfWork.Of(work).Query<PostRow>("SELECT id, no, body FROM posts WHERE board_id = @boardId AND thread_no = @threadNo ORDER BY no",
            new { boardId, threadNo }).ConvertAll(p => new MovingPost(p.Id, p.No, p.Body));

    public long TakeNumbers(UnitOfWork work, long boardId, int count) =>
        SqliteUnitOfWork.Of(work).One<long>("UPDATE boards SET next_post_no = next_post_no + @count WHERE id = @boardId RETURNING next_post_no - @count",
            new { boardId, count });

    public void MoveThread(UnitOfWork work, long fromBoardId, long threadNo, long toBoardId, long newThreadNo) =>
        SqliteUnitOfWork.Of(work).Execute("""
            UPDATE threads SET board_id = @toBoardId, no = @newThreadNo, bump_seq = @newThreadNo WHERE board_id = @fromBoardId AND no = @threadNo
            """, new { fromBoardId, threadNo, toBoardId, newThreadNo });

    public void MovePost(UnitOfWork work, long postId, long toBoardId, long newNo, long newThreadNo, string body) =>
        SqliteUnitOfWork.Of(work).Execute("""
            UPDATE posts SET board_id = @toBoardId, no = @newNo, thread_no = @newThreadNo, body = @body WHERE id = @postId
            """, new { postId, toBoardId, newNo, newThreadNo, body });

    public void RecordMove(UnitOfWork work, long fromBoardId, long fromNo, long toBoardId, long toNo)
    {
        var sqlite = SqliteUnitOfWork.Of(work);
        var move = new { fromBoardId, fromNo, toBoardId, toNo };
        sqlite.Execute("""
            INSERT OR REPLACE INTO post_moves (from_board, from_no, to_board, to_no) VALUES (@fromBoardId, @fromNo, @toBoardId, @toNo)
            """, move);
        sqlite.Execute("""
            UPDATE post_moves SET to_board = @toBoardId, to_no = @toNo
            WHERE to_board = @fromBoardId AND to_no = @fromNo AND NOT (from_board = @fromBoardId AND from_no = @fromNo)
            """, move);
    }

    public void MarkActive(UnitOfWork work, long boardId) =>
        SqliteUnitOfWork.Of(work).Execute("UPDATE boards SET last_post_at = coalesce(last_post_at, unixepoch()) WHERE id = @boardId", new { boardId });

    private sealed class PostRow
    {
        public long Id { get; init; }
        public long No { get; init; }
        public string Body { get; init; } = "";
    }
}
