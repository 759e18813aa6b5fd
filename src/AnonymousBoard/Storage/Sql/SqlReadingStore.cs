using AnonymousBoard.Markup;
using AnonymousBoard.Media;
using AnonymousBoard.Reading;

namespace AnonymousBoard.Storage.Sql;

/// <summary>The public pages' rows, in the SQL both engines speak.</summary>
public sealed class SqlReadingStore : IReadingStore
{
    // A hidden opening post lends the index neither its subject nor its text.
    private const string ThreadSummarySelect = """
        SELECT t.no, CASE WHEN op.hidden = 1 THEN '' ELSE op.subject END AS subject,
               CASE WHEN op.hidden = 1 THEN '' ELSE substr(op.body, 1, 160) END AS excerpt,
               t.reply_count, t.sticky, t.locked, t.archived, t.bumped_at, t.bump_locked, t.archived_at, t.changed_at
        FROM threads t JOIN posts op ON op.board_id = t.board_id AND op.no = t.no
        """;

    internal const string PostColumns = """
        p.no, p.thread_no, p.created_at, p.name, p.subject, p.body_html, p.tripcode, p.public_key,
        p.file_hash, p.file_upload_hash, p.file_format, p.file_width, p.file_height, p.file_bytes,
        p.thumb_width, p.thumb_height, p.file_spoiler, p.file_name, p.hidden, p.banned_mark
        """;

    public int CountLiveThreads(UnitOfWork work, long boardId) =>
        SqlUnitOfWork.Of(work).One<int>("SELECT count(*) FROM threads WHERE board_id = @b AND archived = 0", new { b = boardId });

    public IReadOnlyList<ThreadSummary> ListLiveThreads(UnitOfWork work, long boardId, int offset, int count) =>
        SqlUnitOfWork.Of(work).Query<ThreadRow>($"""
            {ThreadSummarySelect}
            WHERE t.board_id = @b AND t.archived = 0
            ORDER BY t.sticky DESC, t.bumped_at DESC, t.bump_seq DESC
            LIMIT @count OFFSET @offset
            """, new { b = boardId, count, offset }).ConvertAll(r => r.ToSummary());

    public ThreadSummary? FindThread(UnitOfWork work, long boardId, long threadNo) =>
        SqlUnitOfWork.Of(work).First<ThreadRow>($"{ThreadSummarySelect} WHERE t.board_id = @b AND t.no = @t",
            new { b = boardId, t = threadNo })?.ToSummary();

    public IReadOnlyList<StoredPost> ListPosts(UnitOfWork work, long boardId, long threadNo, int? lastReplies) =>
        SqlUnitOfWork.Of(work).Query<PostRow>(lastReplies is null
            ? $"SELECT {PostColumns} FROM posts p WHERE p.board_id = @b AND p.thread_no = @t ORDER BY p.no"
            : $"""
              SELECT {PostColumns} FROM posts p WHERE p.board_id = @b AND p.no = @t
              UNION ALL
              SELECT * FROM (SELECT {PostColumns} FROM posts p
                             WHERE p.board_id = @b AND p.thread_no = @t AND p.no <> @t ORDER BY p.no DESC LIMIT @n) AS last_replies
              ORDER BY no
              """, new { b = boardId, t = threadNo, n = lastReplies }).ConvertAll(r => r.ToPost());

    public IReadOnlyList<StoredPost> ListPostsAfter(UnitOfWork work, long boardId, long threadNo, long afterNo) =>
        SqlUnitOfWork.Of(work).Query<PostRow>($"SELECT {PostColumns} FROM posts p WHERE p.board_id = @b AND p.thread_no = @t AND p.no > @after ORDER BY p.no",
            new { b = boardId, t = threadNo, after = afterNo }).ConvertAll(r => r.ToPost());

    // One statement per post: they are few (the posts a reply quotes), and a list parameter is spelled differently
    // by the two engines (Dapper's IN expansion fails on PostgreSQL, which wants = ANY).
    public IReadOnlyList<StoredPost> ListPostsByNumber(UnitOfWork work, long boardId, long threadNo, IReadOnlyCollection<long> nos) =>
        [.. nos.Order().Distinct().Select(no => SqlUnitOfWork.Of(work).First<PostRow>(
                $"SELECT {PostColumns} FROM posts p WHERE p.board_id = @b AND p.thread_no = @t AND p.no = @no", new { b = boardId, t = threadNo, no }))
            .OfType<PostRow>().Select(r => r.ToPost())];

