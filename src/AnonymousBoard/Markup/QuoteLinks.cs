using Markdig.Helpers;
using Markdig.Parsers;
using Markdig.Renderers;
using Markdig.Renderers.Html;
using Markdig.Syntax.Inlines;

namespace AnonymousBoard.Markup;

/// <summary>Where a quote link points, as found when the post was written.</summary>
public sealed record QuoteTarget(long BoardId, string BoardSlug, long No, long ThreadNo);

/// <summary>Looks up quoted posts (and boards) while a post is being written.</summary>
public interface IQuoteResolver
{
    /// <summary>The post <paramref name="no"/> on the board <paramref name="boardSlug"/>, or null.</summary>
    QuoteTarget? FindPost(string boardSlug, long no);

    bool BoardExists(string boardSlug);
}

/// <summary><c>&gt;&gt;123</c> (this board) or <c>&gt;&gt;&gt;/board/123</c> and <c>&gt;&gt;&gt;/board/</c>.</summary>
internal sealed class QuoteLinkInline : LeafInline
{
    public string? CrossBoard { get; init; }
    public long? No { get; init; }
    public string Source { get; init; } = "";
    public QuoteTarget? Target { get; set; }
    public bool BoardFound { get; set; }
    public bool InOtherThread { get; set; }
}

internal sealed class QuoteLinkParser : InlineParser
{
    private const int MaxDigits = 15;

    public QuoteLinkParser() => OpeningCharacters = ['>'];

    public override bool Match(InlineProcessor processor, ref StringSlice slice)
    {
        // The character before must not be a letter or digit: "a>>1" is not a quote.
        var before = slice.PeekCharExtra(-1);
        if (char.IsLetterOrDigit(before))
        {
            return false;
        }
        var text = slice.Text;
        var start = slice.Start;
        var i = start;
        var end = slice.End;
        var arrows = 0;
        while (i <= end && text[i] == '>' && arrows < 3)
        {
            arrows++;
            i++;
        }
        string? board = null;
        if (arrows == 3)
        {
            if (i > end || text[i] != '/')
            {
                return false;
            }
            var slugStart = ++i;
            while (i <= end && (char.IsAsciiLetterLower(text[i]) || char.IsAsciiDigit(text[i])) && i - slugStart < 16)
            {
                i++;
            }
            if (i == slugStart || i > end || text[i] != '/')
            {
                return false;
            }
            board = text[slugStart..i];
            i++;
        }
        else if (arrows != 2)
        {
            return false;
        }
        var digitsStart = i;
        while (i <= end && char.IsAsciiDigit(text[i]) && i - digitsStart < MaxDigits)
        {
            i++;
        }
        long? no = null;
        if (i > digitsStart)
        {
            no = long.Parse(text.AsSpan(digitsStart, i - digitsStart), System.Globalization.CultureInfo.InvariantCulture);
        }
        else if (board is null)
        {
            return false;
        }
        var length = i - start;
        processor.Inline = new QuoteLinkInline
        {
            CrossBoard = board,
            No = no,
            Source = text.Substring(start, length),
            Span = new Markdig.Syntax.SourceSpan(processor.GetSourcePosition(start, out var line, out var column), 0),
            Line = line,
            Column = column,
        };
        processor.Inline.Span.End = processor.Inline.Span.Start + length - 1;
        slice.Start = i;
        return true;
    }
}

internal sealed class QuoteLinkRenderer : HtmlObjectRenderer<QuoteLinkInline>
{
    protected override void Write(HtmlRenderer renderer, QuoteLinkInline link)
    {
        if (link.Target is { } target)
        {
            renderer.Write("<a class=\"ql\" href=\"")
                .WriteEscapeUrl($"/{target.BoardSlug}/thread/{target.ThreadNo}#p{target.No}")
                .Write("\">").WriteEscape(link.Source).Write("</a>");
            if (link.InOtherThread)
            {
                // Said in words, not only by colour, so it reads in a text browser too.
                renderer.Write("<span class=\"ql-note\"> (other thread)</span>");
            }
        }
        else if (link.No is null && link.BoardFound)
        {
            renderer.Write("<a class=\"ql cross\" href=\"").WriteEscapeUrl($"/{link.CrossBoard}/")
                .Write("\">").WriteEscape(link.Source).Write("</a>");
        }
        else
        {
            // The post does not exist (never did, or was deleted): shown, marked, not linked.
            renderer.Write("<span class=\"ql dead\">").WriteEscape(link.Source)
                .Write("</span><span class=\"ql-note\"> (no such post)</span>");
        }
    }
}
