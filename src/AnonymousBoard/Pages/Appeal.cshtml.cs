using System.Globalization;
using AnonymousBoard.Gate;
using AnonymousBoard.Moderation;
using AnonymousBoard.Posting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AnonymousBoard.Pages;

/// <summary>
/// /appeal: a banned poster appeals, once per ban. The form goes through the reports' gate
/// (<see cref="ReportGate"/>, tickets bound to <see cref="ReportGate.AppealScope"/>), so guessing ban
/// numbers costs what reporting does; a refusal gives the form back with the text and a fresh ticket.
/// </summary>
public sealed class AppealModel(BanModeration bans, ReportGate gate, TimeProvider time) : PageModel
{
    public string? BanId { get; private set; }
    public string? Text { get; private set; }
    public string? Stamp { get; private set; }
    public string? Message { get; private set; }
    public bool Ok { get; private set; }
    public TicketOffer? Ticket { get; private set; }
    public DateTimeOffset Now => time.GetUtcNow();

    public void OnGet(string? ban)
    {
        BanId = ban;
        Ticket = gate.Admission.IssueTicket(ReportGate.AppealScope, HttpContext.GetCircuitId());
    }

    public IActionResult OnPost([FromForm(Name = "ban")] string? ban, [FromForm(Name = "text")] string? text,
        [FromForm(Name = "ticket")] string? ticket, [FromForm(Name = "stamp")] string? stamp)
    {
        (BanId, Text, Stamp) = (ban, text, stamp);
        var body = (text ?? "").Replace("\r\n", "\n", StringComparison.Ordinal).Trim();
        if (!long.TryParse(ban, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return Answer(StatusCodes.Status400BadRequest, "Type the number of the ban.");
        }
        if (body.Length is < 1 or > 2000)
        {
            return Answer(StatusCodes.Status400BadRequest, "Write your appeal in 1 to 2000 characters.");
        }
        var admission = gate.Admission.Admit(ticket, ReportGate.AppealScope, HttpContext.GetCircuitId(), stamp);
        switch (admission.Outcome)
        {
            case AdmissionOutcome.Admitted:
                break;
            case AdmissionOutcome.AlreadyPosted:
                // The same ticket twice: whatever the first answer was stands.
                return Answer(StatusCodes.Status409Conflict, "This form was already sent once; its answer stands. To send it again, use the form below.");
            default:
                Ticket = admission.NextTicket;
                return Answer(admission.Outcome == AdmissionOutcome.Queued ? StatusCodes.Status202Accepted : StatusCodes.Status429TooManyRequests,
                    PostingService.GateMessage(admission, "appeal", "Not sent"));
        }
        return bans.Appeal(id, body) switch
        {
            AppealOutcome.Filed => Done("Your appeal was sent. Staff answer appeals in the admin pages; the outcome appears in the moderation log."),
            AppealOutcome.AlreadyFiled => Answer(StatusCodes.Status409Conflict, $"Ban No. {id} has already been appealed; each ban takes one appeal."),
            _ => Answer(StatusCodes.Status404NotFound, $"There is no ban No. {id}."),
        };
    }

    private PageResult Done(string message)
    {
        Ok = true;
        Message = message;
        return Page();
    }

    private PageResult Answer(int status, string message)
    {
        Message = message;
        Ticket ??= gate.Admission.IssueTicket(ReportGate.AppealScope, HttpContext.GetCircuitId());
        var page = Page();
        page.StatusCode = status;
        return page;
    }
}
