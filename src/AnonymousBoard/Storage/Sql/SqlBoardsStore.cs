using AnonymousBoard.Boards;

namespace AnonymousBoard.Storage.Sql;

/// <summary>The boards' rows, in the SQL both engines speak.</summary>
public sealed class SqlBoardsStore : IBoardsStore
{
    private const string Select = """
        SELECT id, slug, title, description, bump_limit, thread_cap, threads_per_page, previews_per_thread,
               max_body_chars, max_body_lines, max_name_chars, max_subject_chars, archive_pruned,
               next_post_no - 1 AS post_count, last_post_at, images, image_required, max_image_bytes,
               max_image_pixels, max_image_frames
        FROM boards
        """;

    public IReadOnlyList<Board> List(UnitOfWork work) =>
        SqlUnitOfWork.Of(work).Query<BoardRow>($"{Select} ORDER BY slug").ConvertAll(r => r.ToBoard());

    public Board? Find(UnitOfWork work, string slug) =>
        SqlUnitOfWork.Of(work).First<BoardRow>($"{Select} WHERE slug = @slug", new { slug })?.ToBoard();

    public bool Insert(UnitOfWork work, string slug, string title, string description, BoardSettings settings, DateTimeOffset now) =>
        SqlUnitOfWork.Of(work).Execute("""
            INSERT INTO boards (slug, title, description, bump_limit, thread_cap, threads_per_page,
                previews_per_thread, max_body_chars, max_body_lines, max_name_chars, max_subject_chars,
                archive_pruned, images, image_required, max_image_bytes, max_image_pixels, max_image_frames, created_at)
            VALUES (@slug, @title, @description, @BumpLimit, @ThreadCap, @ThreadsPerPage,
                @PreviewsPerThread, @MaxBodyChars, @MaxBodyLines, @MaxNameChars, @MaxSubjectChars,
                @ArchivePruned, @ImagesAllowed, @ImageRequiredForThreads, @MaxImageBytes, @MaxImagePixels, @MaxImageFrames, @now)
            ON CONFLICT (slug) DO NOTHING
            """, Parameters(slug, title, description, settings, now)) == 1;

    public bool Update(UnitOfWork work, string slug, string title, string description, BoardSettings settings) =>
        SqlUnitOfWork.Of(work).Execute("""
            UPDATE boards SET title = @title, description = @description, bump_limit = @BumpLimit,
                thread_cap = @ThreadCap, threads_per_page = @ThreadsPerPage, previews_per_thread = @PreviewsPerThread,
                max_body_chars = @MaxBodyChars, max_body_lines = @MaxBodyLines, max_name_chars = @MaxNameChars,
                max_subject_chars = @MaxSubjectChars, archive_pruned = @ArchivePruned, images = @ImagesAllowed,
                image_required = @ImageRequiredForThreads, max_image_bytes = @MaxImageBytes,
                max_image_pixels = @MaxImagePixels, max_image_frames = @MaxImageFrames
            WHERE slug = @slug
            """, Parameters(slug, title, description, settings, DateTimeOffset.UnixEpoch)) == 1;

    private static object Parameters(string slug, string title, string description, BoardSettings s, DateTimeOffset now) => new
    {
        slug, title, description, s.BumpLimit, s.ThreadCap, s.ThreadsPerPage, s.PreviewsPerThread, s.MaxBodyChars, s.MaxBodyLines,
        s.MaxNameChars, s.MaxSubjectChars, s.ArchivePruned, s.ImagesAllowed, s.ImageRequiredForThreads, s.MaxImageBytes,
        s.MaxImagePixels, s.MaxImageFrames, now = now.ToUnixTimeSeconds(),
    };

    private sealed class BoardRow
    {
        public long Id { get; init; }
        public string Slug { get; init; } = "";
        public string Title { get; init; } = "";
        public string Description { get; init; } = "";
        public int BumpLimit { get; init; }
        public int ThreadCap { get; init; }
        public int ThreadsPerPage { get; init; }
        public int PreviewsPerThread { get; init; }
        public int MaxBodyChars { get; init; }
        public int MaxBodyLines { get; init; }
        public int MaxNameChars { get; init; }
        public int MaxSubjectChars { get; init; }
        public bool ArchivePruned { get; init; }
        public long PostCount { get; init; }
        public long? LastPostAt { get; init; }
        public bool Images { get; init; }
        public bool ImageRequired { get; init; }
        public long MaxImageBytes { get; init; }
        public long MaxImagePixels { get; init; }
        public int MaxImageFrames { get; init; }

        public Board ToBoard() => new(Id, Slug, Title, Description, new BoardSettings
        {
            BumpLimit = BumpLimit,
            ThreadCap = ThreadCap,
            ThreadsPerPage = ThreadsPerPage,
            PreviewsPerThread = PreviewsPerThread,
            MaxBodyChars = MaxBodyChars,
            MaxBodyLines = MaxBodyLines,
            MaxNameChars = MaxNameChars,
            MaxSubjectChars = MaxSubjectChars,
            ArchivePruned = ArchivePruned,
            ImagesAllowed = Images,
            ImageRequiredForThreads = ImageRequired,
            MaxImageBytes = MaxImageBytes,
            MaxImagePixels = MaxImagePixels,
            MaxImageFrames = MaxImageFrames,
        }, PostCount, LastPostAt is { } at ? DateTimeOffset.FromUnixTimeSeconds(at) : null);
    }
}
