using System.Net;
using System.Net.Sockets;
using AnonymousBoard.Gate;
using AnonymousBoard.Moderation;
using AnonymousBoard.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static AnonymousBoard.Tests.Moderation.StaffKit;

namespace AnonymousBoard.Tests.Gate;

/// <summary>
/// Reports and appeals behind their own gate, reached as tor reaches the board: over its unix socket,
/// each connection starting with tor's PROXY line. The report form carries a single-use ticket; the
/// board-wide report budget and the rule "one counted report per post per circuit, only while reports
/// are calm" bound what a flood of reports from rotating circuits can hide.
/// </summary>
public sealed class GateReportTests : IAsyncLifetime
{
    private readonly SocketBoard _board = new();

    private BoardServer Server => _board.Server;

    /// <summary>Each test picks the gate's settings; the board starts in the test.</summary>
    private Task Start(params string[] gate) => _board.StartAsync(gate);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _board.DisposeAsync();

    private WebBrowser Circuit(uint circuit) => new(_board.Circuit(circuit));

    private async Task<(long Thread, List<long> Replies)> Posts(int replies)
    {
        var thread = await Post(Server, "b", "a thread people reply to");
        var list = new List<long>();
        for (var i = 0; i < replies; i++)
        {
            list.Add(await Post(Server, "b", $"a legitimate reply {i}", thread));
        }
        return (thread, list);
    }

    private static async Task<(HttpResponseMessage Response, Page? Page)> Report(WebBrowser browser, long no, string detail, Func<Dictionary<string, string?>, Dictionary<string, string?>>? change = null)
    {
        var form = await browser.Get($"/b/report/{no}");
        var fields = Fields(("category", "spam"), ("detail", detail));
        return await browser.Submit(form, $"/b/report/{no}", change is null ? fields : change(fields));
    }

