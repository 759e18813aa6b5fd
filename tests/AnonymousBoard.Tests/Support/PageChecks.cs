using System.Net;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace AnonymousBoard.Tests.Support;

/// <summary>
/// The product's constraints on any response, as a list of what is wrong with it (empty: nothing).
/// <see cref="Board.PageSafetyTests"/> holds every kind of page to them; the hostile-input tests hold
/// every page a fuzzed request brought back.
/// </summary>
public static partial class PageChecks
{
    private static readonly HtmlParser Parser = new();

    /// <summary>Every check below that applies to the response.</summary>
    public static List<string> Problems(HttpResponseMessage response, string body, params string[] privatePaths)
    {
        var problems = new List<string>();
        problems.AddRange(HeaderProblems(response));
        if (response.Headers.Location is { } location && (location.IsAbsoluteUri || location.OriginalString.StartsWith("//", StringComparison.Ordinal)))
        {
            problems.Add($"the redirect names a host: {location}");
        }
        if (response.Content.Headers.ContentType?.MediaType == "text/html")
        {
            var document = Parser.ParseDocument(body);
            problems.AddRange(ScriptAndStyleProblems(body, document));
            problems.AddRange(LinkProblems(document));
        }
        if ((int)response.StatusCode >= 400)
        {
            problems.AddRange(LeakProblems(body, privatePaths));
        }
        return problems;
    }

    /// <summary>Names no server software, sets no cookie for a reader, and carries the policy headers.</summary>
    public static IEnumerable<string> HeaderProblems(HttpResponseMessage response)
    {
        var all = response.Headers.Concat(response.Content.Headers).ToList();
        var csp = string.Join(",", all.Where(h => h.Key == "Content-Security-Policy").SelectMany(h => h.Value));
        foreach (var directive in new[] { "default-src 'none'", "script-src 'none'", "style-src 'self'", "img-src 'self'",
                     "form-action 'self'", "frame-ancestors 'none'", "base-uri 'none'" })
        {
            if (!csp.Contains(directive, StringComparison.Ordinal))
            {
                yield return $"the Content-Security-Policy lacks {directive}";
            }
        }
        if (Header(response, "Referrer-Policy") != "no-referrer")
        {
            yield return "no Referrer-Policy: no-referrer";
        }
        if (Header(response, "X-Content-Type-Options") != "nosniff")
        {
            yield return "no X-Content-Type-Options: nosniff";
        }
        foreach (var (name, _) in all)
        {
            if (name.Equals("Server", StringComparison.OrdinalIgnoreCase) || name.Equals("X-Powered-By", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("X-AspNet", StringComparison.OrdinalIgnoreCase) || name.Equals("X-SourceFiles", StringComparison.OrdinalIgnoreCase))
            {
                yield return $"a {name} header";
            }
        }
        if (response.Headers.Contains("Set-Cookie"))
        {
            yield return "a reader got a cookie";
        }
    }

    private static readonly HashSet<string> UrlAttributes = ["href", "src", "action", "formaction", "data", "poster", "srcset", "cite", "background"];

    /// <summary>No script in any form and no inline style: the page works and looks the same at the Safest level.</summary>
    public static IEnumerable<string> ScriptAndStyleProblems(string body, IDocument document)
    {
        if (body.Contains("<script", StringComparison.OrdinalIgnoreCase))
        {
            yield return "a <script";
        }
        foreach (var element in document.All)
        {
            foreach (var attribute in element.Attributes)
            {
                if (attribute.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase))
                {
                    yield return $"{element.LocalName} has {attribute.Name}";
                }
                if (attribute.Name.Equals("style", StringComparison.OrdinalIgnoreCase))
                {
                    yield return $"{element.LocalName} has an inline style";
                }
                // Browsers skip whitespace and control characters in a URL's scheme.
                var url = new string(attribute.Value.Where(c => c > ' ').ToArray());
                if (UrlAttributes.Contains(attribute.Name) && (url.StartsWith("javascript:", StringComparison.OrdinalIgnoreCase) || url.StartsWith("vbscript:", StringComparison.OrdinalIgnoreCase)))
                {
                    yield return $"{element.LocalName} {attribute.Name} is a script URL";
                }
            }
        }
        foreach (var element in document.QuerySelectorAll("script, style, iframe, object, embed, svg, math, img[src^=http], link[href^=http], base, meta[http-equiv=refresh]"))
        {
            yield return $"a <{element.LocalName}> element";
        }
    }

