using System.Net;
using AnonymousBoard.Tests.Support;

namespace AnonymousBoard.Tests.Board;

/// <summary>Reading and posting through the real forms over HTTP, as a browser with JavaScript off.</summary>
public sealed class PostingWorksWithoutJsTests : IAsyncLifetime
{
    private readonly BoardServer _server = new();
    public Task InitializeAsync() => _server.InitializeAsync();
    public Task DisposeAsync() => _server.DisposeAsync();

    private static Dictionary<string, string?> Fields(params (string Name, string? Value)[] values) =>
        values.ToDictionary(v => v.Name, v => v.Value);

    private static async Task<(long No, long Thread)> StartThread(WebBrowser browser, string body, string subject = "", string password = "")
    {
        var index = await browser.Get("/b/");
        var (response, landed) = await browser.Submit(index, "/b/post", Fields(("subject", subject), ("body", body), ("password", password)));
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        return ParseLocation(response);
    }

    private static async Task<(long No, long Thread)> Reply(WebBrowser browser, long thread, string body, bool sage = false, string password = "")
    {
        var page = await browser.Get($"/b/thread/{thread}");
        var (response, _) = await browser.Submit(page, "/b/post", Fields(("body", body), ("sage", sage ? "on" : null), ("password", password)));
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        return ParseLocation(response);
    }

