using AnonymousBoard.Markup;
using Microsoft.Extensions.Primitives;

namespace AnonymousBoard.Site;

/// <summary>Forms read from requests that may be hostile.</summary>
public static class FormInput
{
    /// <summary>
    /// A body ASP.NET Core could not parse (a NUL in a url-encoded value, a value past the form
    /// limits, a multipart body that breaks off): not one that was too large or too slow (those are
    /// a BadHttpRequestException with their own status), nor a client that went away.
    /// </summary>
    public static bool IsMalformed(Exception e, CancellationToken ct) =>
        (e is InvalidDataException || e is IOException and not BadHttpRequestException) && !ct.IsCancellationRequested;

    /// <summary>The same fields with every value <see cref="HtmlText.Printable"/>.</summary>
    public static Dictionary<string, StringValues> Printable(IEnumerable<KeyValuePair<string, StringValues>> fields)
    {
        var clean = new Dictionary<string, StringValues>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, values) in fields)
        {
            clean[HtmlText.Printable(key)] = new StringValues([.. values.Select(v => HtmlText.Printable(v ?? ""))]);
        }
        return clean;
    }
}
