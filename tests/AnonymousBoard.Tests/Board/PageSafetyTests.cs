using System.Net;
using AngleSharp.Dom;
using AnonymousBoard.Reading;
using AnonymousBoard.Tests.Support;

namespace AnonymousBoard.Tests.Board;

/// <summary>
/// The product's constraints on every kind of page, as tests that fail the build: no script in any
/// form, no inline style, the security headers, no server name, no absolute URL naming a host.
/// </summary>
public sealed class PageSafetyTests : IAsyncLifetime
{
    private readonly BoardServer _server = new();
    private readonly List<(string What, HttpResponseMessage Response, string Body)> _pages = [];

    public async Task InitializeAsync()
    {
        await _server.InitializeAsync();
        var client = _server.Client();
        async Task Add(string what, Task<HttpResponseMessage> request)
        {
            var response = await request;
            _pages.Add((what, response, await response.Content.ReadAsStringAsync()));
        }
        async Task<HttpResponseMessage> Post(string path, params (string, string)[] fields)
        {
            var all = fields.Select(f => new KeyValuePair<string, string>(f.Item1, f.Item2)).ToList();
            if (path.EndsWith("/post", StringComparison.Ordinal))
            {
                all.Add(new("ticket", await _server.Ticket()));
            }
            using var form = new FormUrlEncodedContent(all);
            return await client.PostAsync(new Uri(path, UriKind.Relative), form);
        }
        await Post("/b/post", ("subject", "A thread"), ("body", "Hello >>1 [link](https://example.org) ||spoiler||"), ("password", "pw"));
        await Post("/b/post", ("thread", "1"), ("body", ">>1 a reply"));
        await Add("home", client.GetAsync(new Uri("/", UriKind.Relative)));
        await Add("board index", client.GetAsync(new Uri("/b/", UriKind.Relative)));
        await Add("catalog", client.GetAsync(new Uri("/b/catalog", UriKind.Relative)));
        await Add("thread", client.GetAsync(new Uri("/b/thread/1", UriKind.Relative)));
        await Add("thread with quote", client.GetAsync(new Uri("/b/thread/1?quote=2", UriKind.Relative)));
        await Add("signing help", client.GetAsync(new Uri("/signing", UriKind.Relative)));
        await Add("404 page", client.GetAsync(new Uri("/nosuchboard/", UriKind.Relative)));
        await Add("404 thread", client.GetAsync(new Uri("/b/thread/999", UriKind.Relative)));
        await Add("rejected post", Post("/b/post", ("body", "")));
        await Add("rejected delete", Post("/b/delete", ("no", "1"), ("password", "wrong")));
        await Add("bad thread number", Post("/b/post", ("thread", "abc"), ("body", "x")));
        await Add("stylesheet", client.GetAsync(new Uri(AnonymousBoard.Site.StyleSheet.Url, UriKind.Relative)));
        await Add("redirect", Post("/b/post", ("body", "redirected")));
    }

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public void Every_page_kind_was_fetched_with_the_expected_status()
    {
        // Every kind named, so a page that quietly answers with an error page is caught too.
        var expected = new Dictionary<string, HttpStatusCode>
        {
            ["home"] = HttpStatusCode.OK,
            ["board index"] = HttpStatusCode.OK,
            ["catalog"] = HttpStatusCode.OK,
            ["thread"] = HttpStatusCode.OK,
            ["thread with quote"] = HttpStatusCode.OK,
            ["signing help"] = HttpStatusCode.OK,
            ["404 page"] = HttpStatusCode.NotFound,
            ["404 thread"] = HttpStatusCode.NotFound,
            ["rejected post"] = HttpStatusCode.BadRequest,
            ["rejected delete"] = HttpStatusCode.Forbidden,
            ["bad thread number"] = HttpStatusCode.BadRequest,
            ["stylesheet"] = HttpStatusCode.OK,
            ["redirect"] = HttpStatusCode.SeeOther,
        };
        Assert.Equal(expected, _pages.ToDictionary(p => p.What, p => p.Response.StatusCode));
    }

    [Fact]
    public void Every_response_carries_the_security_headers_and_names_no_server()
    {
        foreach (var (what, response, _) in _pages)
        {
            Assert.Empty(PageChecks.HeaderProblems(response).Select(p => $"{what}: {p}"));
        }
    }

    [Fact]
    public void No_page_contains_script_event_handlers_javascript_urls_or_inline_styles()
    {
        foreach (var (what, _, body) in Html())
        {
            var document = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(body);
            Assert.Empty(PageChecks.ScriptAndStyleProblems(body, document).Select(p => $"{what}: {p}"));
        }
    }

    [Fact]
    public void The_board_links_only_to_itself_without_naming_a_host()
    {
        foreach (var (what, response, body) in Html())
        {
            var document = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(body);
            Assert.Empty(PageChecks.LinkProblems(document).Select(p => $"{what}: {p}"));
            if (response.Headers.Location is { } location)
            {
                Assert.False(location.IsAbsoluteUri, $"{what}: redirect names a host");
            }
        }
        var redirect = _pages.Single(p => p.What == "redirect").Response;
        Assert.StartsWith("/b/thread/", redirect.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_form_control_has_a_label_and_every_page_has_landmarks_and_one_h1()
    {
        foreach (var (what, _, body) in Html().Where(p => p.Response.StatusCode != HttpStatusCode.SeeOther))
        {
            var document = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(body);
            foreach (var control in document.QuerySelectorAll("input:not([type=hidden]), textarea, select"))
            {
                Assert.True(control.Id is { Length: > 0 } id && document.QuerySelector($"label[for='{id}']") is not null, $"{what}: {control.OuterHtml} has no label");
            }
            Assert.Single(document.QuerySelectorAll("main"));
            Assert.Single(document.QuerySelectorAll("h1"));
            Assert.Equal("en", document.DocumentElement.GetAttribute("lang"));
        }
    }

    [Fact]
    public void No_error_page_shows_a_stack_trace_or_a_file_path()
    {
        foreach (var (what, _, body) in _pages.Where(p => (int)p.Response.StatusCode >= 400))
        {
            Assert.Empty(PageChecks.LeakProblems(body, _server.DataDirectory).Select(p => $"{what}: {p}"));
        }
    }

    [Fact]
    public void The_stylesheet_is_small_and_loads_nothing_from_anywhere()
    {
        var css = _pages.Single(p => p.What == "stylesheet");
        Assert.Equal("text/css", css.Response.Content.Headers.ContentType!.MediaType);
        Assert.True(AnonymousBoard.Site.StyleSheet.Bytes.Length < 8 * 1024, $"CSS is {AnonymousBoard.Site.StyleSheet.Bytes.Length} bytes");
        Assert.DoesNotContain("url(", css.Body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@font-face", css.Body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", css.Body, StringComparison.OrdinalIgnoreCase);
        Assert.False(css.Response.Headers.ETag is not null || css.Response.Content.Headers.LastModified is not null, "file times leak through ETag/Last-Modified");
    }

    private IEnumerable<(string What, HttpResponseMessage Response, string Body)> Html() =>
        _pages.Where(p => p.Response.Content.Headers.ContentType?.MediaType == "text/html" || p.Response.StatusCode == HttpStatusCode.SeeOther);
}
