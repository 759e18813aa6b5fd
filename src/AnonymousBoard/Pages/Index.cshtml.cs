using AnonymousBoard.Boards;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AnonymousBoard.Pages;

public sealed class IndexModel(BoardDirectory boards) : PageModel
{
    public IReadOnlyList<Board> Boards { get; private set; } = [];

    public void OnGet() => Boards = boards.All;
}
