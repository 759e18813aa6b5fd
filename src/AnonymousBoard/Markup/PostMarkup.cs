using Markdig;
using Markdig.Extensions.AutoLinks;
using Markdig.Parsers;
using Markdig.Parsers.Inlines;
using Markdig.Renderers;
using Markdig.Renderers.Html;
using Markdig.Renderers.Html.Inlines;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace AnonymousBoard.Markup;

/// <summary>A post body rendered to HTML, with the posts it quotes (for backlinks).</summary>
public sealed record RenderedBody(TrustedHtml Html, IReadOnlyList<QuoteTarget> Quotes);

/// <summary>
/// Turns what a person typed into safe HTML, once, when the post is written. Markdown (Markdig)
/// with raw HTML shown as text, no images, links only to http(s), headings made small, plus the
/// board syntax: &gt;greentext, &gt;&gt;123 quotes, &gt;&gt;&gt;/board/123, ||spoiler||.
/// </summary>
public static class PostMarkup
{
    /// <summary>Stored beside every rendering; raise it when the output changes so old posts are rendered again.</summary>
    // 2: characters HTML cannot carry (from entities such as &#14;) are shown as U+FFFD.
    public const int Version = 2;

    private const string LinkRel = "nofollow noreferrer ugc";

    private static readonly MarkdownPipeline Pipeline = BuildPipeline();

    private static MarkdownPipeline BuildPipeline()
    {
        var builder = new MarkdownPipelineBuilder
        {
            // Deep nesting costs stack and time; no honest post needs more.
            MaximumNestingDepth = 16,
        };
        builder.DisableHtml();
        builder.UseSoftlineBreakAsHardlineBreak();
        builder.UseAutoLinks(new AutoLinkOptions { OpenInNewWindow = false });
        builder.UsePreciseSourceLocation();
        // On a board, a line starting with '>' is greentext, not a Markdown block quote.
        builder.BlockParsers.RemoveAll(p => p is QuoteBlockParser);
        builder.InlineParsers.Insert(0, new QuoteLinkParser());
        var emphasis = builder.InlineParsers.FindExact<EmphasisInlineParser>()!;
        emphasis.EmphasisDescriptors.Add(new EmphasisDescriptor('|', 2, 2, false));
        return builder.Build();
    }

    /// <param name="source">The post body, already validated and normalised.</param>
    /// <param name="boardSlug">The board the post is on (for &gt;&gt;123).</param>
    /// <param name="threadNo">The thread the post is in (to mark quotes of other threads).</param>
    public static RenderedBody Render(string source, string boardSlug, long threadNo, IQuoteResolver resolver)
    {
        var document = Markdown.Parse(source, Pipeline);
        var quotes = new List<QuoteTarget>();
        Harden(document, source, boardSlug, threadNo, resolver, quotes);

        using var writer = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        var renderer = new HtmlRenderer(writer);
        Pipeline.Setup(renderer);
        renderer.ObjectRenderers.Insert(0, new QuoteLinkRenderer());
        renderer.ObjectRenderers.Insert(0, new GreentextRenderer());
        var emphasisRenderer = renderer.ObjectRenderers.FindExact<EmphasisInlineRenderer>()!;
        var defaultTag = emphasisRenderer.GetTag;
        emphasisRenderer.GetTag = e => e.DelimiterChar == '|' ? "span" : defaultTag(e);
        renderer.Render(document);
        writer.Flush();
        // An entity (&#14;) decodes to a character HTML cannot carry; it is shown as U+FFFD.
        return new RenderedBody(TrustedHtml.FromRenderer(HtmlText.Printable(writer.ToString())), quotes.Distinct().ToList());
    }

