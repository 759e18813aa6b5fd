using AnonymousBoard.Gate;
using AnonymousBoard.Moderation;

namespace AnonymousBoard.Storage.Sql;

/// <summary>Filters' rows, in the SQL both engines speak.</summary>
public sealed class SqlFilterStore : IFilterStore
{
    public IReadOnlyList<FilterRule> List(UnitOfWork work) =>
        SqlUnitOfWork.Of(work).Query<FilterRow>("""
            SELECT f.id, f.board_id, b.slug AS board_slug, f.pattern, f.is_regex, f.action, f.replacement
            FROM filters f LEFT JOIN boards b ON b.id = f.board_id ORDER BY f.id
            """).ConvertAll(f => new FilterRule(f.Id, f.BoardId, f.BoardSlug, f.Pattern, f.IsRegex, Filters.Parse(f.Action) ?? FilterAction.Hold,
                f.Replacement));

    public long Insert(UnitOfWork work, FilterRule rule, DateTimeOffset now) =>
        SqlUnitOfWork.Of(work).One<long>("""
            INSERT INTO filters (board_id, pattern, is_regex, action, replacement, created_at)
            VALUES (@boardId, @pattern, @isRegex, @action, @replacement, @now) RETURNING id
            """, new
        {
            boardId = rule.BoardId, pattern = rule.Pattern, isRegex = rule.IsRegex, action = Filters.Name(rule.Action),
            replacement = rule.Replacement, now = now.ToUnixTimeSeconds(),
        });

    public bool Delete(UnitOfWork work, long id) =>
        SqlUnitOfWork.Of(work).Execute("DELETE FROM filters WHERE id = @id", new { id }) == 1;

    private sealed class FilterRow
    {
        public long Id { get; init; }
        public long? BoardId { get; init; }
        public string? BoardSlug { get; init; }
        public string Pattern { get; init; } = "";
        public bool IsRegex { get; init; }
        public string Action { get; init; } = "";
        public string Replacement { get; init; } = "";
    }
}
