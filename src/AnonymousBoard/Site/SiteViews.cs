using AnonymousBoard.Boards;
using AnonymousBoard.Gate;

namespace AnonymousBoard.Site;

/// <summary>What every page has around it (Site/PageLayout.cshtml): its title, the boards it links to, and the feeds of what it shows.</summary>
public sealed record PageFrame(string Title, IReadOnlyList<Board> Boards, IReadOnlyList<FeedLink>? Feeds = null);

/// <summary>An Atom feed of what a page shows, named in its head (rel="alternate") for feed readers.</summary>
public sealed record FeedLink(string Title, string Href)
{
    /// <summary>A board's two feeds: its new threads and its active ones.</summary>
    public static IReadOnlyList<FeedLink> OfBoard(Board board)
    {
        ArgumentNullException.ThrowIfNull(board);
        return [new($"/{board.Slug}/ new threads", Links.NewThreadsFeed(board.Slug)), new($"/{board.Slug}/ active threads", Links.ActiveThreadsFeed(board.Slug))];
    }
}

/// <summary>A search form (Site/SearchForm.cshtml): the site-wide one in every page's header, a board's under its title.</summary>
public sealed record SearchFormView(string Action, string Label, string Id, string? Query = null)
{
    public static SearchFormView Site(string? query = null) => new("/search", "Search every board", "search-site", query);

    public static SearchFormView OnBoard(string slug, string? query = null) => new(Links.Search(slug), $"Search /{slug}/", "search-board", query);
}

/// <summary>The top of a page under /{board}/ (Site/BoardTop.cshtml).</summary>
public sealed record BoardHeading(Board Board, GateStatus Gate);
