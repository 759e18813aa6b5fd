using AnonymousBoard.Boards;
using AnonymousBoard.Gate;
using AnonymousBoard.Storage;

namespace AnonymousBoard.Search;

/// <summary>What a search came to: the posts found, or why it was not run, in words for the person.</summary>
public abstract record SearchOutcome
{
    /// <param name="More">Another page of results follows.</param>
    public sealed record Found(SearchQuery Query, Board? Board, IReadOnlyList<SearchHit> Hits, int Page, bool More) : SearchOutcome;

    public sealed record Refused(int Status, string Message, TimeSpan? RetryAfter = null) : SearchOutcome;
}

/// <summary>
/// Searching the board, with its cost bounded at every step so that searching cannot be used to burn
/// the CPU: the query's length and terms (<see cref="SearchQuery"/>), the results per page and the pages
/// one may go through, the time a query may run (the engine stops it), how many run at once (half the
/// cores, so pages keep being served), and a tor circuit's request budget, which a search spends
/// <see cref="CircuitCost"/> times as fast as reading a page.
/// </summary>
public sealed class SearchService(IStorage storage, ISearchStore store, BoardDirectory boards, CircuitRateLimiter circuits) : IDisposable
{
    public const int PerPage = 20;
    public const int MaxPages = 10;
    /// <summary>On top of the one token every request costs.</summary>
    public const double CircuitCost = 4;
    public static readonly TimeSpan Budget = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan QueueWait = TimeSpan.FromSeconds(1);

    private readonly SemaphoreSlim _running = new(Math.Max(1, Environment.ProcessorCount / 2));

    /// <param name="boardSlug">One board, or null for every board.</param>
    /// <param name="circuit">The tor circuit asking, when there is one.</param>
    public SearchOutcome Search(string? text, string? boardSlug, int page, uint? circuit)
    {
        Board? board = null;
        if (!string.IsNullOrEmpty(boardSlug) && (board = boards.Find(boardSlug)) is null)
        {
            return new SearchOutcome.Refused(StatusCodes.Status404NotFound, $"There is no board /{boardSlug}/ to search.");
        }
        var (query, error) = SearchQuery.Parse(text);
        if (query is null)
        {
            return new SearchOutcome.Refused(StatusCodes.Status400BadRequest, error!);
        }
        if (page is < 1 or > MaxPages)
        {
            return new SearchOutcome.Refused(StatusCodes.Status400BadRequest,
                $"Results go {MaxPages} pages deep; make the search more specific to see older posts.");
        }
        if (circuit is not null && circuits.TryAcquire(circuit, CircuitCost) is { Allowed: false } refused)
        {
            return new SearchOutcome.Refused(StatusCodes.Status429TooManyRequests,
                "This tor circuit has searched a lot just now; wait a few seconds and search again.", refused.RetryAfter);
        }
        if (!_running.Wait(QueueWait))
        {
            return new SearchOutcome.Refused(StatusCodes.Status503ServiceUnavailable,
                "Many searches are running right now; try again in a moment.", TimeSpan.FromSeconds(5));
        }
        IReadOnlyList<SearchHit>? hits;
        try
        {
            using var work = storage.Read();
            // One more than a page, to know whether another follows.
            hits = store.Find(work, query, board?.Id, (page - 1) * PerPage, PerPage + 1, Budget);
        }
        finally
        {
            _running.Release();
        }
        if (hits is null)
        {
            return new SearchOutcome.Refused(StatusCodes.Status422UnprocessableEntity,
                "This search takes too long to answer: add a longer or rarer word, or search one board.");
        }
        return new SearchOutcome.Found(query, board, hits.Take(PerPage).ToList(), page, hits.Count > PerPage);
    }

    public void Dispose() => _running.Dispose();
}
