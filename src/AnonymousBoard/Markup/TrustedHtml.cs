using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Html;

namespace AnonymousBoard.Markup;

/// <summary>
/// HTML that Razor writes without encoding. This is the one raw-HTML path of the board: only the
/// markup renderer makes one (post bodies), so everything a person typed has passed through it first.
/// Templates (<see cref="Templates"/>) write it as it is.
/// </summary>
public sealed class TrustedHtml : IHtmlContentContainer
{
    public static readonly TrustedHtml Empty = new(string.Empty);

    private TrustedHtml(string html) => Value = html;

    public string Value { get; }

    /// <summary>For output of <see cref="PostMarkup"/> only.</summary>
    internal static TrustedHtml FromRenderer(string html) => new(html);

    /// <summary>Post HTML read back from the database, where only <see cref="PostMarkup"/> writes it.</summary>
    internal static TrustedHtml FromStoredRendering(string html) => new(html);

    public void WriteTo(TextWriter writer, HtmlEncoder encoder) => writer.Write(Value);

    // Razor's view buffer keeps a plain string as it is and later writes it to the response
    // asynchronously; any other IHtmlContent is first copied through pooled 1 KB pages, which for a
    // prepared thread of a few hundred KB costs more than everything else the page does. Being a
    // container lets Razor take the string. Both copy: the value is cached and shared, never emptied.
    public void CopyTo(IHtmlContentBuilder builder) => builder.AppendHtml(Value);

    public void MoveTo(IHtmlContentBuilder builder) => builder.AppendHtml(Value);

    public override string ToString() => Value;
}
