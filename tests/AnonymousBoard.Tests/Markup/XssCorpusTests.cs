using AngleSharp.Dom;
using AnonymousBoard.Markup;
using AnonymousBoard.Tests.Support;

namespace AnonymousBoard.Tests.Markup;

/// <summary>Hostile input, rendered by the markup pipeline and posted through the real form: nothing may run or load.</summary>
public sealed class XssCorpusTests
{
    public static readonly string[] Payloads =
    [
        "<script>alert(1)</script>",
        "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
        "<img src=x onerror=alert(1)>",
        "<svg onload=alert(1)>",
        "<svg><script>alert(1)</script></svg>",
        "<iframe src=\"javascript:alert(1)\"></iframe>",
        "<body onload=alert(1)>",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<div style=\"background:url(javascript:alert(1))\">x</div>",
        "<style>@import 'http://evil.example/x.css';</style>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        "<object data=\"javascript:alert(1)\">",
        "<embed src=\"javascript:alert(1)\">",
        "<form action=\"javascript:alert(1)\"><button>x</button></form>",
        "<input autofocus onfocus=alert(1)>",
        "<details open ontoggle=alert(1)>",
        "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
        "<base href=\"javascript:/\">",
        "<link rel=stylesheet href=http://evil.example/x.css>",
        "<!--<script>alert(1)//-->",
        "<![CDATA[<script>alert(1)</script>]]>",
        "\"><script>alert(1)</script>",
        "'><img src=x onerror=alert(1)>",
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](javascript&#58;alert(1))",
        "[x](&#106;avascript:alert(1))",
        "[x](java\tscript:alert(1))",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[x](vbscript:msgbox(1))",
        "[x](file:///etc/passwd)",
        "[x](//evil.example/path)",
        "[x](/relative/path)",
        "[x](https://example.org \"title\" onmouseover=alert(1))",
        "[x](https://example.org\"onmouseover=\"alert(1))",
        "[x]( javascript:alert(1) )",
        "[x](<javascript:alert(1)>)",
        "[x][ref]\n\n[ref]: javascript:alert(1)",
        "[x][ref]\n\n[ref]: https://example.org \"t\"",
        "<javascript:alert(1)>",
        "<http://example.org/\"onmouseover=\"alert(1)>",
        "<mailto:a@example.org>",
        "<a@example.org>",
        "![img](https://evil.example/tracker.png)",
        "![img](javascript:alert(1))",
        "![x][img]\n\n[img]: https://evil.example/t.png",
        "[![img](https://evil.example/t.png)](https://example.org)",
        "www.example.org/\"onmouseover=\"alert(1)",
        "http://example.org/<script>alert(1)</script>",
        "https://example.org/?q=\"><script>alert(1)</script>",
        "`<script>alert(1)</script>`",
        "```html\n<script>alert(1)</script>\n```",
        "```\"><script>alert(1)</script>\n code\n```",
        "    <script>alert(1)</script>",
        "# <script>alert(1)</script>",
        "> <script>alert(1)</script>",
        ">>1 <script>alert(1)</script>",
        ">>>/b/1\"><script>alert(1)</script>",
        ">>>/<script>/1",
        "||<script>alert(1)</script>||",
        "**<img src=x onerror=alert(1)>**",
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "&#60;script&#62;alert(1)&#60;/script&#62;",
        "<scr<script>ipt>alert(1)</scr</script>ipt>",
        "\u202Egnp.exe<script>",
        "<a href=\"https://example.org\" onclick=\"alert(1)\">x</a>",
        "[x](https://example.org){onclick=alert(1)}",
        "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
        "<textarea></textarea><script>alert(1)</script>",
        "<title></title><script>alert(1)</script>",
    ];

    private sealed class Resolver : IQuoteResolver
    {
        public QuoteTarget? FindPost(string boardSlug, long no) => boardSlug == "b" && no == 1 ? new QuoteTarget(1, "b", 1, 1) : null;
        public bool BoardExists(string boardSlug) => boardSlug == "b";
    }

    public static TheoryData<string> AllPayloads()
    {
        var data = new TheoryData<string>();
        foreach (var p in Payloads)
        {
            data.Add(p);
        }
        return data;
    }

    [Fact]
    public void The_corpus_has_at_least_fifty_payloads() => Assert.True(Payloads.Distinct().Count() >= 50);

    [Theory]
    [MemberData(nameof(AllPayloads))]
    public void Each_payload_renders_to_html_that_cannot_run_or_load_anything(string payload)
    {
        var html = PostMarkup.Render(payload, "b", 1, new Resolver()).Html.Value;
        AssertInert(html, payload);
    }

    [Fact]
    public async Task The_corpus_posted_through_the_real_form_as_body_name_and_subject_stays_inert()
    {
        await using var server = new AsyncServer();
        var client = server.Board.Client();
        foreach (var payload in Payloads)
        {
            var name = payload.Replace('\n', ' ');
            using var form = new FormUrlEncodedContent([new("name", name.Length > 64 ? name[..64] : name), new("subject", name.Length > 120 ? name[..120] : name), new("body", payload), new("ticket", await server.Board.Ticket())]);
            var response = await client.PostAsync(new Uri("/b/post", UriKind.Relative), form);
            Assert.Equal(System.Net.HttpStatusCode.SeeOther, response.StatusCode);
        }
        foreach (var path in new[] { "/b/", "/b/catalog", "/b/page/2", "/b/thread/1", "/b/thread/30", "/b/thread/60" })
        {
            var page = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await client.GetStringAsync(new Uri(path, UriKind.Relative)));
            var posts = page.QuerySelectorAll("article.post, ul.catalog li");
            Assert.NotEmpty(posts);
            foreach (var post in posts)
            {
                AssertInert(post.OuterHtml, path);
            }
            Assert.Empty(page.QuerySelectorAll("script, iframe, object, embed, svg, img"));
        }
    }

    /// <summary>An IAsyncDisposable wrapper so a single test can own a server.</summary>
    private sealed class AsyncServer : IAsyncDisposable
    {
        public BoardServer Board { get; } = new();
        public AsyncServer() => Board.InitializeAsync().GetAwaiter().GetResult();
        public async ValueTask DisposeAsync() => await Board.DisposeAsync();
    }

    private static void AssertInert(string html, string what)
    {
        var document = new AngleSharp.Html.Parser.HtmlParser().ParseDocument($"<!DOCTYPE html><body>{html}</body>");
        Assert.Empty(document.QuerySelectorAll("script, style, iframe, object, embed, svg, math, img, form, input, base, meta, link, textarea, noscript, details, title"));
        foreach (var element in document.All)
        {
            foreach (var attribute in element.Attributes)
            {
                Assert.False(attribute.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase), $"{what}: {attribute.Name} on {element.LocalName}");
                Assert.NotEqual("style", attribute.Name);
            }
        }
        foreach (var link in document.QuerySelectorAll("a"))
        {
            var href = link.GetAttribute("href") ?? "";
            var isBoardPath = href.StartsWith('/') && !href.StartsWith("//", StringComparison.Ordinal);
            var isWeb = href.StartsWith("http://", StringComparison.Ordinal) || href.StartsWith("https://", StringComparison.Ordinal);
            Assert.True(isBoardPath || isWeb, $"{what}: link to {href}");
            if (isWeb)
            {
                Assert.Equal("nofollow noreferrer ugc", link.GetAttribute("rel"));
            }
        }
    }
}
