using AnonymousBoard.Boards;
using AnonymousBoard.Moderation;
using Microsoft.AspNetCore.Mvc;

namespace AnonymousBoard.Pages.StaffPages;

/// <summary>/mod/post/{board}/{no}: one post with the actions the member may take on it.</summary>
public sealed class ModPostModel(IModerationStore store, BoardDirectory boards, ModerationService moderation) : StaffPageModel
{
    public string BoardSlug { get; private set; } = "";
    public long No { get; private set; }
    public StaffPostView? Post { get; private set; }
    public IReadOnlyList<PostAction> Actions { get; private set; } = [];
    public IReadOnlyList<string> MoveTargets { get; private set; } = [];

    public IActionResult OnGet(string board, long no) => Load(board, no) ? Page() : NotFound();

    public IActionResult OnPost(string board, long no, [FromForm(Name = "action")] string? action, [FromForm(Name = "reason")] string? reason,
        [FromForm(Name = "to")] string? to)
    {
        var result = moderation.ActOnPost(Staff, board, no, action ?? "", reason, to);
        Load(board, no);
        return Show(result);
    }

    private bool Load(string board, long no)
    {
        (BoardSlug, No) = (board, no);
        if (boards.Find(board) is not { } b)
        {
            return false;
        }
        Post = store.GetPost(b.Id, no);
        if (Post is null)
        {
            return false;
        }
        Actions = ModerationService.PostActions.Where(a => Staff.May(a.Permission, b.Id)).ToList();
        MoveTargets = boards.All.Where(x => x.Id != b.Id && Staff.May(StaffRight.MoveThread, x.Id)).Select(x => x.Slug).ToList();
        return true;
    }
}
