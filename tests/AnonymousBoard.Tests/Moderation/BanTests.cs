using System.Net;
using AnonymousBoard.Gate;
using AnonymousBoard.Moderation;
using AnonymousBoard.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static AnonymousBoard.Tests.Moderation.StaffKit;

namespace AnonymousBoard.Tests.Moderation;

/// <summary>Bans without IP addresses: made through the staff form, met through the public posting form.</summary>
public sealed class BanTests : IAsyncLifetime
{
    private readonly BoardServer _server = new();

    public async Task InitializeAsync()
    {
        await _server.InitializeAsync();
        Assert.Equal(0, _server.RunCli("boards", "create", "tech", "Technology").Code);
        AddStaff(_server, "mod", "moderator", "--global", "--handle", "the-mod");
    }

    public Task DisposeAsync() => _server.DisposeAsync();

    private static async Task<HttpStatusCode> Ban(WebBrowser staff, string board, string kind, string value, string hours, string reason)
    {
        var page = await staff.Get("/mod/bans");
        var (response, _) = await staff.Submit(page, "/mod/bans?handler=ban",
            Fields(("board", board), ("kind", kind), ("value", value), ("hours", hours), ("reason", reason)));
        return response.StatusCode;
    }

    [Fact]
    public async Task A_text_ban_refuses_the_post_shows_reason_expiry_and_id_and_gives_back_what_was_typed()
    {
        var staff = await SignIn(_server, "mod");
        Assert.Equal(HttpStatusCode.OK, await Ban(staff, "b", "text", @"buy\s+cheap\s+pills", "48", "Spam (rule 3)"));

        var browser = _server.Browser();
        var index = await browser.Get("/b/");
        var (response, page) = await browser.Submit(index, "/b/post",
            Fields(("name", "seller"), ("subject", "offer"), ("body", "Hello! BUY  cheap\npills here")));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var notice = page!.Document.QuerySelector("section.errors")!.TextContent;
        Assert.Contains("Spam (rule 3)", notice, StringComparison.Ordinal);
        Assert.Matches(@"Ban No\. \d+ on /b/", notice);
        Assert.Contains("Expires: 20", notice, StringComparison.Ordinal);
        Assert.Equal("Hello! BUY  cheap\npills here", page.Field("/b/post", "body"));
        Assert.Equal("seller", page.Field("/b/post", "name"));
        Assert.Equal("offer", page.Field("/b/post", "subject"));

        // The ban is on /b/ only.
        Assert.Equal(HttpStatusCode.SeeOther, (await browser.Submit(await browser.Get("/tech/"), "/tech/post", Fields(("body", "buy cheap pills")))).Response.StatusCode);
        // Other text still posts on /b/.
        Assert.Equal(HttpStatusCode.SeeOther, (await browser.Submit(await browser.Get("/b/"), "/b/post", Fields(("body", "cheap thoughts")))).Response.StatusCode);

        // One appeal, from the ban notice's own form.
        var (appealed, appealPage) = await browser.Submit(page, "/appeal", Fields(("text", "It was a joke.")));
        Assert.Equal(HttpStatusCode.OK, appealed.StatusCode);
        Assert.Contains("appeal was sent", appealPage!.Html, StringComparison.Ordinal);
        var (again, _) = await browser.Submit(page, "/appeal", Fields(("text", "Please!")));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);

