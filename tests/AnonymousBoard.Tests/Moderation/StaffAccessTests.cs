using System.Net;
using AnonymousBoard.Tests.Support;
using static AnonymousBoard.Tests.Moderation.StaffKit;

namespace AnonymousBoard.Tests.Moderation;

/// <summary>
/// Every role signs in through the real form and tries what it may and may not do: allowed actions
/// succeed, forbidden ones are refused by the server (not only hidden from the page).
/// </summary>
public sealed class StaffAccessTests : IAsyncLifetime
{
    private readonly BoardServer _server = new();

    public async Task InitializeAsync()
    {
        await _server.InitializeAsync();
        Assert.Equal(0, _server.RunCli("boards", "create", "tech", "Technology").Code);
        AddStaff(_server, "root", "admin", "--handle", "Admin One");
        AddStaff(_server, "bmod", "moderator", "--boards", "b", "--handle", "b-mod");
        AddStaff(_server, "gmod", "moderator", "--global");
        AddStaff(_server, "jan", "janitor", "--boards", "b", "--handle", "jan");
    }

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task Signing_in_sets_one_strict_httponly_cookie_for_the_staff_pages_only()
    {
        var browser = _server.StaffBrowser();
        var login = await browser.Get("/mod/login");
        Assert.NotNull(login.Document.QuerySelector("form[action='/mod/login'] input[name='__staff_token']"));
        var (response, landed) = await browser.Submit(login, "/mod/login", Fields(("name", "root"), ("password", Password)));
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("ab_staff=", StringComparison.Ordinal));
        Assert.Contains("path=/mod", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, landed!.Status);
        Assert.Contains("Admin One", landed.Html, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, landed.Html, StringComparison.Ordinal);

