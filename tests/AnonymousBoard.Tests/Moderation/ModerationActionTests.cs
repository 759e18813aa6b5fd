using System.Net;
using AnonymousBoard.Gate;
using AnonymousBoard.Moderation;
using AnonymousBoard.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static AnonymousBoard.Tests.Moderation.StaffKit;

namespace AnonymousBoard.Tests.Moderation;

/// <summary>What staff actions do to the public board, and reports, filters, moves and purges end to end.</summary>
public sealed class ModerationActionTests : IAsyncLifetime
{
    private readonly BoardServer _server = new();

    public async Task InitializeAsync()
    {
        await _server.InitializeAsync();
        Assert.Equal(0, _server.RunCli("boards", "create", "tech", "Technology").Code);
        AddStaff(_server, "root", "admin", "--handle", "root-handle");
    }

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task Delete_mark_sticky_lock_and_bump_lock_show_on_the_public_pages_and_in_the_log()
    {
        var staff = await SignIn(_server, "root");
        var thread = await Post(_server, "b", "opening post");
        var reply = await Post(_server, "b", "a reply that breaks the rules", thread);
        var other = await Post(_server, "b", "another thread");

        Assert.Equal(HttpStatusCode.OK, await Act(staff, "b", reply, "mark-banned", "rule 2"));
        var page = await _server.Browser().Get($"/b/thread/{thread}");
        Assert.Contains("USER WAS BANNED FOR THIS POST", page.Post(reply)!.TextContent, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, await Act(staff, "b", thread, "lock", "heated"));
        var refused = await _server.Client().PostAsync(new Uri("/b/post", UriKind.Relative),
            new FormUrlEncodedContent([new("thread", thread.ToString(System.Globalization.CultureInfo.InvariantCulture)), new("body", "more"), new("ticket", await _server.Ticket())]));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, await Act(staff, "b", thread, "unlock", "calmer"));

        Assert.Equal(HttpStatusCode.OK, await Act(staff, "b", thread, "bump-lock", "autosage"));
        await Post(_server, "b", "newer thread");
        await Post(_server, "b", "a reply that would bump", thread);
        var index = await _server.Browser().Get("/b/");
        var first = index.Document.QuerySelector("section.thread h2")!.TextContent;
        Assert.DoesNotContain($"No. {thread}", first, StringComparison.Ordinal);
        Assert.Contains("[Bump-locked]", index.Html, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, await Act(staff, "b", other, "sticky", "important"));
        index = await _server.Browser().Get("/b/");
        Assert.Contains($"No. {other}", index.Document.QuerySelector("section.thread h2")!.TextContent, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, await Act(staff, "b", reply, "delete-post", "rule 2 again"));
        Assert.Null((await _server.Browser().Get($"/b/thread/{thread}")).Post(reply));
        Assert.Equal(HttpStatusCode.NotFound, await Act(staff, "b", thread, "delete-file", "no file yet"));

        var log = await _server.Browser().Get("/modlog");
        Assert.Contains("root-handle", log.Html, StringComparison.Ordinal);
        Assert.Contains("rule 2 again", log.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("breaks the rules", log.Html, StringComparison.Ordinal);
        Assert.Contains(ModLogFormat.TextHash("a reply that breaks the rules")[..16], log.Html, StringComparison.Ordinal);
        // A reason is required.
        Assert.Equal(HttpStatusCode.BadRequest, await Act(staff, "b", thread, "sticky", ""));
    }

    [Fact]
    public async Task Staff_see_a_mod_link_on_every_post_in_their_own_view_and_readers_never_do()
    {
        var staff = await SignIn(_server, "root");
        var thread = await Post(_server, "b", "thread for the staff view");
        var view = await staff.Get($"/mod/thread/b/{thread}");
        Assert.NotNull(view.Document.QuerySelector($"a.mod-link[href='/mod/post/b/{thread}']"));
        // The public thread, cached for everyone, even when fetched by a signed-in member.
        Assert.Empty((await staff.Get($"/b/thread/{thread}")).Document.QuerySelectorAll("a.mod-link"));
        Assert.Empty((await _server.Browser().Get($"/b/thread/{thread}")).Document.QuerySelectorAll("a.mod-link"));
        Assert.NotNull((await _server.Browser().Get($"/b/thread/{thread}")).Document.QuerySelector($"a.report-link[href='/b/report/{thread}']"));
    }

    [Fact]
    public async Task Reports_are_grouped_hide_a_post_at_the_board_threshold_and_can_be_dismissed()
    {
        var staff = await SignIn(_server, "root");
        var edit = await staff.Get("/mod/boards?edit=tech");
        var (saved, _) = await staff.Submit(edit, "/mod/boards?handler=update", Fields(("autohide", "2"), ("reason", "auto-hide at 2")));
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);

        var thread = await Post(_server, "tech", "a thread");
        var reply = await Post(_server, "tech", "SPAM SPAM SPAM", thread);
        var reader = _server.Browser();
        for (var i = 0; i < 2; i++)
        {
            var form = await reader.Get($"/tech/report/{reply}");
            var (response, landed) = await reader.Submit(form, $"/tech/report/{reply}", Fields(("category", "spam"), ("detail", $"report {i}")));
            Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
            Assert.Contains("Thank you", landed!.Html, StringComparison.Ordinal);
            Assert.False(response.Headers.Contains("Set-Cookie"));
        }
        var hidden = await reader.Get($"/tech/thread/{thread}");
        Assert.Contains("hidden pending review", hidden.Post(reply)!.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("SPAM SPAM", hidden.Html, StringComparison.Ordinal);

        var queue = await staff.Get("/mod");
        var row = queue.Document.QuerySelectorAll("tbody tr").Single(r => r.TextContent.Contains($"No. {reply}", StringComparison.Ordinal));
        Assert.Contains("2", row.Children[1].TextContent, StringComparison.Ordinal);
        Assert.Contains("report 1", row.TextContent, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, await Act(staff, "tech", reply, "dismiss-reports", "not spam, a song"));
        Assert.Contains("SPAM SPAM", (await reader.Get($"/tech/thread/{thread}")).Html, StringComparison.Ordinal);
        Assert.DoesNotContain($"No. {reply}", (await staff.Get("/mod")).Html, StringComparison.Ordinal);

        var bad = await reader.Submit(await reader.Get($"/tech/report/{reply}"), $"/tech/report/{reply}", Fields(("category", null)));
        Assert.Equal(HttpStatusCode.BadRequest, bad.Response.StatusCode);
    }

