using System.Globalization;
using AnonymousBoard.Boards;
using AnonymousBoard.Gate;
using AnonymousBoard.Markup;
using AnonymousBoard.Site;

namespace AnonymousBoard.Search;

/// <summary>The search page (Search/SearchPage.cshtml): the query typed, and what it came to; none before a search.</summary>
public sealed record SearchPageView(IReadOnlyList<Board> Boards, Board? Board, string? Query, SearchOutcome? Outcome)
{
    public string PageUrl(int page) =>
        $"{(Board is null ? "/search" : Links.Search(Board.Slug))}?q={Uri.EscapeDataString(Query ?? "")}&page={page.ToString(CultureInfo.InvariantCulture)}";
}

/// <summary>GET /search and /{board}/search: a form that works without JavaScript, and its results.</summary>
public static class SearchPages
{
    public static Task<IResult> Everywhere(HttpContext context, BoardDirectory boards, SearchService search) => Run(null, context, boards, search);

    public static Task<IResult> OnBoard(string board, HttpContext context, BoardDirectory boards, SearchService search)
    {
        ArgumentNullException.ThrowIfNull(boards);
        return boards.Find(board) is { } b ? Run(b, context, boards, search) : Task.FromResult(Results.NotFound());
    }

    private static async Task<IResult> Run(Board? board, HttpContext context, BoardDirectory boards, SearchService search)
    {
        ArgumentNullException.ThrowIfNull(context);
        var query = context.Request.Query["q"].ToString();
        if (!context.Request.Query.ContainsKey("q"))
        {
            return CompressedPage.RenderedPage(SearchPage.Create(new SearchPageView(boards.All, board, null, null)));
        }
        // A page number that is not one is the first page, as a link with a typo should be.
        var page = int.TryParse(context.Request.Query["page"], NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : 1;
        // The search's turn ends when this request does, after its page is written.
        var outcome = await search.SearchAsync(query, board?.Slug, page, context.GetCircuitId(), context.Response.RegisterForDispose);
        var status = StatusCodes.Status200OK;
        if (outcome is SearchOutcome.Refused refused)
        {
            status = refused.Status;
            if (refused.RetryAfter is { } wait)
            {
                context.Response.Headers.RetryAfter = Math.Ceiling(wait.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            }
        }
        // The query goes back into the form as it was typed, made printable (the page escapes it).
        var shown = HtmlText.Printable(query);
        return CompressedPage.RenderedPage(SearchPage.Create(new SearchPageView(boards.All, board, shown.Length > SearchQuery.MaxLength * 2 ? shown[..(SearchQuery.MaxLength * 2)] : shown, outcome)), status);
    }
}
