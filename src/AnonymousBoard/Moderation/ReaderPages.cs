using System.Globalization;
using AnonymousBoard.Boards;
using AnonymousBoard.Gate;
using AnonymousBoard.Markup;
using AnonymousBoard.Reading;
using AnonymousBoard.Site;

namespace AnonymousBoard.Moderation;

/// <summary>
/// The moderation pages anyone can open: a board's rules, the public log, reporting a post, appealing a
/// ban. Reports and appeals go through the reports' gate (<see cref="ReportGate"/>) as posts go through
/// the posting gate: a single-use ticket in the form, budgets, time lock and work by level; a refusal
/// gives the form back with what was typed and a fresh ticket, and nothing about the sender is kept.
/// </summary>
public static class ReaderPages
{
    public const int LogPageSize = 50;

    /// <summary>GET /{board}/rules.</summary>
    public static IResult Rules(string board, BoardDirectory boards, BoardPolicies policies, AdmissionGate gate) =>
        boards.Find(board) is not { } b
            ? Results.NotFound()
            : Templates.Page(RulesPage.Create(new RulesPageView(boards.All, new BoardHeading(b, gate.Status), policies.Get(b.Id).Rules)));

    /// <summary>GET /modlog?before=N: the public log, newest first.</summary>
    public static IResult Modlog(HttpContext context, BoardDirectory boards, ModLogReader log)
    {
        // A malformed "before" is the first page, as a link with a typo should be.
        long? before = long.TryParse(context.Request.Query["before"], NumberStyles.None, CultureInfo.InvariantCulture, out var b) && b > 0 ? b : null;
        var entries = log.Page(before, LogPageSize);
        var older = entries.Count == LogPageSize && entries[^1].Seq > 1 ? entries[^1].Seq : (long?)null;
        return Templates.Page(ModlogPage.Create(new ModlogPageView(boards.All, log.PublicKeyHex, entries, older)));
    }

    /// <summary>GET /{board}/report/{no}: the form; "?sent=1" thanks the reporter after a report went through.</summary>
    public static IResult ReportForm(string board, long no, HttpContext context, BoardDirectory boards, BoardReader reader, ReportGate gate,
        AdmissionGate postingGate, TimeProvider time)
    {
        if (boards.Find(board) is not { } b || reader.FindThreadOf(b.Id, no) is not { } threadNo)
        {
            return Results.NotFound();
        }
        var ticket = gate.Admission.IssueTicket(b.Slug, context.GetCircuitId());
        return Templates.Page(ReportPage.Create(new ReportPageView(boards.All, new BoardHeading(b, postingGate.Status), no, threadNo,
            context.Request.Query["sent"] == "1", null, null, null, new GateFieldsView(ticket, null, time.GetUtcNow(), "report", "Send report"))));
    }

    /// <summary>POST /{board}/report/{no}: category, detail, ticket, stamp.</summary>
    public static async Task<IResult> Report(string board, long no, HttpContext context, BoardDirectory boards, BoardReader reader, Reports reports,
        BoardPolicies policies, ReportGate gate, AdmissionGate postingGate, TimeProvider time)
    {
        if (boards.Find(board) is not { } b || reader.FindThreadOf(b.Id, no) is not { } threadNo)
        {
            return Results.NotFound();
        }
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        string? category = form["category"], detail = form["detail"], stamp = form["stamp"];
        var circuit = context.GetCircuitId();
        IResult Refused(string error, int status = StatusCodes.Status400BadRequest, TicketOffer? next = null)
        {
            var ticket = next ?? gate.Admission.IssueTicket(b.Slug, circuit);
            return Templates.Page(ReportPage.Create(new ReportPageView(boards.All, new BoardHeading(b, postingGate.Status), no, threadNo, false,
                error, category, detail, new GateFieldsView(ticket, stamp, time.GetUtcNow(), "report", "Send report"))), status);
        }

        var text = (detail ?? "").Replace("\r\n", "\n", StringComparison.Ordinal).Trim();
        if (Reports.Categories.All(c => c.Value != category))
        {
            return Refused("Choose why you are reporting the post.");
        }
        if (text.Length > 500)
        {
            return Refused("Say it in at most 500 characters.");
        }
        // Checked before the gate, so a slip of the hand does not spend the ticket.
        var admission = gate.Admission.Admit(form["ticket"], b.Slug, circuit, stamp);
        switch (admission.Outcome)
        {
            case AdmissionOutcome.Admitted:
                break;
            case AdmissionOutcome.AlreadyPosted:
                // The same ticket twice (a double click, a retried circuit, a replay): filed once only.
                return Refused("This form was already sent once, and that report was filed. To report again, send the form below.",
                    StatusCodes.Status409Conflict);
            default:
                return Refused(admission.Message("report", "Not sent"),
                    admission.Outcome == AdmissionOutcome.Queued ? StatusCodes.Status202Accepted : StatusCodes.Status429TooManyRequests,
                    admission.NextTicket);
        }
        // Only some admitted reports count toward hiding the post by themselves (see ReportGate).
        var counts = gate.CountsTowardHide(b.Id, no, circuit);
        return reports.File(b, no, category!, text, policies.Get(b.Id).AutoHideReports, counts, time.GetUtcNow()) is ReportOutcome.Filed
            ? SeeOther.To($"/{b.Slug}/report/{no}?sent=1")
            : Results.NotFound();
    }

