using System.Net;
using System.Text;
using AnonymousBoard.Boards;
using AnonymousBoard.Gate;
using AnonymousBoard.Markup;
using AnonymousBoard.Moderation;
using AnonymousBoard.Posting;
using AnonymousBoard.Reading;
using AnonymousBoard.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace AnonymousBoard.Tests.Board;

/// <summary>
/// The board index and thread pages are templates around posts and forms prepared once per write (Reading/BoardPages).
/// What that must not cost: escaping of what staff typed into a board's name, a fresh ticket in every
/// form, the posting level as it is now rather than when the page was prepared, the board's rules as they
/// are now, the form exactly as it would be rendered whole, and HEAD requests.
/// </summary>
public sealed class PreparedPageTests : IAsyncLifetime
{
    private const string HostileTitle = "<script>alert(1)</script> & \"Tech\"";
    private const string HostileDescription = "<img src=x onerror=alert(2)> 'quoted'";
    private readonly BoardServer _server = new();

    public async Task InitializeAsync()
    {
        await _server.InitializeAsync();
        Assert.Equal(0, _server.RunCli("boards", "create", "tech", HostileTitle, "--description", HostileDescription).Code);
        var browser = _server.Browser();
        var (response, _) = await browser.Submit(await browser.Get("/tech/"), "/tech/post", new Dictionary<string, string?> { ["subject"] = "First", ["body"] = "Hello" });
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
    }

    public Task DisposeAsync() => _server.DisposeAsync();

    [Theory]
    [InlineData("/tech/")]
    [InlineData("/tech/thread/1")]
    [InlineData("/tech/catalog")]
    public async Task A_board_name_and_description_are_shown_as_text(string path)
    {
        var page = await _server.Browser().Get(path);

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Empty(PageChecks.ScriptAndStyleProblems(page.Html, page.Document));
        Assert.Equal($"/tech/ – {HostileTitle}", page.Document.QuerySelector("h1")!.TextContent);
        Assert.Equal(HostileDescription, page.Document.QuerySelector("p.description")!.TextContent);
        Assert.Null(page.Document.QuerySelector("main img"));
    }

    [Theory]
    [InlineData("/tech/")]
    [InlineData("/tech/thread/1")]
    public async Task Every_request_gets_a_fresh_ticket_in_the_form(string path)
    {
        var browser = _server.Browser();
        var first = (await browser.Get(path)).Field("/tech/post", "ticket");
        var second = (await browser.Get(path)).Field("/tech/post", "ticket");

        Assert.False(string.IsNullOrEmpty(first));
        Assert.NotEqual(first, second);
    }

    [Theory]
    [InlineData("/tech/")]
    [InlineData("/tech/thread/1")]
    public async Task The_posting_level_shown_is_the_one_in_force_now(string path)
    {
        var gate = _server.Services.GetRequiredService<AdmissionGate>();
        var calm = await _server.Browser().Get(path);
        Assert.Contains("Posting level: <strong>calm</strong>", calm.Html, StringComparison.Ordinal);
        Assert.Null(calm.Field("/tech/post", "stamp"));

        gate.ForceLevel(GateLevel.Busy);
        try
        {
            var busy = await _server.Browser().Get(path);
            Assert.Contains("Posting level: <strong>busy</strong>", busy.Html, StringComparison.Ordinal);
            Assert.NotNull(busy.Document.QuerySelector("form[action='/tech/post'] input[name=stamp]"));
            Assert.Contains("hashcash stamp of 16 bits", busy.Html, StringComparison.Ordinal);
        }
        finally
        {
            gate.ForceLevel(GateLevel.Calm);
        }
    }

