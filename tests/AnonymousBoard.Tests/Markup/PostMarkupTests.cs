using AngleSharp.Dom;
using AnonymousBoard.Markup;

namespace AnonymousBoard.Tests.Markup;

public sealed class PostMarkupTests
{
    /// <summary>Board b has posts 1 and 2 in thread 1, and 5 in thread 5; board tech has post 7 in thread 7.</summary>
    private sealed class Resolver : IQuoteResolver
    {
        public QuoteTarget? FindPost(string boardSlug, long no) => (boardSlug, no) switch
        {
            ("b", 1 or 2) => new QuoteTarget(1, "b", no, 1),
            ("b", 5) => new QuoteTarget(1, "b", 5, 5),
            ("tech", 7) => new QuoteTarget(2, "tech", 7, 7),
            _ => null,
        };
        public bool BoardExists(string boardSlug) => boardSlug is "b" or "tech";
    }

    private static (IElement Body, RenderedBody Rendered) Render(string source, long thread = 1)
    {
        var rendered = PostMarkup.Render(source, "b", thread, new Resolver());
        var document = new AngleSharp.Html.Parser.HtmlParser().ParseDocument($"<!DOCTYPE html><body>{rendered.Html.Value}</body>");
        return (document.Body!, rendered);
    }

    [Fact]
    public void Greentext_lines_are_marked_and_other_lines_are_not()
    {
        var (body, _) = Render("normal\n>implying\nnormal again");
        var green = Assert.Single(body.QuerySelectorAll(".greentext"));
        Assert.Equal(">implying", green.TextContent);
        Assert.Equal(2, body.QuerySelectorAll("br").Length);
    }

    [Fact]
    public void Quote_links_point_to_the_thread_and_anchor_and_are_recorded_for_backlinks()
    {
        var (body, rendered) = Render(">>2 and >>5 and >>404");
        var links = body.QuerySelectorAll("a.ql");
        Assert.Equal("/b/thread/1#p2", links[0].GetAttribute("href"));
        Assert.Equal("/b/thread/5#p5", links[1].GetAttribute("href"));
        Assert.Contains("(other thread)", body.TextContent, StringComparison.Ordinal);
        Assert.Equal(">>404", body.QuerySelector(".ql.dead")!.TextContent);
        Assert.Equal([2L, 5L], rendered.Quotes.Select(q => q.No));
        Assert.Empty(body.QuerySelectorAll(".greentext"));
    }

    [Fact]
    public void Cross_board_links_resolve_to_posts_and_boards()
    {
        var (body, rendered) = Render(">>>/tech/7 >>>/tech/ >>>/nope/1 >>>/nope/");
        var links = body.QuerySelectorAll("a.ql");
        Assert.Equal("/tech/thread/7#p7", links[0].GetAttribute("href"));
        Assert.Equal("/tech/", links[1].GetAttribute("href"));
        Assert.Equal(2, body.QuerySelectorAll(".ql.dead").Length);
        Assert.Equal(("tech", 7L), (rendered.Quotes.Single().BoardSlug, rendered.Quotes.Single().No));
    }

    [Fact]
    public void Spoilers_inline_code_and_fenced_code_render()
    {
        var (body, _) = Render("||secret|| and `code <b>`\n\n```\nblock >>1\n```");
        Assert.Equal("secret", body.QuerySelector("span.spoiler")!.TextContent);
        Assert.Equal("code <b>", body.QuerySelector("p code")!.TextContent);
        Assert.Equal("block >>1\n", body.QuerySelector("pre code")!.TextContent);
        Assert.Empty(body.QuerySelectorAll("pre a"));
    }

    [Fact]
    public void Headings_are_moved_below_the_page_headings()
    {
        var (body, _) = Render("# one\n\n## two\n\n### three");
        Assert.Equal(["H4", "H5", "H6"], body.QuerySelectorAll("h1, h2, h3, h4, h5, h6").Select(h => h.TagName));
    }

    [Fact]
    public void Raw_html_is_shown_as_text()
    {
        var (body, _) = Render("<b>bold?</b>");
        Assert.Empty(body.QuerySelectorAll("b"));
        Assert.Contains("<b>bold?</b>", body.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Web_links_get_rel_and_other_schemes_and_images_stay_text()
    {
        var (body, _) = Render("[site](https://example.org) http://abcdefghijklmnop.onion/x [bad](javascript:alert(1)) ![pic](https://example.org/p.png)");
        var links = body.QuerySelectorAll("a");
        Assert.Equal(["https://example.org", "http://abcdefghijklmnop.onion/x"], links.Select(a => a.GetAttribute("href")));
        Assert.All(links, a => Assert.Equal("nofollow noreferrer ugc", a.GetAttribute("rel")));
        Assert.Contains("[bad](javascript:alert(1))", body.TextContent, StringComparison.Ordinal);
        Assert.Contains("![pic](https://example.org/p.png)", body.TextContent, StringComparison.Ordinal);
        Assert.Empty(body.QuerySelectorAll("img"));
    }

    [Fact]
    public void A_quote_glued_to_a_word_is_not_a_link()
    {
        var (body, rendered) = Render("a>>2");
        Assert.Empty(body.QuerySelectorAll("a"));
        Assert.Empty(rendered.Quotes);
    }
}
