using AnonymousBoard.Search;

namespace AnonymousBoard.Storage.Sqlite;

/// <summary>
/// Search through the FTS5 table post_search (migration 0006: trigram tokenizer, kept in step with
/// posts by triggers). The board's query syntax is turned into FTS5's with every term quoted, so no
/// text typed reaches FTS5's own operators. Results come newest first: FTS5 walks its matches in
/// descending rowid order and stops at the LIMIT, so a common word costs no more than a rare one.
/// A progress handler stops a query that runs past its budget (<see cref="SqliteUnitOfWork.WithinBudget"/>).
/// </summary>
public sealed class SqliteSearchStore : ISearchStore
{
    public IReadOnlyList<SearchHit>? Find(UnitOfWork work, SearchQuery query, long? boardId, int offset, int count, TimeSpan budget)
    {
        ArgumentNullException.ThrowIfNull(query);
        var sqlite = SqliteUnitOfWork.Of(work);
        var parameters = new Dapper.DynamicParameters();
        parameters.Add("match", Match(query));
        parameters.Add("b", boardId);
        parameters.Add("count", count);
        parameters.Add("offset", offset);
        // Words too short for the index are checked in the rows the index found, as substrings like the index's.
        var likes = query.Unindexed.Select((term, i) =>
        {
            parameters.Add($"like{i}", "%" + term.Text.Replace("\\", "\\\\", StringComparison.Ordinal)
                .Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%");
            return $" AND (p.body LIKE @like{i} ESCAPE '\\' OR p.subject LIKE @like{i} ESCAPE '\\')";
        });
        var sql = $"""
            SELECT b.slug AS board, p.no, p.thread_no, p.created_at, p.subject, p.body
            FROM post_search s JOIN posts p ON p.id = s.rowid JOIN boards b ON b.id = p.board_id
            WHERE post_search MATCH @match AND (@b IS NULL OR p.board_id = @b){string.Concat(likes)}
            ORDER BY s.rowid DESC
            LIMIT @count OFFSET @offset
            """;
        return sqlite.WithinBudget(budget, () => sqlite.Query<Sql.SearchHitRow>(sql, parameters).ConvertAll(r => r.ToHit()));
    }

    /// <summary>FTS5's query: each term a quoted string (quotes inside doubled), a prefix with *, exclusions with NOT.</summary>
    internal static string Match(SearchQuery query)
    {
        static string Quote(SearchTerm t) => "\"" + t.Text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" + (t.Prefix ? "*" : "");
        var match = "(" + string.Join(" AND ", query.Indexed.Select(Quote)) + ")";
        // An excluded term under three characters cannot be looked up; it is left to the reader.
        foreach (var excluded in query.Excluded.Where(t => t.Length >= SearchQuery.IndexedLength))
        {
            match += " NOT " + Quote(excluded);
        }
        return match;
    }
}