        // Public pages still set no cookie, even for a signed-in member.
        var board = await browser.Client.GetAsync(new Uri("/b/", UriKind.Relative));
        Assert.False(board.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task Signed_out_requests_and_posts_without_a_token_are_refused()
    {
        var no = await Post(_server, "b", "a post to defend");
        var anonymous = _server.StaffBrowser();
        var get = await anonymous.Client.GetAsync(new Uri($"/mod/post/b/{no}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.SeeOther, get.StatusCode);
        Assert.Equal("/mod/login", get.Headers.Location!.OriginalString);

        // A signed-out POST with a valid (anonymous) token is refused by the server.
        var login = await anonymous.Get("/mod/login");
        Assert.Equal(HttpStatusCode.Forbidden, await ForgeFromPage(anonymous, login, $"/mod/post/b/{no}", Fields(("action", "delete-post"), ("reason", "x"))));

        // A cross-site POST: the admin's cookie is there, the token is not.
        var admin = await SignIn(_server, "root");
        using var form = new FormUrlEncodedContent([new("action", "delete-post"), new("reason", "csrf")]);
        var forged = await admin.Client.PostAsync(new Uri($"/mod/post/b/{no}", UriKind.Relative), form);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        // A token from another session is refused too.
        var other = await SignIn(_server, "gmod");
        var otherPage = await other.Get($"/mod/post/b/{no}");
        Assert.Equal(HttpStatusCode.BadRequest, await ForgeFromPage(admin, otherPage, $"/mod/post/b/{no}", Fields(("action", "delete-post"), ("reason", "x"))));

        Assert.Equal(HttpStatusCode.OK, (await _server.Browser().Get($"/b/thread/{no}")).Status);
    }

    [Fact]
    public async Task Signing_out_ends_the_session_on_the_server()
    {
        var browser = await SignIn(_server, "gmod");
        var home = await browser.Get("/mod");
        Assert.Equal(HttpStatusCode.OK, home.Status);
        var cookies = browser.Client.DefaultRequestHeaders;
        var (response, _) = await browser.Submit(home, "/mod/logout", new Dictionary<string, string?>());
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal(HttpStatusCode.SeeOther, (await browser.Client.GetAsync(new Uri("/mod", UriKind.Relative))).StatusCode);
    }

    public static TheoryData<string, string, string, bool> Matrix => new()
    {
        // role, board, action, allowed
        { "jan", "b", "delete-post", true },
        { "jan", "b", "dismiss-reports", true },
        { "jan", "b", "sticky", false },
        { "jan", "b", "lock", false },
        { "jan", "b", "mark-banned", false },
        { "jan", "b", "move", false },
        { "jan", "tech", "delete-post", false },
        { "bmod", "b", "delete-thread", true },
        { "bmod", "b", "sticky", true },
        { "bmod", "b", "lock", true },
        { "bmod", "b", "bump-lock", true },
        { "bmod", "b", "mark-banned", true },
        { "bmod", "tech", "delete-post", false },
        { "bmod", "tech", "lock", false },
        { "bmod", "b", "move", false },
        { "gmod", "tech", "lock", true },
        { "gmod", "b", "move", true },
        { "root", "tech", "sticky", true },
    };

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Each_role_may_do_what_it_is_allowed_on_its_boards_and_nothing_else(string who, string board, string action, bool allowed)
    {
        var thread = await Post(_server, board, $"thread for {who} {action}");
        var reply = await Post(_server, board, $"reply for {who} {action}", thread);
        var target = action is "sticky" or "lock" or "bump-lock" or "move" or "delete-thread" ? thread : reply;
        var browser = await SignIn(_server, who);
        var status = await Act(browser, board, target, action, reason: $"matrix {who} {action}", to: action == "move" ? (board == "b" ? "tech" : "b") : null);
        Assert.Equal(allowed ? HttpStatusCode.OK : HttpStatusCode.Forbidden, status);
        var log = await _server.Browser().Get("/modlog");
        Assert.Equal(allowed, log.Html.Contains($"matrix {who} {action}", StringComparison.Ordinal));
    }

    public static TheoryData<string, bool> BanMatrix => new() { { "jan", false }, { "bmod", true }, { "gmod", true }, { "root", true } };

    [Theory]
    [MemberData(nameof(BanMatrix))]
    public async Task A_janitor_cannot_ban_and_a_board_moderator_cannot_ban_elsewhere(string who, bool mayBanOnB)
    {
        var browser = await SignIn(_server, who);
        var page = await browser.Get("/mod/bans");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        var onB = await ForgeFromPage(browser, page, "/mod/bans?handler=ban",
            Fields(("board", "b"), ("kind", "text"), ("value", $"spam-{who}"), ("hours", "1"), ("reason", $"ban by {who}")));
        Assert.Equal(mayBanOnB ? HttpStatusCode.OK : HttpStatusCode.Forbidden, onB);
        var onTech = await ForgeFromPage(browser, page, "/mod/bans?handler=ban",
            Fields(("board", "tech"), ("kind", "text"), ("value", $"spam2-{who}"), ("hours", "1"), ("reason", $"tech ban by {who}")));
        Assert.Equal(who is "gmod" or "root" ? HttpStatusCode.OK : HttpStatusCode.Forbidden, onTech);
        var global = await ForgeFromPage(browser, page, "/mod/bans?handler=ban",
            Fields(("board", ""), ("kind", "text"), ("value", $"spam3-{who}"), ("hours", "1"), ("reason", $"global ban by {who}")));
        Assert.Equal(who is "gmod" or "root" ? HttpStatusCode.OK : HttpStatusCode.Forbidden, global);
    }

    [Theory]
    [InlineData("jan", false)]
    [InlineData("bmod", false)]
    [InlineData("gmod", false)]
    [InlineData("root", true)]
    public async Task Only_admins_manage_boards_and_staff(string who, bool allowed)
    {
        var browser = await SignIn(_server, who);
        var home = await browser.Get("/mod");
        var create = await ForgeFromPage(browser, home, "/mod/boards?handler=create", Fields(("slug", $"x{who}"), ("title", "X"), ("description", ""),
            ("rules", "Be kind."), ("bumplimit", "300"), ("threadcap", "150"), ("threadsperpage", "10"), ("previews", "5"), ("maxbody", "8000"),
            ("maxlines", "150"), ("maxname", "64"), ("maxsubject", "120"), ("autohide", "0"), ("reason", "new board")));
        Assert.Equal(allowed ? HttpStatusCode.OK : HttpStatusCode.Forbidden, create);
        var add = await ForgeFromPage(browser, home, "/mod/staff?handler=add", Fields(("name", $"new{who}"), ("role", "janitor"),
            ("password", "a long enough password"), ("reason", "help wanted")));
        Assert.Equal(allowed ? HttpStatusCode.OK : HttpStatusCode.Forbidden, add);
        if (allowed)
        {
            var rules = await _server.Browser().Get($"/x{who}/rules");
            Assert.Contains("Be kind.", rules.Html, StringComparison.Ordinal);
            var board = await _server.Browser().Get($"/x{who}/");
            Assert.Contains("Be kind.", board.Document.QuerySelector(".rules-summary")!.TextContent, StringComparison.Ordinal);
            Assert.NotNull(board.Document.QuerySelector($"a[href='/x{who}/rules']"));
            Assert.NotNull(board.Document.QuerySelector("a[href='/modlog']"));
        }
    }

    [Fact]
    public async Task Staff_pages_are_plain_html_with_labels_one_h1_and_a_token_in_every_form()
    {
        var thread = await Post(_server, "b", "page check");
        var browser = await SignIn(_server, "root");
        foreach (var path in new[] { "/mod", $"/mod/post/b/{thread}", $"/mod/thread/b/{thread}", "/mod/board/b", "/mod/bans", "/mod/filters",
                     "/mod/boards", "/mod/boards?edit=b", "/mod/purge?kind=tripcode&value=!abc", "/mod/staff", "/mod/login", "/modlog", "/b/rules",
                     $"/b/report/{thread}", "/appeal" })
        {
            var page = await browser.Get(path);
            Assert.True(page.Status == HttpStatusCode.OK || (path == "/mod/login" && page.Status == HttpStatusCode.SeeOther), $"{path}: {page.Status}");
            if (page.Status != HttpStatusCode.OK)
            {
                continue;
            }
            Assert.DoesNotContain("<script", page.Html, StringComparison.OrdinalIgnoreCase);
            Assert.Single(page.Document.QuerySelectorAll("h1"));
            Assert.Single(page.Document.QuerySelectorAll("main"));
            Assert.Empty(page.Document.QuerySelectorAll("[style]"));
            foreach (var control in page.Document.QuerySelectorAll("input:not([type=hidden]), textarea, select"))
            {
                Assert.True(control.Id is { Length: > 0 } id && page.Document.QuerySelector($"label[for='{id}']") is not null, $"{path}: {control.OuterHtml} has no label");
            }
            foreach (var form in page.Document.QuerySelectorAll("form[method=post]"))
            {
                var isStaff = form.GetAttribute("action")!.StartsWith("/mod", StringComparison.Ordinal);
                Assert.Equal(isStaff, form.QuerySelector("input[name='__staff_token']") is not null);
            }
        }
    }
}
