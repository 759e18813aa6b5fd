using AnonymousBoard.Moderation;

namespace AnonymousBoard.Storage.Sql;

/// <summary>Reports' rows, in the SQL both engines speak.</summary>
public sealed class SqlReportStore : IReportStore
{
    public void Add(UnitOfWork work, long postId, string category, string detail, bool counts, DateTimeOffset now) =>
        SqlUnitOfWork.Of(work).Execute("""
            INSERT INTO reports (post_id, category, detail, created_at, counts) VALUES (@postId, @category, @detail, @now, @counts)
            """, new { postId, category, detail, now = now.ToUnixTimeSeconds(), counts });

    public bool HideIfReported(UnitOfWork work, long postId, int threshold) =>
        SqlUnitOfWork.Of(work).Execute("""
            UPDATE posts SET hidden = 1
            WHERE id = @postId AND hidden = 0 AND NOT EXISTS (SELECT 1 FROM reviewed_posts WHERE post_id = @postId)
              AND (SELECT count(*) FROM reports WHERE post_id = @postId AND counts = 1) >= @threshold
            """, new { postId, threshold }) == 1;

    public IReadOnlyList<ReportGroup> Queue(UnitOfWork work)
    {
        var rows = SqlUnitOfWork.Of(work);
        return rows.Query<GroupRow>("""
            SELECT p.id AS post_id, b.id AS board_id, b.slug AS board_slug, p.no, p.thread_no, substr(p.body, 1, 200) AS excerpt,
                   p.hidden, count(r.id) AS count
            FROM reports r JOIN posts p ON p.id = r.post_id JOIN boards b ON b.id = p.board_id
            GROUP BY p.id, b.id ORDER BY count(r.id) DESC, min(r.created_at)
            LIMIT 200
            """).ConvertAll(g => new ReportGroup(g.BoardId, g.BoardSlug, g.No, g.ThreadNo, g.Excerpt, g.Hidden, g.Count, ReportsOf(rows, g.PostId)));
    }

    public int Dismiss(UnitOfWork work, long postId)
    {
        var rows = SqlUnitOfWork.Of(work);
        var count = rows.Execute("DELETE FROM reports WHERE post_id = @postId", new { postId });
        rows.Execute("UPDATE posts SET hidden = 0 WHERE id = @postId", new { postId });
        return count;
    }

    public void MarkReviewed(UnitOfWork work, long postId, DateTimeOffset now) =>
        SqlUnitOfWork.Of(work).Execute("INSERT INTO reviewed_posts (post_id, reviewed_at) VALUES (@postId, @now) ON CONFLICT (post_id) DO UPDATE SET reviewed_at = excluded.reviewed_at",
            new { postId, now = now.ToUnixTimeSeconds() });

    /// <summary>A post's reports, oldest first; also shown on the staff page of the post.</summary>
    internal static List<Report> ReportsOf(SqlUnitOfWork rows, long postId) =>
        rows.Query<ReportRow>("SELECT id, category, detail, created_at FROM reports WHERE post_id = @postId ORDER BY id", new { postId })
            .ConvertAll(r => new Report(r.Id, r.Category, r.Detail, DateTimeOffset.FromUnixTimeSeconds(r.CreatedAt)));

    private sealed class ReportRow
    {
        public long Id { get; init; }
        public string Category { get; init; } = "";
        public string Detail { get; init; } = "";
        public long CreatedAt { get; init; }
    }

    private sealed class GroupRow
    {
        public long PostId { get; init; }
        public long BoardId { get; init; }
        public string BoardSlug { get; init; } = "";
        public long No { get; init; }
        public long ThreadNo { get; init; }
        public string Excerpt { get; init; } = "";
        public bool Hidden { get; init; }
        public int Count { get; init; }
    }
}