    /// <summary>GET /appeal?ban=N: the appeal form.</summary>
    public static IResult AppealForm(HttpContext context, BoardDirectory boards, ReportGate gate, TimeProvider time)
    {
        var ticket = gate.Admission.IssueTicket(ReportGate.AppealScope, context.GetCircuitId());
        return Templates.Page(AppealPage.Create(new AppealPageView(boards.All, context.Request.Query["ban"], null, null, false,
            new GateFieldsView(ticket, null, time.GetUtcNow(), "appeal", "Send appeal"))));
    }

    /// <summary>POST /appeal: ban, text, ticket, stamp. Each ban takes one appeal.</summary>
    public static async Task<IResult> Appeal(HttpContext context, BoardDirectory boards, BanModeration bans, ReportGate gate, TimeProvider time)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        string? ban = form["ban"], text = form["text"], stamp = form["stamp"];
        var circuit = context.GetCircuitId();
        IResult Answer(int status, string message, bool ok = false, TicketOffer? next = null)
        {
            var fields = ok ? null : new GateFieldsView(next ?? gate.Admission.IssueTicket(ReportGate.AppealScope, circuit), stamp, time.GetUtcNow(), "appeal", "Send appeal");
            return Templates.Page(AppealPage.Create(new AppealPageView(boards.All, ban, text, message, ok, fields)), status);
        }

        var body = (text ?? "").Replace("\r\n", "\n", StringComparison.Ordinal).Trim();
        if (!long.TryParse(ban, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return Answer(StatusCodes.Status400BadRequest, "Type the number of the ban.");
        }
        if (body.Length is < 1 or > 2000)
        {
            return Answer(StatusCodes.Status400BadRequest, "Write your appeal in 1 to 2000 characters.");
        }
        var admission = gate.Admission.Admit(form["ticket"], ReportGate.AppealScope, circuit, stamp);
        switch (admission.Outcome)
        {
            case AdmissionOutcome.Admitted:
                break;
            case AdmissionOutcome.AlreadyPosted:
                // The same ticket twice: whatever the first answer was stands.
                return Answer(StatusCodes.Status409Conflict, "This form was already sent once; its answer stands. To send it again, use the form below.");
            default:
                return Answer(admission.Outcome == AdmissionOutcome.Queued ? StatusCodes.Status202Accepted : StatusCodes.Status429TooManyRequests,
                    admission.Message("appeal", "Not sent"), next: admission.NextTicket);
        }
        return bans.Appeal(id, body) switch
        {
            AppealOutcome.Filed => Answer(StatusCodes.Status200OK,
                "Your appeal was sent. Staff answer appeals in the admin pages; the outcome appears in the moderation log.", ok: true),
            AppealOutcome.AlreadyFiled => Answer(StatusCodes.Status409Conflict, $"Ban No. {id} has already been appealed; each ban takes one appeal."),
            _ => Answer(StatusCodes.Status404NotFound, $"There is no ban No. {id}."),
        };
    }
}
