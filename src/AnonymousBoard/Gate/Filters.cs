using System.Text;
using System.Text.RegularExpressions;
using AnonymousBoard.Boards;
using AnonymousBoard.Markup;
using AnonymousBoard.Storage;

namespace AnonymousBoard.Gate;

public enum FilterAction
{
    Reject,
    Replace,
    Hold,
}

/// <summary>A word or regular-expression filter on one board (or every board when BoardId is null).</summary>
public sealed record FilterRule(long Id, long? BoardId, string? BoardSlug, string Pattern, bool IsRegex, FilterAction Action, string Replacement)
{
    public string Scope => BoardSlug is { } slug ? $"/{slug}/" : "all boards";
}

/// <summary>What the filters make of a post: pass as is, pass changed, hold for review, or refuse.</summary>
public abstract record FilterVerdict
{
    private FilterVerdict() { }
    public sealed record Pass(string Name, string Subject, string Body, bool Held) : FilterVerdict;
    public sealed record Rejected(string Message) : FilterVerdict;
}

/// <summary>
/// Filters match after the text is brought to one form: Unicode compatibility normalisation (so
/// fullwidth and styled letters match plain ones) and zero-width characters removed, so nobody gets
/// past a word filter by writing "ｓｐａｍ" or "sp\u200Bam".
/// </summary>
public sealed class Filters(IStorage storage, IFilterRuleStore store)
{
    public static string Normalise(string text) =>
        HtmlText.RemoveInvisible(text.Normalize(NormalizationForm.FormKC)).Replace("\u00AD", "", StringComparison.Ordinal);

    public FilterVerdict Apply(Board board, string name, string subject, string body)
    {
        ArgumentNullException.ThrowIfNull(board);
        List<FilterRule> rules;
        using (var work = storage.Read())
        {
            rules = store.List(work).Where(f => f.BoardId is null || f.BoardId == board.Id).ToList();
        }
        return Apply(rules, name, subject, body);
    }

    public static FilterVerdict Apply(IReadOnlyList<FilterRule> rules, string name, string subject, string body)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var held = false;
        foreach (var rule in rules)
        {
            var regex = ToRegex(rule);
            if (regex is null)
            {
                continue;
            }
            var fields = new[] { name, subject, body };
            var matched = false;
            for (var i = 0; i < fields.Length; i++)
            {
                var normal = Normalise(fields[i]);
                bool isMatch;
                try
                {
                    isMatch = regex.IsMatch(normal);
                }
                catch (RegexMatchTimeoutException)
                {
                    // Undecided is not innocent: text that makes a filter run out of time waits for a person.
                    held = true;
                    continue;
                }
                if (!isMatch)
                {
                    continue;
                }
                matched = true;
                if (rule.Action == FilterAction.Replace)
                {
                    // The replaced text is the normalised one: the match was found there.
                    try
                    {
                        fields[i] = regex.Replace(normal, rule.Replacement.Replace("$", "$$", StringComparison.Ordinal));
                    }
                    catch (RegexMatchTimeoutException)
                    {
                        // Left as typed: a slow replacement must not stop the board.
                    }
                }
            }
            (name, subject, body) = (fields[0], fields[1], fields[2]);
            if (!matched)
            {
                continue;
            }
            if (rule.Action == FilterAction.Reject)
            {
                return new FilterVerdict.Rejected("Your post contains something this board does not accept (a filtered word or phrase).");
            }
            held |= rule.Action == FilterAction.Hold;
        }
        return new FilterVerdict.Pass(name, subject, body, held);
    }

    private static Regex? ToRegex(FilterRule rule) =>
        TextPattern.Get(rule.IsRegex ? rule.Pattern : $@"(?<![\w]){Regex.Escape(Normalise(rule.Pattern))}(?![\w])");

    public static string Name(FilterAction action) => action switch
    {
        FilterAction.Reject => "reject",
        FilterAction.Replace => "replace",
        _ => "hold",
    };

    public static FilterAction? Parse(string? name) => name switch
    {
        "reject" => FilterAction.Reject,
        "replace" => FilterAction.Replace,
        "hold" => FilterAction.Hold,
        _ => null,
    };
}
