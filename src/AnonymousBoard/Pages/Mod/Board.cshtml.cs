using AnonymousBoard.Reading;
using AnonymousBoard.Boards;
using AnonymousBoard.Storage;
using Microsoft.AspNetCore.Mvc;

namespace AnonymousBoard.Pages.StaffPages;

/// <summary>/mod/board/{board}: a board's live threads, leading to their staff view.</summary>
public sealed class ModBoardModel(BoardDirectory boards, BoardReader store) : StaffPageModel
{
    public Board Board { get; private set; } = null!;
    public IReadOnlyList<ThreadSummary> Threads { get; private set; } = [];

    public IActionResult OnGet(string board)
    {
        if (boards.Find(board) is not { } b)
        {
            return NotFound();
        }
        Board = b;
        Threads = store.ListLiveThreads(b.Id, 0, b.Settings.ThreadCap);
        return Page();
    }
}
