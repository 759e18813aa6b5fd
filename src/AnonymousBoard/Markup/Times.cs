using System.Globalization;

namespace AnonymousBoard.Markup;

/// <summary>How pages write a time.</summary>
public static class Times
{
    /// <summary>Times are shown in UTC in one fixed format; the reader's time zone is never guessed.</summary>
    public static string Shown(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>The same time for a &lt;time datetime&gt; attribute.</summary>
    public static string Machine(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