    /// <summary>
    /// The board's own links are paths on the board (so never javascript: or another host); links
    /// people put in posts are http(s) and carry rel=noreferrer.
    /// </summary>
    public static IEnumerable<string> LinkProblems(IDocument document)
    {
        foreach (var element in document.QuerySelectorAll("[href], [src], [action], [srcset], [formaction], [poster]"))
        {
            foreach (var name in new[] { "href", "src", "action", "srcset", "formaction", "poster" })
            {
                if (element.GetAttribute(name) is not { } url)
                {
                    continue;
                }
                if (name == "href" && element.LocalName == "a" && element.Closest(".body") is not null && !url.StartsWith('/'))
                {
                    // A link someone put in a post: to the web, never a script, never with a referrer.
                    if (!url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) && !url.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
                    {
                        yield return $"a link in a post that is not http(s): {url}";
                    }
                    if (!(element.GetAttribute("rel") ?? "").Contains("noreferrer", StringComparison.Ordinal))
                    {
                        yield return $"a link in a post without rel=noreferrer: {url}";
                    }
                    continue;
                }
                if (!url.StartsWith('/') || url.StartsWith("//", StringComparison.Ordinal) || url.StartsWith("/\\", StringComparison.Ordinal))
                {
                    yield return $"{element.LocalName} {name}=\"{url}\" is not a path on this board";
                }
            }
        }
    }

    /// <summary>An error page shows no stack trace, no exception, no file path and not the machine's name.</summary>
    public static IEnumerable<string> LeakProblems(string body, params string[] privatePaths)
    {
        if (StackFrame().IsMatch(body))
        {
            yield return "a stack trace";
        }
        if (body.Contains("Exception", StringComparison.Ordinal))
        {
            yield return "the word Exception";
        }
        foreach (var path in privatePaths.Append(AppContext.BaseDirectory).Append(Clients.ClientTools.RepoRoot))
        {
            if (path.Length > 1 && body.Contains(path.TrimEnd('/'), StringComparison.Ordinal))
            {
                yield return $"the path {path}";
            }
        }
        if (SourcePath().IsMatch(body))
        {
            yield return "a source file path";
        }
        // As a word of the page's text: a short name ("vm") is part of many a tag or word.
        if (body.Contains(Environment.MachineName, StringComparison.OrdinalIgnoreCase)
            && Regex.IsMatch(Parser.ParseDocument(body).Body?.TextContent ?? body, $@"\b{Regex.Escape(Environment.MachineName)}\b",
                RegexOptions.IgnoreCase, TimeSpan.FromSeconds(1)))
        {
            yield return "the machine's name";
        }
    }

    [GeneratedRegex(@"\bat [\w.`<>\[\]]+\(.*\)( in |$)", RegexOptions.Multiline)]
    private static partial Regex StackFrame();

    // What a .NET failure message carries: source lines, the runtime's and packages' folders, and
    // absolute paths under the usual roots of a server (the board's data is under /var, /srv or /tmp).
    [GeneratedRegex(@"\.cs(html)?:line \d+|/usr/(share|lib)/dotnet/|/\.nuget/packages/|/(home|root|srv|var|opt|tmp|work)/[\w.-]+/")]
    private static partial Regex SourcePath();

    public static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values) ? string.Join(",", values) : null;

    /// <summary>A page a person can read: an h1 and a sentence that says what happened.</summary>
    public static string? UnclearMessage(HttpStatusCode status, string contentType, string body)
    {
        if ((int)status < 400)
        {
            return null;
        }
        if (contentType != "text/html")
        {
            return $"a {(int)status} answered with {contentType}, not a page";
        }
        var document = Parser.ParseDocument(body);
        var main = document.QuerySelector("main");
        if (document.QuerySelector("h1") is null || main is null || main.TextContent.Trim().Length < 40)
        {
            return $"a {(int)status} page with no heading or no explanation";
        }
        return null;
    }
}