    [Fact]
    public async Task A_prepared_index_and_thread_follow_changes_to_the_board_its_rules_and_the_list_of_boards()
    {
        var before = await _server.Browser().Get("/tech/");
        Assert.Null(before.Document.QuerySelector(".rules-summary"));
        Assert.Null(before.Document.QuerySelector("header nav a[href='/art/']"));
        Assert.Null((await _server.Browser().Get("/tech/thread/1")).Document.QuerySelector(".rules-summary"));

        Moderation.StaffKit.AddStaff(_server, "root", "admin");
        var staff = await Moderation.StaffKit.SignIn(_server, "root");
        var saved = await Moderation.StaffKit.ForgeFromPage(staff, await staff.Get("/mod"), "/mod/boards?handler=update", Moderation.StaffKit.Fields(
            ("slug", "tech"), ("title", "Technology"), ("description", "Computers"), ("rules", "Be kind to newcomers."),
            ("bumplimit", "300"), ("threadcap", "150"), ("threadsperpage", "10"), ("previews", "5"), ("maxbody", "8000"),
            ("maxlines", "150"), ("maxname", "64"), ("maxsubject", "80"), ("autohide", "0"), ("reason", "rules at last")));
        Assert.Equal(HttpStatusCode.OK, saved);
        var after = await _server.Browser().Get("/tech/");
        Assert.Equal("/tech/ – Technology", after.Document.QuerySelector("h1")!.TextContent);
        Assert.Equal("/tech/ – Technology", after.Document.Title);
        Assert.Contains("Be kind to newcomers.", after.Document.QuerySelector(".rules-summary")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("80", after.Document.QuerySelector("#f-subject")!.GetAttribute("maxlength"));
        var thread = await _server.Browser().Get("/tech/thread/1");
        Assert.Contains("Be kind to newcomers.", thread.Document.QuerySelector(".rules-summary")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("80", thread.Document.QuerySelector("#f-subject")!.GetAttribute("maxlength"));

        // Nothing about /tech/ changes here, only the list of boards every page links to.
        Assert.Equal(0, _server.RunCli("boards", "create", "art", "Art").Code);
        var withArt = await _server.Browser().Get("/tech/");
        Assert.NotNull(withArt.Document.QuerySelector("header nav a[href='/art/']"));
    }

    [Theory]
    [InlineData(null, null, GateLevel.Calm)]
    [InlineData(1L, null, GateLevel.Calm)]
    [InlineData(1L, ">>1\n<b> & \"quoted\"", GateLevel.Busy)]
    [InlineData(null, null, GateLevel.Busy)]
    public void A_prepared_form_with_its_slots_filled_is_the_form_rendered_whole(long? threadNo, string? text, GateLevel level)
    {
        var storage = _server.Services.GetRequiredService<AnonymousBoard.Storage.IStorage>();
        var board = _server.Services.GetRequiredService<AnonymousBoard.Boards.BoardDirectory>().Find("tech")!;
        using (var work = storage.Write())
        {
            _server.Services.GetRequiredService<IBoardPolicyStore>().Save(work, board.Id, new BoardPolicy("No <script> & no \"spam\".\nBe kind.", 0));
            work.Commit();
        }
        var forms = _server.Services.GetRequiredService<PostForms>();
        var gate = _server.Services.GetRequiredService<AdmissionGate>();
        gate.ForceLevel(level);
        try
        {
            var ticket = gate.IssueTicket("tech", null);
            Assert.Equal(level == GateLevel.Busy, ticket.RequiredBits > 0);
            var whole = forms.View(board, threadNo, new PostForm { Body = text }, [], null, ticket);
            var filled = new FilledFormView(forms.Posting(board, threadNo), text, new GateFieldsView(ticket, null, whole.Now, PostFormView.What, PostFormView.Button));

            var expected = Encoding.UTF8.GetString(Templates.Prepare(PostingForm.Create(whole)).Utf8.Span);
            Assert.Contains("No &lt;script&gt;", expected, StringComparison.Ordinal);
            Assert.Equal(expected, Encoding.UTF8.GetString(Templates.Prepare(FilledForm.Create(filled)).Utf8.Span));
        }
        finally
        {
            gate.ForceLevel(GateLevel.Calm);
        }
    }

    [Theory]
    [InlineData("/tech/")]
    [InlineData("/tech/thread/1")]
    public async Task A_head_request_answers_with_the_length_of_the_page_and_no_body(string path)
    {
        var client = _server.Client();
        using var get = await client.GetAsync(new Uri(path, UriKind.Relative));
        var bytes = await get.Content.ReadAsByteArrayAsync();
        using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, new Uri(path, UriKind.Relative)));

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal("text/html", head.Content.Headers.ContentType?.MediaType);
        // A fresh ticket has the same length every time, so the two pages are the same size.
        Assert.Equal(bytes.Length, head.Content.Headers.ContentLength);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        Assert.Empty(PageChecks.HeaderProblems(head));
    }
}
