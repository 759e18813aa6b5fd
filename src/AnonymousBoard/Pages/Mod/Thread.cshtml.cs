using AnonymousBoard.Boards;
using AnonymousBoard.Storage;
using AnonymousBoard.Markup;
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
    public TrustedHtml Posts { get; private set; } = TrustedHtml.Empty;
    public string Title { get; private set; } = "";

    public IActionResult OnGet(string board, long no)
    {
        if (boards.Find(board) is not { } b || store.GetThread(b.Id, no) is not { } thread)
        {
            return NotFound();
        }
        (Board, No) = (b, no);
        Posts = PostHtml.Thread(b, thread, Paths.Base);
        Title = PostHtml.ThreadTitle(thread.Thread);
        return Page();
    }
}
