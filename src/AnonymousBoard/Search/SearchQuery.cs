using System.Globalization;
using System.Text;

namespace AnonymousBoard.Search;

/// <summary>One thing to look for: a word, a "quoted phrase", a prefix (word*), or something to leave out (-word).</summary>
public sealed record SearchTerm(string Text, bool Phrase, bool Prefix, bool Excluded)
{
    /// <summary>Characters of the text as people count them (a CJK character is one, as is an emoji).</summary>
    public int Length => new StringInfo(Text).LengthInTextElements;
}

/// <summary>
/// A search as typed into the form, parsed into terms, or the reason it cannot be run. The syntax is
/// the board's own, not the engine's: words (all must match), "a phrase", word* for words that start
/// with it, -word to leave out posts with it. Every limit that bounds a query's cost is here: its
/// length, its number of terms, and the shortest term the index can find (three characters: the
/// SQLite index is made of three-character pieces, so a shorter word is only checked in the posts the
/// longer ones found).
/// </summary>
public sealed record SearchQuery(IReadOnlyList<SearchTerm> Terms)
{
    public const int MaxLength = 200;
    public const int MaxTerms = 8;
    public const int IndexedLength = 3;

    /// <summary>The terms the index can look up: positive and at least <see cref="IndexedLength"/> characters.</summary>
    public IEnumerable<SearchTerm> Indexed => Terms.Where(t => !t.Excluded && t.Length >= IndexedLength);

    /// <summary>Positive terms too short for the index, checked in the posts the others found.</summary>
    public IEnumerable<SearchTerm> Unindexed => Terms.Where(t => !t.Excluded && t.Length < IndexedLength);

    public IEnumerable<SearchTerm> Excluded => Terms.Where(t => t.Excluded);

    /// <summary>The query, or the message that says what to change.</summary>
    public static (SearchQuery? Query, string? Error) Parse(string? text)
    {
        // Control characters (a NUL would end FTS5's string early) become U+FFFD, as in any printable text; tabs and lines, spaces.
        text = Markup.HtmlText.Printable(text ?? "").Replace('\t', ' ').Replace('\n', ' ').Trim();
        if (text.Length == 0)
        {
            return (null, "Type something to search for.");
        }
        if (text.Length > MaxLength)
        {
            return (null, $"A search is at most {MaxLength} characters long (this one has {text.Length}).");
        }
        var terms = new List<SearchTerm>();
        var i = 0;
        while (i < text.Length)
        {
            if (char.IsWhiteSpace(text[i]))
            {
                i++;
                continue;
            }
            var excluded = false;
            if (text[i] == '-' && i + 1 < text.Length && !char.IsWhiteSpace(text[i + 1]))
            {
                excluded = true;
                i++;
            }
            if (text[i] == '"')
            {
                var close = text.IndexOf('"', i + 1);
                if (close < 0)
                {
                    return (null, "A quotation mark is not closed: put a phrase between two \" marks, or leave the mark out.");
                }
                var phrase = Collapse(text[(i + 1)..close]);
                i = close + 1;
                var prefix = i < text.Length && text[i] == '*';
                if (prefix)
                {
                    i++;
                }
                if (phrase.Length == 0)
                {
                    return (null, "There is nothing between the quotation marks.");
                }
                terms.Add(new SearchTerm(phrase, Phrase: true, prefix, excluded));
                continue;
            }
            var start = i;
            while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] != '"')
            {
                i++;
            }
            var word = text[start..i];
            var isPrefix = word.EndsWith('*');
            word = word.TrimEnd('*');
            if (word.Length == 0 || word.Contains('*', StringComparison.Ordinal))
            {
                return (null, "A * goes at the end of a word, to find words that start with it: photo* finds photograph.");
            }
            terms.Add(new SearchTerm(word, Phrase: false, isPrefix, excluded));
        }
        if (terms.Count > MaxTerms)
        {
            return (null, $"A search has at most {MaxTerms} words and phrases (this one has {terms.Count}).");
        }
        var query = new SearchQuery(terms);
        if (!query.Indexed.Any())
        {
            return (null, query.Terms.All(t => t.Excluded)
                ? "Say what to look for, not only what to leave out (-word)."
                : $"Search for at least one word of {IndexedLength} characters or more (in Chinese or Japanese, three characters in a row): shorter ones are too common to look up alone.");
        }
        return (query, null);
    }

    private static string Collapse(string text)
    {
        var b = new StringBuilder(text.Length);
        foreach (var part in text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            b.Append(b.Length > 0 ? " " : "").Append(part);
        }
        return b.ToString();
    }

    /// <summary>The query as the form shows it again, normalised.</summary>
    public override string ToString() => string.Join(' ', Terms.Select(t =>
        (t.Excluded ? "-" : "") + (t.Phrase ? $"\"{t.Text}\"" : t.Text) + (t.Prefix ? "*" : "")));
}
