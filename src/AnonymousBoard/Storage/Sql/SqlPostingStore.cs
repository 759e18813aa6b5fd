using AnonymousBoard.Gate;
using AnonymousBoard.Posting;

namespace AnonymousBoard.Storage.Sql;

/// <summary>Posting's rows, in the SQL both engines speak.</summary>
public sealed class SqlPostingStore : IPostingStore
{
    // The unary pluses keep SQLite on posts_by_content (a post or two per hash): without them it walked
    // posts_by_time, or the posts by number, reading every post of the window (of the board) once per post.
    public PostPlace? FindDuplicate(UnitOfWork work, long boardId, byte[] contentHash, DateTimeOffset since) =>
        SqlUnitOfWork.Of(work).First<PlaceRow>("""
            SELECT no, thread_no FROM posts
            WHERE board_id = @boardId AND content_hash = @contentHash AND +created_at >= @since
            ORDER BY +no DESC LIMIT 1
            """, new { boardId, contentHash, since = since.ToUnixTimeSeconds() })?.ToPlace();

    public PostPlace? FindBySignature(UnitOfWork work, string signature) =>
        SqlUnitOfWork.Of(work).First<PlaceRow>("SELECT no, thread_no FROM posts WHERE signature = @signature", new { signature })?.ToPlace();

    public ThreadFlags? FindThread(UnitOfWork work, long boardId, long threadNo) =>
        SqlUnitOfWork.Of(work).First<ThreadRow>("""
            SELECT reply_count, locked, archived, bump_locked FROM threads WHERE board_id = @boardId AND no = @threadNo
            """, new { boardId, threadNo }) is { } t ? new ThreadFlags(t.ReplyCount, t.Locked, t.Archived, t.BumpLocked) : null;

    public long TakeNumber(UnitOfWork work, long boardId, DateTimeOffset now) =>
        SqlUnitOfWork.Of(work).One<long>("""
            UPDATE boards SET next_post_no = next_post_no + 1, last_post_at = @now WHERE id = @boardId
            RETURNING next_post_no - 1
            """, new { boardId, now = now.ToUnixTimeSeconds() });

    public void InsertThread(UnitOfWork work, long boardId, long no, DateTimeOffset now) =>
        SqlUnitOfWork.Of(work).Execute("INSERT INTO threads (board_id, no, bumped_at, bump_seq) VALUES (@boardId, @no, @now, @no)",
            new { boardId, no, now = now.ToUnixTimeSeconds() });

    public long InsertPost(UnitOfWork work, NewPost post)
    {
        var d = post.Draft;
        return SqlUnitOfWork.Of(work).One<long>("""
            INSERT INTO posts (board_id, no, thread_no, created_at, name, subject, body, body_html,
                               renderer_version, sage, delete_hash, content_hash,
                               tripcode, pseudonym, public_key, signature, signed_message,
                               file_hash, file_upload_hash, file_format, file_width, file_height, file_bytes,
                               thumb_width, thumb_height, file_spoiler, file_name, hidden)
            VALUES (@boardId, @no, @threadNo, @createdAt, @name, @subject, @body, @bodyHtml, @rendererVersion, @sage, @deleteHash, @contentHash,
                    @tripcode, @pseudonym, @publicKey, @signature, @signedMessage,
                    @fileHash, @fileUploadHash, @fileFormat, @fileWidth, @fileHeight, @fileBytes,
                    @thumbWidth, @thumbHeight, @fileSpoiler, @fileName, @hidden)
            RETURNING id
            """, new
        {
            // Names exactly as in the SQL: SQLite matches parameter names case-sensitively.
            boardId = post.BoardId, no = post.No, threadNo = post.ThreadNo, createdAt = d.Now.ToUnixTimeSeconds(),
            name = d.Name, subject = d.Subject, body = d.Body, bodyHtml = post.BodyHtml.Value, rendererVersion = post.RendererVersion,
            sage = d.Sage, deleteHash = d.DeleteHash, contentHash = d.ContentHash,
            tripcode = d.Identity.Tripcode, pseudonym = d.Identity.Pseudonym, publicKey = d.Identity.PublicKey,
            signature = d.Identity.Signature, signedMessage = d.Identity.SignedMessage,
            fileHash = d.File?.Hash, fileUploadHash = d.File?.UploadHash, fileFormat = d.File?.Format.Name.ToLowerInvariant(),
            fileWidth = d.File?.Width, fileHeight = d.File?.Height, fileBytes = d.File?.Bytes,
            thumbWidth = d.File?.ThumbnailWidth, thumbHeight = d.File?.ThumbnailHeight, fileSpoiler = d.File?.Spoiler == true,
            fileName = d.File?.FileName, hidden = d.Held,
        });
    }

    public void CountReply(UnitOfWork work, long boardId, long threadNo, long replyNo, DateTimeOffset now, bool bump) =>
        SqlUnitOfWork.Of(work).Execute("""
            UPDATE threads SET reply_count = reply_count + 1,
                bumped_at = CASE WHEN @bump = 1 THEN @now ELSE bumped_at END,
                bump_seq  = CASE WHEN @bump = 1 THEN @replyNo ELSE bump_seq END
            WHERE board_id = @boardId AND no = @threadNo
            """, new { bump, now = now.ToUnixTimeSeconds(), replyNo, boardId, threadNo });

    public void RecordPoster(UnitOfWork work, long postId, PosterIdentity poster, DateTimeOffset now) =>
        SqlUnitOfWork.Of(work).Execute("""
            INSERT INTO post_identities (post_id, tripcode, pseudonym, circuit, created_at)
            VALUES (@postId, @tripcode, @pseudonym, @circuit, @now)
            ON CONFLICT (post_id) DO UPDATE SET tripcode = excluded.tripcode, pseudonym = excluded.pseudonym,
                circuit = excluded.circuit, created_at = excluded.created_at
            """, new
        {
            postId, tripcode = poster.Tripcode, pseudonym = poster.PseudonymFingerprint, circuit = poster.CircuitId,
            now = now.ToUnixTimeSeconds(),
        });

    public void HoldForReview(UnitOfWork work, long postId, string why, DateTimeOffset now) =>
        SqlUnitOfWork.Of(work).Execute("""
            INSERT INTO reports (post_id, category, detail, created_at, counts) VALUES (@postId, 'other', @why, @now, 1)
            """, new { postId, why, now = now.ToUnixTimeSeconds() });

    private sealed class PlaceRow
    {
        public long No { get; init; }
        public long ThreadNo { get; init; }

        public PostPlace ToPlace() => new(No, ThreadNo);
    }

    private sealed class ThreadRow
    {
        public int ReplyCount { get; init; }
        public bool Locked { get; init; }
        public bool Archived { get; init; }
        public bool BumpLocked { get; init; }
    }
}
