using System.Globalization;

namespace AnonymousBoard.Moderation;

/// <summary>The quote rewriting of a thread move, as a plain method.</summary>
public static class ThreadMove
{
    private static readonly System.Text.RegularExpressions.Regex Quote =
        new(@"(?<![>\p{L}\p{N}])>>(\d{1,15})(?!\d)", System.Text.RegularExpressions.RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    /// <summary>
    /// "&gt;&gt;12" becomes "&gt;&gt;N" when 12 moves with the thread (N its new number), and
    /// "&gt;&gt;&gt;/from/12" when it stays behind on the old board.
    /// </summary>
    public static string RewriteQuotes(string body, string fromSlug, IReadOnlyDictionary<long, long> renumber) =>
        Quote.Replace(body, m =>
        {
            var no = long.Parse(m.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture);
            return renumber.TryGetValue(no, out var moved)
                ? ">>" + moved.ToString(CultureInfo.InvariantCulture)
                : $">>>/{fromSlug}/{no.ToString(CultureInfo.InvariantCulture)}";
        });
}
