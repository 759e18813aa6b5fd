using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;

namespace AnonymousBoard.Markup;

/// <summary>
/// Builds a fragment of HTML in code, for fragments that are cached and served many times.
/// Text and attribute values are always encoded; only <see cref="TrustedHtml"/> goes in as is.
/// </summary>
public sealed class HtmlWriter
{
    // All of Unicode passes as itself; only what HTML gives meaning to (<, >, &, quotes) is escaped.
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(System.Text.Unicode.UnicodeRanges.All);
    private readonly StringBuilder _html = new();

    /// <summary>Markup written by this code, never data: a literal tag such as "&lt;p&gt;".</summary>
    public HtmlWriter Tag(string literalMarkup)
    {
        _html.Append(literalMarkup);
        return this;
    }

    public HtmlWriter Text(string? text)
    {
        if (!string.IsNullOrEmpty(text))
        {
            // Encode returns the same string when there is nothing to escape, as for most values.
            _html.Append(Encoder.Encode(text));
        }
        return this;
    }

    public HtmlWriter Text(long number)
    {
        _html.Append(number.ToString(CultureInfo.InvariantCulture));
        return this;
    }

    /// <summary>Writes <c> name="value"</c> with the value encoded.</summary>
    public HtmlWriter Attribute(string name, string value)
    {
        _html.Append(' ').Append(name).Append("=\"");
        Text(value);
        _html.Append('"');
        return this;
    }

    public HtmlWriter Html(TrustedHtml html)
    {
        _html.Append(html.Value);
        return this;
    }

    public TrustedHtml ToTrustedHtml() => TrustedHtml.FromRenderer(_html.ToString());
}
