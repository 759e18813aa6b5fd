using AnonymousBoard.Boards;
using AnonymousBoard.Gate;
using AnonymousBoard.Storage;

namespace AnonymousBoard.Search;

/// <summary>What a search came to: the posts found, or why it was not run, in words for the person.</summary>
public abstract record SearchOutcome
{
    /// <param name="Contexts">Each hit's match in its context (<see cref="SearchContext"/>), in the order of <paramref name="Hits"/>.</param>
    /// <param name="More">Another page of results follows.</param>
    public sealed record Found(SearchQuery Query, Board? Board, IReadOnlyList<SearchHit> Hits, IReadOnlyList<IReadOnlyList<(string Text, bool Match)>> Contexts,
        int Page, bool More) : SearchOutcome;

    public sealed record Refused(int Status, string Message, TimeSpan? RetryAfter = null) : SearchOutcome;
}

/// <summary>
/// Searching the board, with its cost bounded at every step so that searching cannot be used to burn
/// the CPU: the query's length and terms (<see cref="SearchQuery"/>), the results per page and the pages
/// one may go through, the time a query may run (the engine stops it), how many run at once and their
/// share of the machine (<see cref="SearchAdmission"/>, so pages keep being served), and a tor circuit's
/// request budget, which a search spends <see cref="CircuitCost"/> times as fast as reading a page.
/// </summary>
public sealed class SearchService(IStorage storage, ISearchStore store, BoardDirectory boards, CircuitRateLimiter circuits, SearchAdmission admission)
{
    public const int PerPage = 20;
    public const int MaxPages = 10;
    /// <summary>On top of the one token every request costs.</summary>
    public const double CircuitCost = 4;
    public static readonly TimeSpan Budget = TimeSpan.FromMilliseconds(300);

    /// <summary>What a search refused for want of a turn says (with 503 and Retry-After).</summary>
    public const string Busy = "Search is busy; try again in a moment.";

    /// <param name="boardSlug">One board, or null for every board.</param>
    /// <param name="circuit">The tor circuit asking, when there is one.</param>
    /// <param name="keepTurn">
    /// Given, it takes the search's turn to end once the page is written, so search's share of the machine
    /// counts the page too (a results page costs about what its query does); without it the turn ends with the query.
    /// </param>
    public async Task<SearchOutcome> SearchAsync(string? text, string? boardSlug, int page, uint? circuit, Action<IDisposable>? keepTurn = null)
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
        // Waiting for a turn holds no thread: a burst of searches must not starve the pages of threads.
        IReadOnlyList<SearchHit>? hits;
        IReadOnlyList<IReadOnlyList<(string, bool)>> contexts = [];
        var turn = await admission.EnterAsync();
        if (turn is null)
        {
            return new SearchOutcome.Refused(StatusCodes.Status503ServiceUnavailable, Busy, TimeSpan.FromSeconds(2));
        }
        try
        {
            using var work = storage.Read();
            // One more than a page, to know whether another follows.
            hits = store.Find(work, query, board?.Id, (page - 1) * PerPage, PerPage + 1, Budget);
            // The matches in context are cut out within the turn too.
            if (hits is not null)
            {
                contexts = [.. hits.Take(PerPage).Select(h => SearchContext.Of(h.Body, query))];
            }
        }
        finally
        {
            if (keepTurn is null)
            {
                turn.Dispose();
            }
            else
            {
                keepTurn(turn);
            }
        }
        if (hits is null)
        {
            return new SearchOutcome.Refused(StatusCodes.Status422UnprocessableEntity,
                "This search takes too long to answer: add a longer or rarer word, or search one board.");
        }
        return new SearchOutcome.Found(query, board, hits.Take(PerPage).ToList(), contexts, page, hits.Count > PerPage);
    }
}