    [Fact]
    public async Task Filters_reject_replace_and_hold_after_normalising_the_text()
    {
        var staff = await SignIn(_server, "root");
        async Task AddFilter(string board, string pattern, string action, string replacement = "", bool regex = false)
        {
            var page = await staff.Get("/mod/filters");
            var (response, _) = await staff.Submit(page, "/mod/filters?handler=add", Fields(("board", board), ("pattern", pattern),
                ("regex", regex ? "on" : null), ("action", action), ("replacement", replacement), ("reason", "filter test")));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        await AddFilter("b", "badword", "reject");
        await AddFilter("", "darn", "replace", "[filtered]");
        await AddFilter("b", @"hold\s?me", "hold", regex: true);

        var browser = _server.Browser();
        // Fullwidth letters and a zero-width space do not get past the word filter.
        var (rejected, page) = await browser.Submit(await browser.Get("/b/"), "/b/post", Fields(("body", "a ｂａｄ\u200Bword here")));
        Assert.Equal(HttpStatusCode.Forbidden, rejected.StatusCode);
        Assert.Equal("a ｂａｄ\u200Bword here", page!.Field("/b/post", "body"));
        Assert.Equal(HttpStatusCode.SeeOther, (await browser.Submit(await browser.Get("/tech/"), "/tech/post", Fields(("body", "a badword on tech")))).Response.StatusCode);

        var (replaced, landed) = await browser.Submit(await browser.Get("/tech/"), "/tech/post", Fields(("body", "oh DARN it")));
        Assert.Equal(HttpStatusCode.SeeOther, replaced.StatusCode);
        Assert.Contains("oh [filtered] it", landed!.Html, StringComparison.Ordinal);

        var (held, heldPage) = await browser.Submit(await browser.Get("/b/"), "/b/post", Fields(("body", "please HOLD ME now")));
        Assert.Equal(HttpStatusCode.SeeOther, held.StatusCode);
        Assert.Contains("hidden pending review", heldPage!.Html, StringComparison.Ordinal);
        Assert.Contains("Held for review by a filter", (await staff.Get("/mod")).Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_moved_thread_keeps_its_quote_links_and_its_old_address_leads_to_it()
    {
        var staff = await SignIn(_server, "root");
        var stay = await Post(_server, "b", "a thread that stays");
        var thread = await Post(_server, "b", "a thread that moves");
        var reply = await Post(_server, "b", $">>{thread} quoting the op and >>{stay} elsewhere", thread);
        var outside = await Post(_server, "b", $">>{reply} quoting from outside", stay);

        Assert.Equal(HttpStatusCode.OK, await Act(staff, "b", thread, "move", "belongs on tech", to: "tech"));

        var old = await _server.Client().GetAsync(new Uri($"/b/thread/{thread}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, old.StatusCode);
        var location = old.Headers.Location!.OriginalString;
        Assert.StartsWith("/tech/thread/", location, StringComparison.Ordinal);
        var moved = await _server.Browser().Get(location.Split('#')[0]);
        var links = moved.Document.QuerySelectorAll(".body a.ql").Select(a => a.GetAttribute("href")).ToList();
        Assert.Contains(location.Split('#')[0] + "#p" + location.Split('#')[0].Split('/')[^1], links);
        Assert.Contains($"/b/thread/{stay}#p{stay}", links);
        var staying = await _server.Browser().Get($"/b/thread/{stay}");
        var outsideLink = staying.Post(outside)!.QuerySelector(".body a.ql")!.GetAttribute("href")!;
        Assert.StartsWith("/tech/thread/", outsideLink, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Everything_by_one_tripcode_is_previewed_then_deleted()
    {
        var staff = await SignIn(_server, "root");
        // The tripcode the posting path computes and records with each post is what staff name.
        var a = await Post(_server, "b", "by the troll one", name: "troll#trollkey");
        var c = await Post(_server, "b", "by someone else", name: "other#otherkey");
        var d = await Post(_server, "tech", "by the troll two", name: "#trollkey");
        var troll = "!" + AnonymousBoard.Identity.ClassicTripcode.Compute("trollkey");
        Assert.Contains(troll, (await _server.Browser().Get($"/b/thread/{a}")).Html, StringComparison.Ordinal);

        var preview = await staff.Get($"/mod/purge?kind=tripcode&value={Uri.EscapeDataString(troll)}");
        Assert.Contains("2 post(s) would be deleted", preview.Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await _server.Browser().Get($"/b/thread/{a}")).Status);
        var (response, _) = await staff.Submit(preview, "/mod/purge?confirm=1", Fields(("reason", "troll")));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _server.Browser().Get($"/b/thread/{a}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await _server.Browser().Get($"/tech/thread/{d}")).Status);
        Assert.Equal(HttpStatusCode.OK, (await _server.Browser().Get($"/b/thread/{c}")).Status);
    }
}