        // Staff grant it: the ban is lifted and the log says so.
        var bans = await staff.Get("/mod/bans");
        Assert.Contains("It was a joke.", bans.Html, StringComparison.Ordinal);
        var (answered, _) = await staff.Submit(bans, "/mod/bans?handler=answer", Fields(("answer", "Fair enough, once."), ("grant", "on")));
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.Equal(HttpStatusCode.SeeOther, (await browser.Submit(await browser.Get("/b/"), "/b/post", Fields(("body", "buy cheap pills")))).Response.StatusCode);
        var log = await _server.Browser().Get("/modlog");
        Assert.Contains("grant appeal", log.Html, StringComparison.Ordinal);
        Assert.Contains("the-mod", log.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("pills", log.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_bans_are_refused_with_a_reason()
    {
        var staff = await SignIn(_server, "mod");
        Assert.Equal(HttpStatusCode.BadRequest, await Ban(staff, "b", "circuit", "12345", "7", "too long for a circuit"));
        Assert.Equal(HttpStatusCode.BadRequest, await Ban(staff, "b", "circuit", "12345", "", "forever is too long for a circuit"));
        Assert.Equal(HttpStatusCode.BadRequest, await Ban(staff, "b", "file", "not-a-hash", "1", "bad hash"));
        Assert.Equal(HttpStatusCode.BadRequest, await Ban(staff, "b", "text", "(unclosed", "1", "bad regex"));
        Assert.Equal(HttpStatusCode.BadRequest, await Ban(staff, "b", "tripcode", "abc", "1", "no bang"));
        Assert.Equal(HttpStatusCode.BadRequest, await Ban(staff, "b", "text", "fine", "1", ""));
        Assert.Equal(HttpStatusCode.OK, await Ban(staff, "b", "circuit", "12345", "6", "six hours is the most"));
    }

    // The posting path does not yet provide tripcodes, pseudonyms, circuits or file hashes (identity,
    // gate and media add them); the check they will call is tested directly.
    [Fact]
    public async Task Bans_on_tripcodes_pseudonyms_circuits_and_files_match_what_the_posting_path_will_provide()
    {
        var staff = await SignIn(_server, "mod");
        var hash = new string('a', 64);
        Assert.Equal(HttpStatusCode.OK, await Ban(staff, "b", "tripcode", "!!SecureTrip", "24", "trip"));
        Assert.Equal(HttpStatusCode.OK, await Ban(staff, "", "pseudonym", "eh7ddx-5bksrg-cytl7b-kai36s", "", "pseudonym"));
        Assert.Equal(HttpStatusCode.OK, await Ban(staff, "b", "circuit", "4242", "2", "circuit"));
        Assert.Equal(HttpStatusCode.OK, await Ban(staff, "", "file", hash.ToUpperInvariant(), "", "file"));

        var bans = _server.Services.GetRequiredService<Bans>();
        var b = _server.Services.GetRequiredService<AnonymousBoard.Boards.BoardDirectory>().Find("b")!;
        var tech = _server.Services.GetRequiredService<AnonymousBoard.Boards.BoardDirectory>().Find("tech")!;
        Assert.Equal("trip", bans.Find(b, new PosterIdentity("hi", Tripcode: "!!SecureTrip"))?.Reason);
        Assert.Null(bans.Find(b, new PosterIdentity("hi", Tripcode: "!!OtherTrip")));
        Assert.Null(bans.Find(tech, new PosterIdentity("hi", Tripcode: "!!SecureTrip")));
        Assert.Equal("pseudonym", bans.Find(tech, new PosterIdentity("hi", PseudonymFingerprint: "eh7ddx-5bksrg-cytl7b-kai36s"))?.Reason);
        Assert.Equal("circuit", bans.Find(b, new PosterIdentity("hi", CircuitId: "4242"))?.Reason);
        Assert.Null(bans.Find(b, new PosterIdentity("hi", CircuitId: "4243")));
        Assert.Equal("file", bans.Find(tech, new PosterIdentity("hi", FileHashes: [new string('b', 64), hash]))?.Reason);
        Assert.Null(bans.Find(b, new PosterIdentity("hi")));
    }

    [Fact]
    public void A_catastrophic_regular_expression_times_out_instead_of_stopping_the_board()
    {
        var evil = "(a+)+\\1$";
        Assert.Null(TextPattern.Check(evil));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Assert.False(TextPattern.IsMatch(evil, new string('a', 40) + "!"));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5));
    }
}