    private static (long No, long Thread) ParseLocation(HttpResponseMessage response)
    {
        // "/b/thread/12#p15": relative, no host.
        var location = response.Headers.Location!.OriginalString;
        Assert.StartsWith("/b/thread/", location, StringComparison.Ordinal);
        var parts = location["/b/thread/".Length..].Split("#p");
        return (long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), long.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task A_new_thread_posted_through_the_form_shows_escaped_on_its_page()
    {
        var browser = _server.Browser();
        var index = await browser.Get("/b/");
        var (response, landed) = await browser.Submit(index, "/b/post",
            Fields(("name", "Tester"), ("subject", "<b>Hi</b>"), ("body", "Hello <script>alert(1)</script> & bye")));

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("/b/thread/1#p1", response.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, landed!.Status);
        var post = landed.Post(1)!;
        Assert.Equal("Tester", post.QuerySelector(".name")!.TextContent);
        Assert.Equal("<b>Hi</b>", post.QuerySelector(".subject")!.TextContent);
        Assert.Contains("Hello <script>alert(1)</script> & bye", post.QuerySelector(".body")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; bye", landed.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", landed.Html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Post_numbers_count_per_board()
    {
        var browser = _server.Browser();
        await StartThread(browser, "on b");
        await StartThread(browser, "on b again");
        var (create, _) = RunCli("boards", "create", "tech", "Technology");
        Assert.Equal(0, create);

        var tech = await browser.Get("/tech/");
        var (response, _) = await browser.Submit(tech, "/tech/post", Fields(("body", "first on tech")));
        Assert.Equal("/tech/thread/1#p1", response.Headers.Location!.OriginalString);
    }

    private (int Code, string Output) RunCli(params string[] args) => _server.RunCli(args);

    [Fact]
    public async Task Quote_links_and_backlinks_resolve_on_the_server()
    {
        var browser = _server.Browser();
        var (op, thread) = await StartThread(browser, "opening post");
        var other = await StartThread(browser, "another thread");
        // The "Reply" link of a post pre-fills a quote of it.
        var quoting = await browser.Get($"/b/thread/{thread}?quote={op}");
        Assert.Equal($">>{op}\n", quoting.Field("/b/post", "body"));
        var (response, page) = await browser.Submit(quoting, "/b/post", Fields(("body", $">>{op}\nagreed, and see >>{other.No} and >>999")));
        var reply = ParseLocation(response).No;

        var replyBody = page!.Post(reply)!.QuerySelector(".body")!;
        var links = replyBody.QuerySelectorAll("a.ql").Select(a => a.GetAttribute("href")).ToList();
        Assert.Contains($"/b/thread/{thread}#p{op}", links);
        Assert.Contains($"/b/thread/{other.Thread}#p{other.No}", links);
        Assert.Contains("(other thread)", replyBody.TextContent, StringComparison.Ordinal);
        Assert.Equal(">>999", replyBody.QuerySelector(".ql.dead")!.TextContent);
        // The quoted post lists its reply, and the quote reaches the other thread's page too.
        Assert.Equal($"/b/thread/{thread}#p{reply}", page.Post(op)!.QuerySelector(".backlinks a")!.GetAttribute("href"));
        var otherPage = await browser.Get($"/b/thread/{other.Thread}");
        Assert.Equal($">>{reply}", otherPage.Post(other.No)!.QuerySelector(".backlinks a")!.TextContent);
    }

    [Fact]
    public async Task A_reply_bumps_its_thread_but_sage_does_not()
    {
        var browser = _server.Browser();
        var (_, first) = await StartThread(browser, "first thread");
        var (_, second) = await StartThread(browser, "second thread");
        Assert.Equal([second, first], await ThreadOrder(browser));

        await Reply(browser, first, "sage reply", sage: true);
        Assert.Equal([second, first], await ThreadOrder(browser));

        await Reply(browser, first, "bumping reply");
        Assert.Equal([first, second], await ThreadOrder(browser));
    }

    [Fact]
    public async Task A_thread_past_the_bump_limit_stops_bumping()
    {
        Assert.Equal(0, RunCli("boards", "update", "b", "--bump-limit", "2").Code);
        var browser = _server.Browser();
        var (_, old) = await StartThread(browser, "old thread");
        var (_, fresh) = await StartThread(browser, "fresh thread");
        await Reply(browser, old, "reply one");
        await Reply(browser, old, "reply two");
        Assert.Equal([old, fresh], await ThreadOrder(browser));
        await Reply(browser, fresh, "fresh reply");
        Assert.Equal([fresh, old], await ThreadOrder(browser));

        await Reply(browser, old, "reply three, past the limit");
        Assert.Equal([fresh, old], await ThreadOrder(browser));
    }

    private static async Task<List<long>> ThreadOrder(WebBrowser browser)
    {
        var index = await browser.Get("/b/");
        return index.Document.QuerySelectorAll("section.thread > h2")
            .Select(h => long.Parse(h.Id!.TrimStart('t'), System.Globalization.CultureInfo.InvariantCulture)).ToList();
    }

    [Fact]
    public async Task Threads_past_the_cap_fall_off_oldest_bump_first()
    {
        Assert.Equal(0, RunCli("boards", "update", "b", "--thread-cap", "2").Code);
        var browser = _server.Browser();
        var (_, a) = await StartThread(browser, "thread a");
        var (_, b) = await StartThread(browser, "thread b");
        await Reply(browser, a, "bump a");
        var (_, c) = await StartThread(browser, "thread c");

        Assert.Equal([c, a], await ThreadOrder(browser));
        Assert.Equal(HttpStatusCode.NotFound, (await browser.Get($"/b/thread/{b}")).Status);
    }

    [Fact]
    public async Task Threads_past_the_cap_are_archived_read_only_when_the_board_says_so()
    {
        Assert.Equal(0, RunCli("boards", "update", "b", "--thread-cap", "1", "--archive", "yes").Code);
        var browser = _server.Browser();
        var (_, a) = await StartThread(browser, "thread a");
        await StartThread(browser, "thread b");

        var archived = await browser.Get($"/b/thread/{a}");
        Assert.Equal(HttpStatusCode.OK, archived.Status);
        Assert.Contains("archived", archived.Document.QuerySelector(".notice")!.TextContent, StringComparison.Ordinal);
        Assert.Empty(archived.Document.QuerySelectorAll("form[action='/b/post']"));
        using var late = new FormUrlEncodedContent([new("thread", a.ToString(System.Globalization.CultureInfo.InvariantCulture)), new("body", "too late"), new("ticket", await _server.Ticket())]);
        var response = await browser.Client.PostAsync(new Uri("/b/post", UriKind.Relative), late);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("too late", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_poster_deletes_their_post_with_the_right_password_and_not_a_wrong_one()
    {
        var browser = _server.Browser();
        var (_, thread) = await StartThread(browser, "thread");
        var (reply, _) = await Reply(browser, thread, "regrettable reply", password: "s3cret");
        var page = await browser.Get($"/b/thread/{thread}");
        Assert.NotNull(page.Post(reply));

        var (wrong, wrongPage) = await browser.Submit(page, "/b/delete", Fields(("no", reply.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("password", "guess")));
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        Assert.Contains("Wrong password", wrongPage!.Document.QuerySelector(".errors")!.TextContent, StringComparison.Ordinal);
        Assert.NotNull((await browser.Get($"/b/thread/{thread}")).Post(reply));

        var (right, after) = await browser.Submit(page, "/b/delete", Fields(("no", reply.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("password", "s3cret")));
        Assert.Equal(HttpStatusCode.SeeOther, right.StatusCode);
        Assert.Null(after!.Post(reply));
        Assert.NotNull(after.Post(thread));
    }

    [Fact]
    public async Task Deleting_an_opening_post_deletes_its_thread_and_quotes_of_it_go_dead()
    {
        var browser = _server.Browser();
        var (op, thread) = await StartThread(browser, "doomed thread", password: "pw");
        var (_, other) = await StartThread(browser, "other");
        var (quoter, _) = await Reply(browser, other, $">>{op} quoting the doomed thread");
        var page = await browser.Get($"/b/thread/{thread}");
        Assert.Single(page.Post(op)!.QuerySelectorAll(".backlinks a"));

        var (response, _) = await browser.Submit(page, "/b/delete", Fields(("no", op.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("password", "pw")));
        Assert.Equal("/b/", response.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.Get($"/b/thread/{thread}")).Status);
        var otherPage = await browser.Get($"/b/thread/{other}");
        Assert.NotNull(otherPage.Post(quoter)!.QuerySelector(".ql.dead"));
    }

    [Fact]
    public async Task A_post_without_a_password_cannot_be_self_deleted()
    {
        var browser = _server.Browser();
        var (op, thread) = await StartThread(browser, "no password");
        var page = await browser.Get($"/b/thread/{thread}");
        var (response, _) = await browser.Submit(page, "/b/delete", Fields(("no", op.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("password", "anything")));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.Get($"/b/thread/{thread}")).Status);
    }

    [Fact]
    public async Task A_rejected_post_comes_back_with_every_field_the_person_typed()
    {
        var browser = _server.Browser();
        var (_, thread) = await StartThread(browser, "thread");
        var page = await browser.Get($"/b/thread/{thread}");
        var longSubject = new string('s', 500);
        var typed = Fields(("name", "Näme"), ("subject", longSubject), ("body", "my long\nreply text ✓"), ("sage", "on"), ("password", "pw123"));

        var (response, back) = await browser.Submit(page, "/b/post", typed);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("subject", back!.Document.QuerySelector("[role=alert]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("Näme", back.Field("/b/post", "name"));
        Assert.Equal(longSubject, back.Field("/b/post", "subject"));
        Assert.Equal("my long\nreply text ✓", back.Field("/b/post", "body"));
        Assert.Equal("on", back.Field("/b/post", "sage"));
        Assert.Equal("pw123", back.Field("/b/post", "password"));
        Assert.Equal(thread.ToString(System.Globalization.CultureInfo.InvariantCulture), back.Field("/b/post", "thread"));
        // Nothing was written.
        Assert.Single((await browser.Get($"/b/thread/{thread}")).Document.QuerySelectorAll("article.post"));
    }

    [Fact]
    public async Task A_new_thread_without_a_comment_is_refused_with_its_subject_kept()
    {
        var browser = _server.Browser();
        var index = await browser.Get("/b/");
        var (response, back) = await browser.Submit(index, "/b/post", Fields(("subject", "only a subject"), ("body", "   \n  ")));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("needs a comment", back!.Html, StringComparison.Ordinal);
        Assert.Equal("only a subject", back.Field("/b/post", "subject"));
        Assert.Null(back.Field("/b/post", "thread"));
    }

    [Fact]
    public async Task An_identical_resubmit_redirects_to_the_first_post_instead_of_posting_twice()
    {
        var browser = _server.Browser();
        var (_, thread) = await StartThread(browser, "thread");
        var page = await browser.Get($"/b/thread/{thread}");
        var fields = Fields(("body", "double click"));

        var (first, _) = await browser.Submit(page, "/b/post", fields);
        var (second, landed) = await browser.Submit(page, "/b/post", fields);

        Assert.Equal(HttpStatusCode.SeeOther, second.StatusCode);
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.Equal(2, landed!.Document.QuerySelectorAll("article.post").Length);
    }

    [Fact]
    public async Task Replying_to_a_thread_that_does_not_exist_keeps_the_text()
    {
        var browser = _server.Browser();
        using var form = new FormUrlEncodedContent([new("thread", "4242"), new("body", "lost reply?"), new("ticket", await _server.Ticket())]);
        var response = await browser.Client.PostAsync(new Uri("/b/post", UriKind.Relative), form);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var page = await WebBrowser.Read(response, "/b/post");
        Assert.Equal("lost reply?", page.Field("/b/post", "body"));
    }

    [Fact]
    public async Task The_index_pages_and_the_catalog_list_threads()
    {
        Assert.Equal(0, RunCli("boards", "update", "b", "--threads-per-page", "2", "--previews", "1").Code);
        var browser = _server.Browser();
        var threads = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            threads.Add((await StartThread(browser, $"thread body {i}", subject: $"Subject {i}")).Thread);
        }
        await Reply(browser, threads[2], "reply one");
        await Reply(browser, threads[2], "reply two");

        var first = await browser.Get("/b/");
        Assert.Equal(2, first.Document.QuerySelectorAll("section.thread").Length);
        Assert.Contains("1 reply omitted", first.Document.QuerySelector("section.thread .omitted")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(["1", "2"], first.Document.QuerySelectorAll("nav.pages a").Select(a => a.TextContent));
        var second = await browser.Get("/b/page/2");
        Assert.Single(second.Document.QuerySelectorAll("section.thread"));
        Assert.Equal(HttpStatusCode.NotFound, (await browser.Get("/b/page/3")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.Get("/b/page/0")).Status);

        var catalog = await browser.Get("/b/catalog");
        var tiles = catalog.Document.QuerySelectorAll("ul.catalog li");
        Assert.Equal(3, tiles.Length);
        Assert.Contains("Subject 2", tiles[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("2 replies", tiles[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("thread body 2", tiles[0].TextContent, StringComparison.Ordinal);

        var home = await browser.Get("/");
        Assert.Contains("/b/", home.Document.QuerySelector("table.boards tbody tr")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("5", home.Document.QuerySelectorAll("table.boards tbody td")[2].TextContent);
    }

    [Fact]
    public async Task The_catalog_excerpt_keeps_spoilers_hidden()
    {
        var browser = _server.Browser();
        // The excerpt is the first 160 characters: the second spoiler opens inside them and closes outside.
        await StartThread(browser, "visible ||the twist|| and " + new string('x', 120) + " ||cut off secret at the end||");
        var tile = (await browser.Get("/b/catalog")).Document.QuerySelector("ul.catalog li .excerpt")!.TextContent;
        Assert.StartsWith("visible [spoiler] and", tile, StringComparison.Ordinal);
        Assert.DoesNotContain("twist", tile, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", tile, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reply_number_in_a_thread_url_leads_to_its_thread()
    {
        var browser = _server.Browser();
        var (_, thread) = await StartThread(browser, "thread");
        var (reply, _) = await Reply(browser, thread, "reply");
        var response = await browser.Client.GetAsync(new Uri($"/b/thread/{reply}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"/b/thread/{thread}#p{reply}", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Times_are_shown_in_utc_in_one_fixed_format()
    {
        var browser = _server.Browser();
        var (op, thread) = await StartThread(browser, "time");
        var time = (await browser.Get($"/b/thread/{thread}")).Post(op)!.QuerySelector("time")!;
        Assert.Matches(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$", time.TextContent);
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$", time.GetAttribute("datetime")!);
    }
}
