using System.Net;
using AngleSharp.Html.Dom;
using AnonymousBoard.Tests.Hostile;
using AnonymousBoard.Tests.Support;

namespace AnonymousBoard.Tests.Search;

/// <summary>
/// The search pages over HTTP, as a browser without JavaScript uses them: the GET form on every page,
/// results with the match marked in its context and a link to the post, a message (never a 500) for
/// anything typed, and other pages answering while expensive searches run.
/// </summary>
public sealed class SearchPageTests(SearchBoard board) : IClassFixture<SearchBoard>
{
    private readonly WebBrowser _browser = board.Server.Browser();

    /// <summary>Fills the named search form's q and sends it as a browser sends a GET form: the fields in the query string.</summary>
    private async Task<Page> Search(Page from, string action, string query)
    {
        var form = from.Form(action);
        Assert.Equal("get", form.Method.ToLowerInvariant());
        var field = form.Elements.OfType<IHtmlInputElement>().Single(e => e.Type == "search");
        return await _browser.Get($"{action}?{field.Name}={Uri.EscapeDataString(query)}");
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/b/")]
    [InlineData("/b/catalog")]
    [InlineData("/b/rules")]
    [InlineData("/b/archive")]
    [InlineData("/signing")]
    public async Task Every_page_has_the_site_wide_form_and_board_pages_their_own(string path)
    {
        var page = await _browser.Get(path);
        Assert.Equal(HttpStatusCode.OK, page.Status);
        page.Form("/search");
        if (path.StartsWith("/b/", StringComparison.Ordinal))
        {
            page.Form("/b/search");
        }
    }

    [Theory]
    [InlineData("lighthouse", SearchBoard.Phrase, "lighthouse")]
    [InlineData("французских", SearchBoard.Cyrillic, "французских")]
    [InlineData("タワー", SearchBoard.Japanese, "タワー")]
    [InlineData("بالعالم", SearchBoard.Arabic, "بالعالم")]
    public async Task Results_mark_the_match_in_context_and_link_to_the_post(string query, string post, string marked)
    {
        var results = await Search(await _browser.Get("/b/"), "/b/search", query);
        Assert.Equal(HttpStatusCode.OK, results.Status);
        var item = Assert.Single(results.Document.QuerySelectorAll("ol.results li"));
        Assert.Equal(marked, item.QuerySelector("mark")!.TextContent);
        Assert.Equal(post, item.QuerySelector(".context")!.TextContent);
        var thread = board.Posts[SearchBoard.Latin];
        Assert.Equal($"/b/thread/{thread}#p{board.Posts[post]}", item.QuerySelector("a")!.GetAttribute("href"));
        // The form shows the query again, to change it.
        Assert.Equal(query, results.Field("/b/search", "q"));
    }

    [Fact]
    public async Task The_site_wide_form_searches_every_board()
    {
        var results = await Search(await _browser.Get("/"), "/search", "quick");
        Assert.Equal(["/b/", "/tech/"], results.Document.QuerySelectorAll("ol.results li a").Select(a => a.TextContent.Split(' ')[0]).Order());
    }

    [Theory]
    [InlineData("\"open quote", "quotation mark")]
    [InlineData("", "Type something")]
    [InlineData("ab", "three characters")]
    public async Task A_bad_query_is_answered_400_with_what_to_change(string query, string says)
    {
        var page = await _browser.Get($"/b/search?q={Uri.EscapeDataString(query)}");
        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.Contains(says, page.Document.QuerySelector("[role=alert]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(query, page.Field("/b/search", "q"));
    }

    [Fact]
    public async Task Hostile_queries_get_a_4xx_or_results_never_a_5xx()
    {
        var client = board.Server.Client();
        var queries = NaughtyInputs.Blns.Select(n => n.Text)
            .Concat(["NEAR(a b)", "a OR b", "body:x", "^abc", "\"a\"\"b\"", "* * *", "abc*def", new string('\u0000', 10)]);
        var failures = new List<string>();
        foreach (var q in queries)
        {
            var response = await client.GetAsync(new Uri($"/search?q={Uri.EscapeDataString(q)}", UriKind.Relative));
            if ((int)response.StatusCode >= 500)
            {
                failures.Add($"{q}: {response.StatusCode}");
            }
        }
        // 300 KB of query: refused before the board reads it (request line limits), with a 4xx.
        var huge = await client.GetAsync(new Uri("/search?q=" + new string('a', 300 * 1024), UriKind.Relative));
        Assert.InRange((int)huge.StatusCode, 400, 499);
        var long201 = await _browser.Get("/search?q=" + new string('a', 201));
        Assert.Equal(HttpStatusCode.BadRequest, long201.Status);
        Assert.Empty(failures);
    }

    [Fact]
    public async Task Other_pages_keep_answering_while_expensive_searches_run()
    {
        var client = board.Server.Client();
        // Common trigrams with an exclusion and a deep page: each scans as far as its budget lets it.
        var searches = Enumerable.Range(0, 24).Select(i => client.GetAsync(new Uri($"/search?q=the+-zzq{i}&page=10", UriKind.Relative))).ToList();
        var reads = Enumerable.Range(0, 12).Select(_ => client.GetAsync(new Uri("/b/", UriKind.Relative))).ToList();
        var readAnswers = await Task.WhenAll(reads);
        var searchAnswers = await Task.WhenAll(searches);
        Assert.All(readAnswers, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.All(searchAnswers, r => Assert.True((int)r.StatusCode is 200 or 422 or 503, $"{r.StatusCode}"));
    }
}
