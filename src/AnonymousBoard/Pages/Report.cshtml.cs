using AnonymousBoard.Boards;
using AnonymousBoard.Storage;
using AnonymousBoard.Moderation;
using AnonymousBoard.Reading;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AnonymousBoard.Pages;

/// <summary>/{board}/report/{no}: anyone can report a post, without JavaScript and without a cookie.</summary>
public sealed class ReportModel(BoardDirectory boards, BoardReader store, IModerationStore moderation, BoardPolicies policies,
    PageCache cache, TimeProvider time) : BoardPageModel(boards)
{
    public static readonly IReadOnlyList<(string Value, string Label)> Categories =
    [
        ("illegal", "Illegal content"),
        ("spam", "Spam or advertising"),
        ("rules", "Breaks this board's rules"),
        ("offtopic", "Off-topic"),
        ("other", "Something else (say what below)"),
    ];

    public long No { get; private set; }
    public long ThreadNo { get; private set; }
    public bool Sent { get; private set; }
    public string? Error { get; private set; }
    public string? Category { get; private set; }
    public string? Detail { get; private set; }

    public IActionResult OnGet(string board, long no, string? sent)
    {
        if (!Find(board, no))
        {
            return NotFound();
        }
        Sent = sent == "1";
        return Page();
    }

    public IActionResult OnPost(string board, long no, [FromForm(Name = "category")] string? category, [FromForm(Name = "detail")] string? detail)
    {
        if (!Find(board, no))
        {
            return NotFound();
        }
        (Category, Detail) = (category, detail);
        var text = (detail ?? "").Replace("\r\n", "\n", StringComparison.Ordinal).Trim();
        if (Categories.All(c => c.Value != category))
        {
            return Refused("Choose why you are reporting the post.");
        }
        if (text.Length > 500)
        {
            return Refused("Say it in at most 500 characters.");
        }
        switch (moderation.AddReport(Board, no, category!, text, policies.Get(Board.Id).AutoHideReports, time.GetUtcNow()))
        {
            case ReportOutcome.Filed filed:
                cache.Invalidate(filed.Touched);
                return new SeeOtherResult($"/{Board.Slug}/report/{no}?sent=1");
            default:
                return NotFound();
        }
    }

    private bool Find(string board, long no)
    {
        if (!FindBoard(board) || store.FindThreadOf(Board.Id, no) is not { } threadNo)
        {
            return false;
        }
        (No, ThreadNo) = (no, threadNo);
        return true;
    }

    private PageResult Refused(string error)
    {
        Error = error;
        var page = Page();
        page.StatusCode = StatusCodes.Status400BadRequest;
        return page;
    }
}
