using AnonymousBoard.Boards;
using AnonymousBoard.Moderation;
using Microsoft.AspNetCore.Mvc;

namespace AnonymousBoard.Pages.StaffPages;

/// <summary>The staff start page: open a post by number, and the report queue for the member's boards.</summary>
public sealed class ModIndexModel(Reports reports, BoardDirectory boards) : StaffPageModel
{
    public IReadOnlyList<Board> Boards { get; private set; } = [];
    public IReadOnlyList<ReportGroup> Queue { get; private set; } = [];

    public IActionResult OnGet(string? board, string? no)
    {
        // Only a board name goes into the redirect: any other text would be a broken (or foreign) Location.
        if (board is not null && BoardRules.CheckSlug(board) is null && long.TryParse(no?.Trim().TrimStart('#', 'p', '>'), System.Globalization.NumberStyles.None,
                System.Globalization.CultureInfo.InvariantCulture, out var number))
        {
            return new SeeOtherResult(Paths.Post(board, number));
        }
        Boards = boards.All.Where(b => Staff.Covers(b.Id)).ToList();
        Queue = reports.Queue().Where(g => Staff.May(StaffRight.HandleReports, g.BoardId)).ToList();
        return Page();
    }
}
