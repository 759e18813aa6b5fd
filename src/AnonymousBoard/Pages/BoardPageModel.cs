using AnonymousBoard.Boards;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AnonymousBoard.Pages;

/// <summary>A page under /{board}/: finds the board named in the route.</summary>
public abstract class BoardPageModel(BoardDirectory boards) : PageModel
{
    public Board Board { get; private set; } = null!;

    protected BoardDirectory Boards => boards;

    /// <summary>False (and the page should answer 404) when there is no such board.</summary>
    protected bool FindBoard(string slug)
    {
        var board = boards.Find(slug);
        if (board is null)
        {
            return false;
        }
        Board = board;
        return true;
    }
}
