using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace AnonymousBoard.Benchmarks.Flood;

/// <summary>What a form page says: its ticket, the work it asks for, when it opens, and what was refused.</summary>
public sealed partial record FormPage(string Html, string? Ticket, int Bits, string? Resource, DateTimeOffset? OpensAt, string? Error, DateTimeOffset? RetryAt, string? Command)
{
    public static FormPage Read(string html)
    {
        var ticket = TicketField().Match(html) is { Success: true } t ? WebUtility.HtmlDecode(t.Groups[1].Value) : null;
        var stamp = StampCommand().Match(html);
        var opens = Opens().Match(html) is { Success: true } o ? Time(o.Groups[1].Value) : (DateTimeOffset?)null;
        var error = Alert().Match(html) is { Success: true } a ? WebUtility.HtmlDecode(Tags().Replace(a.Groups[1].Value + a.Groups[2].Value, " ")).Trim() : null;
        var retry = error is not null && SendFrom().Match(error) is { Success: true } r ? Time(r.Groups[1].Value) : (DateTimeOffset?)null;
        return new FormPage(html, ticket, stamp.Success ? int.Parse(stamp.Groups[1].Value, CultureInfo.InvariantCulture) : 0,
            stamp.Success ? stamp.Groups[2].Value : null, opens, error, retry, stamp.Success ? WebUtility.HtmlDecode(stamp.Value) : null);
    }

    /// <summary>The text of a textarea as the page gives it back.</summary>
    public string? TextArea(string name) =>
        Regex.Match(Html, $"<textarea[^>]* name=\"{name}\"[^>]*>(.*?)</textarea>", RegexOptions.Singleline) is { Success: true } m
            ? WebUtility.HtmlDecode(m.Groups[1].Value) : null;

    /// <summary>The posting level the page's header shows.</summary>
    public string? Level => LevelText().Match(Html) is { Success: true } m ? m.Groups[1].Value : null;

    /// <summary>When the page says this form can go: the later of the time lock and the refusal's retry time.</summary>
    public DateTimeOffset? WaitUntil => RetryAt is { } r && (OpensAt is not { } o || r > o) ? r : OpensAt;

    private static DateTimeOffset Time(string text) =>
        DateTimeOffset.ParseExact(text, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    [GeneratedRegex("name=\"ticket\" value=\"([^\"]+)\"")]
    private static partial Regex TicketField();

    [GeneratedRegex(@"hashcash -m -b (\d+) ([0-9a-f]+)")]
    private static partial Regex StampCommand();

    [GeneratedRegex(@"<p class=""hint"">You can \w+ from (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC")]
    private static partial Regex Opens();

    [GeneratedRegex(@"You can send it from (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC")]
    private static partial Regex SendFrom();

    [GeneratedRegex(@"<div class=""errors"" role=""alert"">(.*?)</div>|<p class=""errors"" role=""alert"">(.*?)</p>", RegexOptions.Singleline)]
    private static partial Regex Alert();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tags();

    [GeneratedRegex(@"Posting level: <strong>(\w+)</strong>")]
    private static partial Regex LevelText();
}

/// <summary>Why a form was sent back, from the words of the page (the drill reads what a person reads).</summary>
public static class Refusal
{
    public static string Classify(HttpStatusCode status, string? error)
    {
        var e = error ?? "";
        if (status == HttpStatusCode.Accepted)
        {
            return "queued";
        }
        if (e.Contains("Too many requests from this tor circuit", StringComparison.Ordinal))
        {
            return "request budget";
        }
        return e switch
        {
            _ when e.Contains("posted recently", StringComparison.Ordinal) => "circuit budget",
            _ when e.Contains("already has a post waiting", StringComparison.Ordinal) => "circuit in queue",
            _ when e.Contains("queue is full", StringComparison.Ordinal) => "queue full",
            _ when e.Contains("too early", StringComparison.OrdinalIgnoreCase) => "time lock",
            _ when e.Contains("queued: its turn", StringComparison.Ordinal) => "time lock (queued)",
            _ when e.Contains("hashcash", StringComparison.Ordinal) || e.Contains("stamp", StringComparison.Ordinal) => "work missing",
            _ when e.Contains("different tor circuit", StringComparison.Ordinal) => "wrong circuit",
            _ when e.Contains("already sent", StringComparison.Ordinal) => "replayed",
            _ when e.Contains("ticket", StringComparison.Ordinal) => "ticket",
            _ => string.Create(CultureInfo.InvariantCulture, $"HTTP {(int)status} \"{(e.Length > 50 ? e[..50] : e)}\""),
        };
    }
}
