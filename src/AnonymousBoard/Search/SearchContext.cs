using System.Globalization;
using System.Text.RegularExpressions;

namespace AnonymousBoard.Search;

/// <summary>The part of a post's text around its first match, cut into plain and matching pieces.</summary>
public static partial class SearchContext
{
    private const int Around = 80;

    /// <summary>
    /// Up to <see cref="Around"/> characters either side of the first match of a positive term (or the
    /// start of the text when the match was in the subject). Spoilers stay hidden, as in the catalog's
    /// excerpts: a match inside one shows as "[spoiler]".
    /// </summary>
    public static IReadOnlyList<(string Text, bool Match)> Of(string body, SearchQuery query)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(query);
        var text = string.Join(' ', Spoiler().Replace(body, "[spoiler]").Split((char[])['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries));
        var compare = CultureInfo.InvariantCulture.CompareInfo;
        var terms = query.Terms.Where(t => !t.Excluded).Select(t => t.Text).ToList();
        var first = terms.Select(t => compare.IndexOf(text, t, CompareOptions.IgnoreCase)).Where(i => i >= 0).DefaultIfEmpty(0).Min();
        var start = Math.Max(0, first - Around);
        var end = Math.Min(text.Length, first + Around * 2);
        var window = text[start..end];
        var pieces = new List<(string, bool)>();
        if (start > 0)
        {
            pieces.Add(("…", false));
        }
        var at = 0;
        while (at < window.Length)
        {
            var (index, length) = (-1, 0);
            foreach (var term in terms)
            {
                var found = compare.IndexOf(window.AsSpan(at), term, CompareOptions.IgnoreCase, out var matched);
                if (found >= 0 && (index < 0 || found < index || (found == index && matched > length)))
                {
                    (index, length) = (found, matched);
                }
            }
            if (index < 0)
            {
                pieces.Add((window[at..], false));
                break;
            }
            if (index > 0)
            {
                pieces.Add((window.Substring(at, index), false));
            }
            pieces.Add((window.Substring(at + index, length), true));
            at += index + length;
        }
        if (end < text.Length)
        {
            pieces.Add(("…", false));
        }
        return pieces;
    }

    [GeneratedRegex(@"\|\|.*?(\|\||$)", RegexOptions.Singleline, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Spoiler();
}
