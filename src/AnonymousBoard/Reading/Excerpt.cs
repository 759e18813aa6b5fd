using System.Text.RegularExpressions;

namespace AnonymousBoard.Reading;

public static partial class Excerpt
{
    /// <summary>The start of a thread's text on one line, for the catalog.</summary>
    public static string Of(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        // The excerpt is the source text: a spoiler must stay hidden here too.
        text = Spoilers().Replace(text, "[spoiler]");
        if (text.IndexOf("||", StringComparison.Ordinal) is >= 0 and var open)
        {
            text = text[..open] + "[spoiler]"; // one cut off by the excerpt's length
        }
        var flat = string.Join(' ', text.Split((char[])['\n', '\t'], StringSplitOptions.RemoveEmptyEntries));
        return flat.Length > 120 ? string.Concat(flat.AsSpan(0, 119), "…") : flat;
    }

    [GeneratedRegex(@"\|\|.*?\|\|", RegexOptions.Singleline)]
    private static partial Regex Spoilers();
}