    public IReadOnlyList<Backlink> ListBacklinks(UnitOfWork work, long boardId, long threadNo) =>
        SqlUnitOfWork.Of(work).Query<BacklinkRow>("""
            SELECT q.to_no, fb.slug AS from_board, fp.no AS from_no, fp.thread_no AS from_thread_no
            FROM quotes q
            JOIN posts fp ON fp.id = q.from_post
            JOIN boards fb ON fb.id = fp.board_id
            WHERE q.to_board = @b AND q.to_no IN (SELECT no FROM posts WHERE board_id = @b AND thread_no = @t)
            ORDER BY q.to_no, fb.slug, fp.no
            """, new { b = boardId, t = threadNo }).ConvertAll(r => new Backlink(r.ToNo, r.FromBoard, r.FromNo, r.FromThreadNo));

    // One statement per post, as ListPostsByNumber: a reply quotes few.
    public IReadOnlyList<Backlink> ListBacklinksTo(UnitOfWork work, long boardId, IReadOnlyCollection<long> nos) =>
        [.. nos.Order().Distinct().SelectMany(no => SqlUnitOfWork.Of(work).Query<BacklinkRow>("""
            SELECT q.to_no, fb.slug AS from_board, fp.no AS from_no, fp.thread_no AS from_thread_no
            FROM quotes q
            JOIN posts fp ON fp.id = q.from_post
            JOIN boards fb ON fb.id = fp.board_id
            WHERE q.to_board = @b AND q.to_no = @no
            ORDER BY fb.slug, fp.no
            """, new { b = boardId, no }))
            .Select(r => new Backlink(r.ToNo, r.FromBoard, r.FromNo, r.FromThreadNo))];

    public long? FindThreadOf(UnitOfWork work, long boardId, long no) =>
        SqlUnitOfWork.Of(work).First<long?>("SELECT thread_no FROM posts WHERE board_id = @b AND no = @no", new { b = boardId, no });

    public MovedPost? FindMoved(UnitOfWork work, long boardId, long no) =>
        SqlUnitOfWork.Of(work).First<MovedRow>("""
            SELECT b.slug AS board, p.thread_no, p.no FROM post_moves m
            JOIN posts p ON p.board_id = m.to_board AND p.no = m.to_no JOIN boards b ON b.id = p.board_id
            WHERE m.from_board = @b AND m.from_no = @no
            """, new { b = boardId, no }) is { } moved ? new MovedPost(moved.Board, moved.ThreadNo, moved.No) : null;

    public IReadOnlyList<PseudonymPost> ListPseudonymPosts(UnitOfWork work, string fingerprint, int count) =>
        SqlUnitOfWork.Of(work).Query<PostRow>($"""
            SELECT b.slug AS board_slug, {PostColumns}
            FROM posts p JOIN boards b ON b.id = p.board_id
            WHERE p.pseudonym = @fingerprint ORDER BY p.created_at DESC, p.id DESC LIMIT @count
            """, new { fingerprint, count }).ConvertAll(r => new PseudonymPost(r.BoardSlug!, r.ToPost()));

    public int CountArchivedThreads(UnitOfWork work, long boardId) =>
        SqlUnitOfWork.Of(work).One<int>("SELECT count(*) FROM threads WHERE board_id = @b AND archived = 1", new { b = boardId });

    public IReadOnlyList<ThreadSummary> ListArchivedThreads(UnitOfWork work, long boardId, int offset, int count) =>
        // Threads archived before archived_at existed (NULL) sort last, by number.
        SqlUnitOfWork.Of(work).Query<ThreadRow>($"""
            {ThreadSummarySelect}
            WHERE t.board_id = @b AND t.archived = 1
            ORDER BY t.archived_at DESC, t.no DESC
            LIMIT @count OFFSET @offset
            """, new { b = boardId, count, offset }).ConvertAll(r => r.ToSummary());

    public IReadOnlyList<ThreadSummary> ListNewestThreads(UnitOfWork work, long boardId, int count) =>
        SqlUnitOfWork.Of(work).Query<ThreadRow>($"{ThreadSummarySelect} WHERE t.board_id = @b ORDER BY t.no DESC LIMIT @count",
            new { b = boardId, count }).ConvertAll(r => r.ToSummary());

