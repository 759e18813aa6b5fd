using AnonymousBoard.Gate;
using AnonymousBoard.Moderation;

namespace AnonymousBoard.Storage.Sql;

/// <summary>The rows of staff actions on posts and threads, in the SQL both engines speak.</summary>
public sealed class SqlPostActionStore : IPostActionStore
{
    public StaffPostView? FindPost(UnitOfWork work, long boardId, long no)
    {
        var rows = SqlUnitOfWork.Of(work);
        var post = rows.First<StaffPostRow>("""
            SELECT p.id, p.no, p.thread_no, p.body, p.hidden, p.banned_mark,
                   t.sticky, t.locked, t.bump_locked, i.tripcode, i.pseudonym, i.circuit,
                   p.file_hash IS NOT NULL AS has_file, p.file_spoiler
            FROM posts p JOIN threads t ON t.board_id = p.board_id AND t.no = p.thread_no
            LEFT JOIN post_identities i ON i.post_id = p.id
            WHERE p.board_id = @boardId AND p.no = @no
            """, new { boardId, no });
        return post is null ? null : new StaffPostView(post.Id, boardId, post.No, post.ThreadNo, post.Body,
            post.Hidden, post.BannedMark, post.Sticky, post.Locked, post.BumpLocked,
            SqlReportStore.ReportsOf(rows, post.Id), new PosterIdentity(post.Body, post.Tripcode, post.Pseudonym, post.Circuit),
            post.HasFile, post.FileSpoiler);
    }

    public void SetPostMark(UnitOfWork work, long postId, PostMark mark, bool enable)
    {
        var column = mark == PostMark.Hidden ? "hidden" : "banned_mark";
        // column is one of two names written here, never input.
        SqlUnitOfWork.Of(work).Execute($"UPDATE posts SET {column} = @enable WHERE id = @postId", new { enable, postId });
    }

    public string? FindFile(UnitOfWork work, long postId) =>
        SqlUnitOfWork.Of(work).First<string>("SELECT file_hash FROM posts WHERE id = @postId AND file_hash IS NOT NULL", new { postId });

    public void RemoveFile(UnitOfWork work, long postId) =>
        SqlUnitOfWork.Of(work).Execute("""
            UPDATE posts SET file_hash = NULL, file_upload_hash = NULL, file_format = NULL, file_width = NULL,
                file_height = NULL, file_bytes = NULL, thumb_width = NULL, thumb_height = NULL, file_spoiler = 0,
                file_name = NULL
            WHERE id = @postId
            """, new { postId });

    public void SpoilerFile(UnitOfWork work, long postId) =>
        SqlUnitOfWork.Of(work).Execute("UPDATE posts SET file_spoiler = 1 WHERE id = @postId", new { postId });

    public void SetThreadMark(UnitOfWork work, long boardId, long threadNo, ThreadMark mark, bool enable)
    {
        var column = mark switch { ThreadMark.Sticky => "sticky", ThreadMark.Locked => "locked", _ => "bump_locked" };
        // column is one of three names written here, never input.
        SqlUnitOfWork.Of(work).Execute($"UPDATE threads SET {column} = @enable WHERE board_id = @boardId AND no = @threadNo",
            new { enable, boardId, threadNo });
    }

    private sealed class StaffPostRow
    {
        public long Id { get; init; }
        public long No { get; init; }
        public long ThreadNo { get; init; }
        public string Body { get; init; } = "";
        public bool Hidden { get; init; }
        public bool BannedMark { get; init; }
        public bool Sticky { get; init; }
        public bool Locked { get; init; }
        public bool BumpLocked { get; init; }
        public string? Tripcode { get; init; }
        public string? Pseudonym { get; init; }
        public string? Circuit { get; init; }
        public bool HasFile { get; init; }
        public bool FileSpoiler { get; init; }
    }
}
