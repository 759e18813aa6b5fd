using AnonymousBoard.Boards;
using AnonymousBoard.Gate;

namespace AnonymousBoard.Site;

/// <summary>What every page has around it (Site/PageLayout.cshtml): its title and the boards it links to.</summary>
public sealed record PageFrame(string Title, IReadOnlyList<Board> Boards);

/// <summary>The top of a page under /{board}/ (Site/BoardTop.cshtml).</summary>
public sealed record BoardHeading(Board Board, GateStatus Gate);