    public int CountVisibleImages(UnitOfWork work, long boardId, long threadNo) =>
        SqlUnitOfWork.Of(work).One<int>("""
            SELECT count(file_hash) FROM posts
            WHERE board_id = @b AND thread_no = @t AND no <> @t AND hidden = 0
            """, new { b = boardId, t = threadNo });

    public DateTimeOffset FindBoardChange(UnitOfWork work, long boardId) => DateTimeOffset.FromUnixTimeMilliseconds(
        SqlUnitOfWork.Of(work).First<long?>("SELECT changed_at FROM boards WHERE id = @b", new { b = boardId }) ?? 0);

    public DateTimeOffset FindLatestBoardChange(UnitOfWork work) => DateTimeOffset.FromUnixTimeMilliseconds(
        SqlUnitOfWork.Of(work).One<long?>("SELECT max(changed_at) FROM boards") ?? 0);

    public PostFile? FindVisibleFile(UnitOfWork work, long boardId, DateTimeOffset createdAt, long noModulo) =>
        SqlUnitOfWork.Of(work).First<PostRow>($"""
            SELECT {PostColumns} FROM posts p
            WHERE p.board_id = @b AND p.created_at = @at AND p.no % 1000 = @m AND p.hidden = 0 AND p.file_hash IS NOT NULL
            """, new { b = boardId, at = createdAt.ToUnixTimeSeconds(), m = noModulo })?.ToPost().File;

    private sealed class ThreadRow
    {
        public long No { get; init; }
        public string Subject { get; init; } = "";
        public string Excerpt { get; init; } = "";
        public int ReplyCount { get; init; }
        public bool Sticky { get; init; }
        public bool Locked { get; init; }
        public bool Archived { get; init; }
        public long BumpedAt { get; init; }
        public bool BumpLocked { get; init; }
        public long? ArchivedAt { get; init; }
        public long ChangedAt { get; init; }

        public ThreadSummary ToSummary() =>
            new(No, Subject, Excerpt, ReplyCount, Sticky, Locked, Archived, DateTimeOffset.FromUnixTimeSeconds(BumpedAt), BumpLocked,
                ArchivedAt is { } at ? DateTimeOffset.FromUnixTimeSeconds(at) : null)
            {
                ChangedAt = DateTimeOffset.FromUnixTimeMilliseconds(ChangedAt),
            };
    }

    /// <summary>A post's row as the pages show it (<see cref="PostColumns"/>).</summary>
    internal sealed class PostRow
    {
        public string? BoardSlug { get; init; }
        public long No { get; init; }
        public long ThreadNo { get; init; }
        public long CreatedAt { get; init; }
        public string Name { get; init; } = "";
        public string Subject { get; init; } = "";
        public string BodyHtml { get; init; } = "";
        public string? Tripcode { get; init; }
        public byte[]? PublicKey { get; init; }
        public string? FileHash { get; init; }
        public string? FileUploadHash { get; init; }
        public string? FileFormat { get; init; }
        public int FileWidth { get; init; }
        public int FileHeight { get; init; }
        public long FileBytes { get; init; }
        public int ThumbWidth { get; init; }
        public int ThumbHeight { get; init; }
        public bool FileSpoiler { get; init; }
        public string? FileName { get; init; }
        public bool Hidden { get; init; }
        public bool BannedMark { get; init; }

        public StoredPost ToPost() => new(No, ThreadNo, DateTimeOffset.FromUnixTimeSeconds(CreatedAt), Name, Subject,
            TrustedHtml.FromStoredRendering(BodyHtml), Hidden, BannedMark)
        {
            Tripcode = Tripcode,
            PublicKey = PublicKey,
            File = FileHash is null ? null : new PostFile(FileHash, FileUploadHash!, PostFile.FormatNamed(FileFormat!),
                FileWidth, FileHeight, FileBytes, ThumbWidth, ThumbHeight, FileSpoiler, FileName),
        };
    }

    private sealed class BacklinkRow
    {
        public long ToNo { get; init; }
        public string FromBoard { get; init; } = "";
        public long FromNo { get; init; }
        public long FromThreadNo { get; init; }
    }

    private sealed class MovedRow
    {
        public string Board { get; init; } = "";
        public long ThreadNo { get; init; }
        public long No { get; init; }
    }
}
