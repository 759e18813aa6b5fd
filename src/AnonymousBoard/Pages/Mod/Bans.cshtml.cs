using AnonymousBoard.Boards;
using AnonymousBoard.Moderation;
using Microsoft.AspNetCore.Mvc;

namespace AnonymousBoard.Pages.StaffPages;

/// <summary>/mod/bans: make and lift bans, answer appeals. Janitors see it but may do none of it.</summary>
public sealed class ModBansModel(BoardDirectory boards, BanModeration bans) : StaffPageModel
{
    public IReadOnlyList<string> BoardSlugs { get; private set; } = [];
    public IReadOnlyList<Ban> Active { get; private set; } = [];
    public IReadOnlyList<Appeal> Appeals { get; private set; } = [];
    public string? FormBoard { get; private set; }
    public string? FormKind { get; private set; }
    public string? FormValue { get; private set; }
    public string? FormHours { get; private set; }
    public string? FormReason { get; private set; }

    public void OnGet(string? board, string? kind)
    {
        (FormBoard, FormKind) = (board, kind);
        Load();
    }

    public IActionResult OnPostBan([FromForm(Name = "board")] string? board, [FromForm(Name = "kind")] string? kind,
        [FromForm(Name = "value")] string? value, [FromForm(Name = "hours")] string? hours, [FromForm(Name = "reason")] string? reason)
    {
        var result = bans.Ban(Staff, board, kind, value, hours, reason);
        if (result is ModResult.Refused)
        {
            (FormBoard, FormKind, FormValue, FormHours, FormReason) = (board, kind, value, hours, reason);
        }
        Load();
        return Show(result);
    }

    public IActionResult OnPostLift([FromForm(Name = "ban")] long ban, [FromForm(Name = "reason")] string? reason)
    {
        var result = bans.LiftBan(Staff, ban, reason);
        Load();
        return Show(result);
    }

    public IActionResult OnPostAnswer([FromForm(Name = "ban")] long ban, [FromForm(Name = "answer")] string? answer, [FromForm(Name = "grant")] string? grant)
    {
        var result = bans.AnswerAppeal(Staff, ban, answer, !string.IsNullOrEmpty(grant));
        Load();
        return Show(result);
    }

    private void Load()
    {
        BoardSlugs = boards.All.Where(b => Staff.May(StaffRight.Ban, b.Id)).Select(b => b.Slug).ToList();
        Active = bans.List(includeInactive: false).Where(b => Staff.May(StaffRight.Ban, b.BoardId) || b.BoardId is { } id && Staff.Covers(id)).ToList();
        Appeals = bans.Appeals(pendingOnly: true).Where(a => Staff.May(StaffRight.AnswerAppeals, a.Ban.BoardId)).ToList();
    }
}