    private static void AssertGivenBack(HttpResponseMessage response, Page? page, string detail, string reason)
    {
        Assert.NotEqual(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Contains(reason, page!.Document.QuerySelector("[role=alert]")!.TextContent, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(detail, page.Document.QuerySelector("textarea[name=detail]")!.TextContent);
        Assert.NotNull(page.Document.QuerySelector("input[name=category][value=spam][checked]"));
        Assert.False(string.IsNullOrEmpty(page.Field(page.Document.QuerySelector("form.post-form")!.GetAttribute("action")!, "ticket")));
    }

    private int ReportsFiled() => Server.Services.GetRequiredService<Reports>().Queue().Sum(g => g.Count);

    private async Task<bool> Hidden(long thread, long no) =>
        (await Server.Browser().Get($"/b/thread/{thread}")).Post(no)!.TextContent.Contains("hidden pending review", StringComparison.Ordinal);

    [Fact]
    public async Task A_report_without_a_ticket_is_refused_with_the_text_kept_and_the_form_given_back_goes_through()
    {
        await Start();
        var (_, replies) = await Posts(1);
        var reader = Circuit(0x101);

        var (refused, page) = await Report(reader, replies[0], "an advert, twice a day", f => { f["ticket"] = ""; return f; });
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        AssertGivenBack(refused, page, "an advert, twice a day", "ticket");
        Assert.Equal(0, ReportsFiled());

        var (sent, landed) = await reader.Submit(page!, $"/b/report/{replies[0]}", Fields());
        Assert.Equal(HttpStatusCode.SeeOther, sent.StatusCode);
        Assert.Contains("Thank you", landed!.Html, StringComparison.Ordinal);
        Assert.Equal(1, ReportsFiled());
    }

    [Fact]
    public async Task A_replayed_report_ticket_is_refused_and_files_nothing()
    {
        await Start();
        var (_, replies) = await Posts(1);
        var reader = Circuit(0x102);
        var form = await reader.Get($"/b/report/{replies[0]}");
        Assert.Equal(HttpStatusCode.SeeOther, (await reader.Submit(form, $"/b/report/{replies[0]}", Fields(("category", "spam"), ("detail", "first")))).Response.StatusCode);

        var (again, page) = await reader.Submit(form, $"/b/report/{replies[0]}", Fields(("category", "spam"), ("detail", "the same form, replayed")));

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        AssertGivenBack(again, page, "the same form, replayed", "already sent");
        Assert.Equal(1, ReportsFiled());
    }

    [Fact]
    public async Task A_posting_ticket_cannot_report_and_a_report_ticket_cannot_post()
    {
        await Start();
        var (thread, replies) = await Posts(1);
        var reader = Circuit(0x103);
        var postTicket = (await reader.Get($"/b/thread/{thread}")).Field("/b/post", "ticket")!;
        var reportTicket = (await reader.Get($"/b/report/{replies[0]}")).Field($"/b/report/{replies[0]}", "ticket")!;

        var (refused, page) = await Report(reader, replies[0], "with a posting ticket", f => { f["ticket"] = postTicket; return f; });
        AssertGivenBack(refused, page, "with a posting ticket", "reload the page");

        var threadPage = await reader.Get($"/b/thread/{thread}");
        var (posted, postPage) = await reader.Submit(threadPage, "/b/post", Fields(("body", "with a report ticket"), ("ticket", reportTicket)));
        Assert.NotEqual(HttpStatusCode.SeeOther, posted.StatusCode);
        Assert.Equal("with a report ticket", postPage!.Field("/b/post", "body"));
    }

    [Fact]
    public async Task An_appeal_without_a_ticket_is_refused_with_the_text_kept()
    {
        await Start();
        var browser = Circuit(0x104);
        var form = await browser.Get("/appeal");
        var (refused, page) = await browser.Submit(form, "/appeal", Fields(("ban", "1"), ("text", "It was a quote, not my words."), ("ticket", "")));

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Contains("ticket", page!.Document.QuerySelector("[role=status]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("It was a quote, not my words.", page.Document.QuerySelector("textarea[name=text]")!.TextContent);
        Assert.False(string.IsNullOrEmpty(page.Field("/appeal", "ticket")));
    }

    [Fact]
    public async Task Reports_from_one_circuit_count_once_toward_hiding_and_reports_from_three_circuits_hide()
    {
        await Start("--Board:Gate:Level=auto", "--Board:Gate:CalmReportsPerMinute=6");
        AddStaff(Server, "root", "admin");
        await SetAutoHide(3);
        var (thread, replies) = await Posts(1);
        var one = Circuit(0x200);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.SeeOther, (await Report(one, replies[0], $"from one circuit {i}")).Response.StatusCode);
        }
        Assert.Equal(3, ReportsFiled());
        Assert.False(await Hidden(thread, replies[0]));

        Assert.Equal(HttpStatusCode.SeeOther, (await Report(Circuit(0x201), replies[0], "second circuit")).Response.StatusCode);
        Assert.False(await Hidden(thread, replies[0]));
        Assert.Equal(HttpStatusCode.SeeOther, (await Report(Circuit(0x202), replies[0], "third circuit")).Response.StatusCode);
        Assert.True(await Hidden(thread, replies[0]));
    }

    [Fact]
    public async Task A_report_flood_from_rotating_circuits_hides_no_more_than_its_budget_allows_and_staff_undo_it_for_good()
    {
        await Start("--Board:Gate:Level=auto", "--Board:Gate:CalmReportsPerMinute=6");
        AddStaff(Server, "root", "admin");
        var staff = await SetAutoHide(3);
        var (thread, replies) = await Posts(10);

        // A new circuit for every form, as tor allows; every post on the thread gets reported in turn.
        var circuit = 0x1000u;
        var filed = 0;
        for (var i = 0; i < 60; i++)
        {
            var detail = $"flood report {i}";
            var (response, page) = await Report(Circuit(circuit++), replies[i % replies.Count], detail);
            if (response.StatusCode == HttpStatusCode.SeeOther)
            {
                filed++;
            }
            else
            {
                AssertGivenBack(response, page, detail, "");
            }
        }

        // The calm budget is 6 a minute with a burst of 6: the rest waited in the queue or were turned away.
        Assert.InRange(filed, 1, 6 + 2);
        Assert.NotEqual(GateLevel.Calm, Server.Services.GetRequiredService<ReportGate>().Admission.Status.Level);
        var hidden = new List<long>();
        foreach (var no in replies)
        {
            if (await Hidden(thread, no))
            {
                hidden.Add(no);
            }
        }
        // Three counted reports hide a post: at most filed / 3 posts, each undone by staff below.
        Assert.InRange(hidden.Count, 0, filed / 3);

        foreach (var no in hidden)
        {
            Assert.Equal(HttpStatusCode.OK, await Act(staff, "b", no, "unhide", "reports from a flood"));
        }
        for (var i = 0; i < 30; i++)
        {
            await Report(Circuit(circuit++), replies[i % replies.Count], $"second wave {i}");
        }
        foreach (var no in replies)
        {
            Assert.False(await Hidden(thread, no), $"post {no} was hidden by the second wave");
        }
    }

    private async Task<WebBrowser> SetAutoHide(int reports)
    {
        var staff = await SignIn(Server, "root");
        var edit = await staff.Get("/mod/boards?edit=b");
        var (saved, _) = await staff.Submit(edit, "/mod/boards?handler=update", Fields(("autohide", reports.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("reason", "auto-hide")));
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        return staff;
    }
}
