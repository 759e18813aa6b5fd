using AnonymousBoard.Boards;
using AnonymousBoard.Storage;
using AnonymousBoard.Reading;
using Microsoft.AspNetCore.Mvc;

namespace AnonymousBoard.Pages.StaffPages;

/// <summary>
/// /mod/thread/{board}/{no}: the thread with a "mod" link on every post. Built for each request and
/// never put in the page cache, so no staff control can reach the HTML readers are served.
/// </summary>
public sealed class ModThreadModel(BoardDirectory boards, BoardReader store) : StaffPageModel
{
    public Board Board { get; private set; } = null!;
    public long No { get; private set; }
    public PostList Posts { get; private set; } = new([]);
    public string Title { get; private set; } = "";

    public IActionResult OnGet(string board, long no)
    {
        if (boards.Find(board) is not { } b || store.GetThread(b.Id, no) is not { } thread)
        {
            return NotFound();
        }
        (Board, No) = (b, no);
        Posts = BoardPages.Posts(b, thread, Paths.Base);
        Title = thread.Thread.Title;
        return Page();
    }
}
