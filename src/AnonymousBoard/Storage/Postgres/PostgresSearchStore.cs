using AnonymousBoard.Search;

namespace AnonymousBoard.Storage.Postgres;

/// <summary>
/// Search through the pg_trgm index over each visible post's subject and text (migration 0006): every
/// term is a case-insensitive substring, as under SQLite's trigram tokenizer, so words in scripts
/// without spaces are found like any other, and phrases are substrings too. Terms reach PostgreSQL as
/// parameters with LIKE's wildcards escaped. A statement timeout stops a query past its budget.
/// </summary>
public sealed class PostgresSearchStore : ISearchStore
{
    // The expression the index is built on; a query must repeat it exactly for the planner to use the index.
    private const string Text = "(p.subject || ' ' || p.body)";

    public IReadOnlyList<SearchHit>? Find(UnitOfWork work, SearchQuery query, long? boardId, int offset, int count, TimeSpan budget)
    {
        ArgumentNullException.ThrowIfNull(query);
        var postgres = PostgresUnitOfWork.Of(work);
        var parameters = new Dapper.DynamicParameters();
        parameters.Add("b", boardId, System.Data.DbType.Int64);
        parameters.Add("count", count);
        parameters.Add("offset", offset);
        var clauses = new List<string>();
        foreach (var (term, i) in query.Indexed.Concat(query.Unindexed).Select((t, i) => (t, i)))
        {
            parameters.Add($"term{i}", Pattern(term));
            clauses.Add($" AND {Text} ILIKE @term{i} ESCAPE '\\'");
        }
        // As with SQLite, an excluded term under three characters is left to the reader.
        foreach (var (term, i) in query.Excluded.Where(t => t.Length >= SearchQuery.IndexedLength).Select((t, i) => (t, i)))
        {
            parameters.Add($"not{i}", Pattern(term));
            clauses.Add($" AND {Text} NOT ILIKE @not{i} ESCAPE '\\'");
        }
        var sql = $"""
            SELECT b.slug AS board, p.no, p.thread_no, p.created_at, p.subject, p.body
            FROM posts p JOIN boards b ON b.id = p.board_id
            WHERE p.hidden = 0 AND (@b IS NULL OR p.board_id = @b){string.Concat(clauses)}
            ORDER BY p.id DESC
            LIMIT @count OFFSET @offset
            """;
        return postgres.WithinBudget(budget, () => postgres.Query<Sql.SearchHitRow>(sql, parameters).ConvertAll(r => r.ToHit()));
    }

    private static string Pattern(SearchTerm term) =>
        "%" + term.Text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal)
            .Replace("_", "\\_", StringComparison.Ordinal) + "%";
}
