using AnonymousBoard.Boards;
using AnonymousBoard.Storage;
using AnonymousBoard.Markup;
using AnonymousBoard.Reading;
using Microsoft.AspNetCore.Mvc;

namespace AnonymousBoard.Pages;

/// <summary>/{board}/catalog: every live thread as a compact tile.</summary>
public sealed class CatalogModel(BoardDirectory boards, BoardReader store, PageCache cache) : BoardPageModel(boards)
{
    public TrustedHtml Tiles { get; private set; } = TrustedHtml.Empty;

    public IActionResult OnGet(string board)
    {
        if (!FindBoard(board))
        {
            return NotFound();
        }
        Tiles = cache.Board("catalog", Board.Id, 0, Board,
            () => PostHtml.Catalog(Board, store.ListLiveThreads(Board.Id, 0, Board.Settings.ThreadCap)));
        return Page();
    }
}
