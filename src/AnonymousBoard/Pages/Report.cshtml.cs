using AnonymousBoard.Boards;
using AnonymousBoard.Gate;
using AnonymousBoard.Moderation;
using AnonymousBoard.Posting;
using AnonymousBoard.Reading;
using AnonymousBoard.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AnonymousBoard.Pages;

/// <summary>
/// /{board}/report/{no}: anyone can report a post, without JavaScript and without a cookie, through
/// the same kind of gate as posting (<see cref="ReportGate"/>): a single-use ticket in the form,
/// per-circuit and board-wide budgets, time lock and work by level. A refusal gives the form back
/// with what was typed and a fresh ticket.
/// </summary>
public sealed class ReportModel(BoardDirectory boards, BoardReader store, Reports reports, BoardPolicies policies,
    ReportGate gate, TimeProvider time) : BoardPageModel(boards)
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
    public string? Stamp { get; private set; }

    /// <summary>The ticket the form carries: fresh, or the one the gate chose (a place in the queue).</summary>
    public TicketOffer? Ticket { get; private set; }

    public DateTimeOffset Now => time.GetUtcNow();

    public IActionResult OnGet(string board, long no, string? sent)
    {
        if (!Find(board, no))
        {
            return NotFound();
        }
        Sent = sent == "1";
        Ticket = gate.Admission.IssueTicket(Board.Slug, HttpContext.GetCircuitId());
        return Page();
    }

    public IActionResult OnPost(string board, long no, [FromForm(Name = "category")] string? category, [FromForm(Name = "detail")] string? detail,
        [FromForm(Name = "ticket")] string? ticket, [FromForm(Name = "stamp")] string? stamp)
    {
        if (!Find(board, no))
        {
            return NotFound();
        }
        (Category, Detail, Stamp) = (category, detail, stamp);
        var circuit = HttpContext.GetCircuitId();
        var text = (detail ?? "").Replace("\r\n", "\n", StringComparison.Ordinal).Trim();
        if (Categories.All(c => c.Value != category))
        {
            return Refused("Choose why you are reporting the post.");
        }
        if (text.Length > 500)
        {
            return Refused("Say it in at most 500 characters.");
        }
        // Checked before the gate, so a slip of the hand does not spend the ticket.
        var admission = gate.Admission.Admit(ticket, Board.Slug, circuit, stamp);
        switch (admission.Outcome)
        {
            case AdmissionOutcome.Admitted:
                break;
            case AdmissionOutcome.AlreadyPosted:
                // The same ticket twice (a double click, a retried circuit, a replay): filed once only.
                return Refused("This form was already sent once, and that report was filed. To report again, send the form below.",
                    StatusCodes.Status409Conflict);
            default:
                Ticket = admission.NextTicket;
                return Refused(PostingService.GateMessage(admission, "report", "Not sent"),
                    admission.Outcome == AdmissionOutcome.Queued ? StatusCodes.Status202Accepted : StatusCodes.Status429TooManyRequests);
        }
        // Only some admitted reports count toward hiding the post by themselves (see ReportGate).
        var counts = gate.CountsTowardHide(Board.Id, no, circuit);
        switch (reports.File(Board, no, category!, text, policies.Get(Board.Id).AutoHideReports, counts, time.GetUtcNow()))
        {
            case ReportOutcome.Filed:
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

    private PageResult Refused(string error, int status = StatusCodes.Status400BadRequest)
    {
        Error = error;
        Ticket ??= gate.Admission.IssueTicket(Board.Slug, HttpContext.GetCircuitId());
        var page = Page();
        page.StatusCode = status;
        return page;
    }
}
