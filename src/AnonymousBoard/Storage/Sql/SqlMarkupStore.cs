using AnonymousBoard.Markup;

namespace AnonymousBoard.Storage.Sql;

/// <summary>Rendering's rows, in the SQL both engines speak.</summary>
public sealed class SqlMarkupStore : IMarkupStore
{
    // A post of a thread moved to another board is found where it went (post_moves), so quotes of it keep working.
    public QuoteTarget? FindQuoted(UnitOfWork work, string boardSlug, long no) =>
        SqlUnitOfWork.Of(work).First<TargetRow>("""
            SELECT b.id AS board_id, b.slug AS board_slug, p.no, p.thread_no FROM posts p JOIN boards b ON b.id = p.board_id
            WHERE b.slug = @slug AND p.no = @no
            UNION ALL
            SELECT tb.id, tb.slug, p.no, p.thread_no FROM post_moves m
            JOIN boards fb ON fb.id = m.from_board
            JOIN boards tb ON tb.id = m.to_board
            JOIN posts p ON p.board_id = m.to_board AND p.no = m.to_no
            WHERE fb.slug = @slug AND m.from_no = @no
            LIMIT 1
            """, new { slug = boardSlug, no }) is { } t ? new QuoteTarget(t.BoardId, t.BoardSlug, t.No, t.ThreadNo) : null;

    public bool BoardExists(UnitOfWork work, string boardSlug) =>
        SqlUnitOfWork.Of(work).Exists("SELECT 1 FROM boards WHERE slug = @slug", new { slug = boardSlug });

    public PostSource? FindSource(UnitOfWork work, long postId) =>
        SqlUnitOfWork.Of(work).First<SourceRow>("""
            SELECT p.board_id, b.slug AS board_slug, p.thread_no, p.body FROM posts p JOIN boards b ON b.id = p.board_id WHERE p.id = @postId
            """, new { postId }) is { } s ? new PostSource(s.BoardId, s.BoardSlug, s.ThreadNo, s.Body) : null;

    public void SaveRendering(UnitOfWork work, long postId, TrustedHtml html, int rendererVersion) =>
        SqlUnitOfWork.Of(work).Execute("UPDATE posts SET body_html = @html, renderer_version = @rendererVersion WHERE id = @postId",
            new { html = html.Value, rendererVersion, postId });

    public void SaveQuotes(UnitOfWork work, long postId, IReadOnlyList<QuoteTarget> quotes)
    {
        var rows = SqlUnitOfWork.Of(work);
        rows.Execute("DELETE FROM quotes WHERE from_post = @postId", new { postId });
        rows.Execute("INSERT INTO quotes (from_post, to_board, to_no) VALUES (@postId, @BoardId, @No) ON CONFLICT DO NOTHING",
            quotes.Select(q => new { postId, q.BoardId, q.No }));
    }

    public IReadOnlyList<long> ListQuoters(UnitOfWork work, long boardId, long no) =>
        SqlUnitOfWork.Of(work).Query<long>("SELECT from_post FROM quotes WHERE to_board = @boardId AND to_no = @no", new { boardId, no });

    // Two ranges rather than "<>", and sorted here rather than by ORDER BY id: either makes SQLite read every
    // post instead of posts_by_renderer, which finds none in a moment on a board of any size.
    public IReadOnlyList<long> ListOutdated(UnitOfWork work, int rendererVersion) =>
        [.. SqlUnitOfWork.Of(work).Query<long>("SELECT id FROM posts WHERE renderer_version < @rendererVersion OR renderer_version > @rendererVersion",
            new { rendererVersion }).Order()];

    private sealed class TargetRow
    {
        public long BoardId { get; init; }
        public string BoardSlug { get; init; } = "";
        public long No { get; init; }
        public long ThreadNo { get; init; }
    }

    private sealed class SourceRow
    {
        public long BoardId { get; init; }
        public string BoardSlug { get; init; } = "";
        public long ThreadNo { get; init; }
        public string Body { get; init; } = "";
    }
}
