using AnonymousBoard.Storage;

namespace AnonymousBoard.Search;

/// <summary>
/// Full-text search over the posts readers see. An engine keeps its own index in step with posts, in
/// the transaction that writes them (SQLite: an FTS5 table with the trigram tokenizer, maintained by
/// triggers, see migration 0006; PostgreSQL would use a pg_trgm GIN index on the posts' text, or a
/// tsvector column, kept the same way), and answers within the time it is given.
/// </summary>
public interface ISearchStore
{
    /// <summary>
    /// Posts matching every positive term and none of the excluded ones, newest first, on one board or
    /// all; null when the search ran out of <paramref name="budget"/> before it finished.
    /// </summary>
    IReadOnlyList<SearchHit>? Find(UnitOfWork work, SearchQuery query, long? boardId, int offset, int count, TimeSpan budget);
}

/// <summary>A post found: where it is and its text (the source, to show the match in context).</summary>
public sealed record SearchHit(string Board, long No, long ThreadNo, DateTimeOffset CreatedAt, string Subject, string Body);