    private static void Harden(MarkdownDocument document, string source, string boardSlug, long threadNo, IQuoteResolver resolver, List<QuoteTarget> quotes)
    {
        foreach (var node in document.Descendants().ToList())
        {
            switch (node)
            {
                case HeadingBlock heading:
                    // The page owns h1-h3; a post's own headings start below them.
                    heading.Level = Math.Min(6, heading.Level + 3);
                    break;
                case ParagraphBlock paragraph when paragraph.Inline is not null:
                    MarkGreentext(paragraph.Inline);
                    break;
                case LinkInline link:
                    if (link.IsImage || !IsAllowedUrl(link.Url))
                    {
                        ReplaceWithText(link, SourceText(source, link.Span));
                    }
                    else
                    {
                        link.GetAttributes().AddProperty("rel", LinkRel);
                    }
                    break;
                case AutolinkInline autolink:
                    if (autolink.IsEmail || !IsAllowedUrl(autolink.Url))
                    {
                        ReplaceWithText(autolink, SourceText(source, autolink.Span));
                    }
                    else
                    {
                        var replacement = new LinkInline(autolink.Url, "") { IsAutoLink = true };
                        replacement.AppendChild(new LiteralInline(autolink.Url));
                        replacement.GetAttributes().AddProperty("rel", LinkRel);
                        autolink.ReplaceBy(replacement);
                    }
                    break;
                case EmphasisInline { DelimiterChar: '|' } spoiler:
                    spoiler.GetAttributes().AddClass("spoiler");
                    break;
                case QuoteLinkInline quote:
                    Resolve(quote, boardSlug, threadNo, resolver, quotes);
                    break;
            }
        }
    }

    private static void Resolve(QuoteLinkInline quote, string boardSlug, long threadNo, IQuoteResolver resolver, List<QuoteTarget> quotes)
    {
        var slug = quote.CrossBoard ?? boardSlug;
        if (quote.No is { } no)
        {
            quote.Target = resolver.FindPost(slug, no);
            if (quote.Target is { } target)
            {
                quote.InOtherThread = target.BoardSlug != boardSlug || target.ThreadNo != threadNo;
                quotes.Add(target);
            }
        }
        else
        {
            quote.BoardFound = resolver.BoardExists(slug);
        }
    }

    /// <summary>Only absolute http and https links (onion addresses included); nothing that runs or loads.</summary>
    internal static bool IsAllowedUrl(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && !string.IsNullOrEmpty(uri.Host)
        && url!.StartsWith(uri.Scheme + "://", StringComparison.OrdinalIgnoreCase);

    private static string SourceText(string source, SourceSpan span) =>
        span.Start >= 0 && span.End < source.Length && span.End >= span.Start
            ? source.Substring(span.Start, span.Length)
            : "";

    private static void ReplaceWithText(Inline inline, string text) => inline.ReplaceBy(new LiteralInline(text), copyChildren: false);

    /// <summary>Wraps each line of a paragraph that starts with '&gt;' (and is not a quote link) in a greentext span.</summary>
    private static void MarkGreentext(ContainerInline container)
    {
        var lines = new List<List<Inline>> { new() };
        foreach (var inline in container)
        {
            lines[^1].Add(inline);
            if (inline is LineBreakInline)
            {
                lines.Add([]);
            }
        }
        foreach (var line in lines)
        {
            if (line.Count == 0 || line[0] is not LiteralInline first || !first.Content.ToString().StartsWith('>'))
            {
                continue;
            }
            var greentext = new GreentextInline();
            line[0].ReplaceBy(greentext);
            greentext.AppendChild(line[0]);
            foreach (var inline in line.Skip(1).TakeWhile(i => i is not LineBreakInline))
            {
                inline.Remove();
                greentext.AppendChild(inline);
            }
        }
    }
}

internal sealed class GreentextInline : ContainerInline;

internal sealed class GreentextRenderer : HtmlObjectRenderer<GreentextInline>
{
    protected override void Write(HtmlRenderer renderer, GreentextInline obj)
    {
        renderer.Write("<span class=\"greentext\">");
        renderer.WriteChildren(obj);
        renderer.Write("</span>");
    }
}
