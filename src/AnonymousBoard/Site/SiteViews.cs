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

/// <summary>
/// What the top of a board's pages shows of the gate (Site/BoardTop.cshtml): it changes only with the level, its
/// work or the queue's minutes, so a page prepared once keys on it (the status's counts change with every post).
/// </summary>
public sealed record LevelLine(GateLevel Level, int RequiredBits, int QueueMinutes)
{
    public static LevelLine Of(GateStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return new(status.Level, status.Settings.RequiredBits,
            status.QueueDelay > TimeSpan.Zero ? (int)Math.Ceiling(status.QueueDelay.TotalMinutes) : 0);
    }
}

/// <summary>
/// The boards every page links to (Site/PageLayout.cshtml), equal when the names are: the list is read again every
/// few seconds and with every post, and a page prepared once is built again only when what it shows changes.
/// </summary>
public sealed class BoardsNav(IReadOnlyList<Board> boards) : IEquatable<BoardsNav>
{
    public bool Equals(BoardsNav? other) =>
        other is not null && (ReferenceEquals(boards, other.Boards) || boards.Select(b => b.Slug).SequenceEqual(other.Boards.Select(b => b.Slug), StringComparer.Ordinal));

    private IReadOnlyList<Board> Boards => boards;

    public override bool Equals(object? obj) => Equals(obj as BoardsNav);

    public override int GetHashCode() => boards.Count;
}
