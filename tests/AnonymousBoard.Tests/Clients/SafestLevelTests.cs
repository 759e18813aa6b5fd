using System.Text.RegularExpressions;
using AngleSharp.Html.Parser;
using AnonymousBoard.Site;
using AnonymousBoard.Hosting;
using AnonymousBoard.Reading;

namespace AnonymousBoard.Tests.Clients;

/// <summary>
/// Nothing on any page needs what Tor Browser's Safest level turns off: JavaScript, SVG, remote or
/// embedded fonts, audio and video. Nor does anything load from another address: every src, every
/// stylesheet and every CSS url() is the board's own.
/// </summary>
[Collection(ClientSuite.Name)]
[Trait("Category", "Clients")]
public sealed partial class SafestLevelTests(SampleBoard sample)
{
    private static readonly HtmlParser Parser = new();

    [Theory]
    [MemberData(nameof(SampleBoard.Kinds), MemberType = typeof(SampleBoard))]
    public void The_page_needs_nothing_the_Safest_level_blocks(string kind)
    {
        var page = sample[kind];
        var document = Parser.ParseDocument(page.Html);
        var problems = new List<string>();
        foreach (var element in document.QuerySelectorAll("script, noscript, svg, math, audio, video, source, track, object, embed, iframe, frame, canvas, applet"))
        {
            problems.Add($"<{element.LocalName}> element");
        }
        foreach (var element in document.All)
        {
            foreach (var attribute in element.Attributes)
            {
                if (attribute.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase))
                {
                    problems.Add($"<{element.LocalName} {attribute.Name}>: an event handler");
                }
                if (attribute.Name is "style")
                {
                    problems.Add($"<{element.LocalName} style>: inline style");
                }
                if (attribute.Value.TrimStart().StartsWith("javascript:", StringComparison.OrdinalIgnoreCase))
                {
                    problems.Add($"<{element.LocalName} {attribute.Name}>: a javascript: URL");
                }
            }
        }
        foreach (var element in document.QuerySelectorAll("[src], [srcset], [poster], [data], link[href]"))
        {
            foreach (var name in new[] { "src", "srcset", "poster", "data", "href" })
            {
                if (element.GetAttribute(name) is { } url && !IsOwn(url))
                {
                    problems.Add($"<{element.LocalName} {name}=\"{url}\">: loads from outside the board");
                }
                if (element.GetAttribute(name) is { } svg && svg.Contains(".svg", StringComparison.OrdinalIgnoreCase))
                {
                    problems.Add($"<{element.LocalName} {name}=\"{svg}\">: SVG");
                }
            }
        }
        foreach (var link in document.QuerySelectorAll("link"))
        {
            if (link.GetAttribute("rel") is { } rel && rel.Split(' ').Any(r => r is "preload" or "prefetch" or "preconnect" or "dns-prefetch" or "modulepreload" or "icon"))
            {
                problems.Add($"<link rel=\"{rel}\">: fetches something the page does not show");
            }
        }
        foreach (var style in document.QuerySelectorAll("style"))
        {
            problems.AddRange(CssProblems(style.TextContent).Select(p => $"<style>: {p}"));
        }
        Assert.True(problems.Count == 0, $"The {kind} page ({page.Path}) needs what Tor Browser's Safest level blocks:\n{string.Join('\n', problems)}");
    }

    [Fact]
    public void The_stylesheet_needs_nothing_the_Safest_level_blocks()
    {
        var css = System.Text.Encoding.UTF8.GetString(StyleSheet.Bytes);
        var problems = CssProblems(css);
        Assert.True(problems.Count == 0, "board.css:\n" + string.Join('\n', problems));
        Assert.True(StyleSheet.Bytes.Length < 8 * 1024, $"board.css is {StyleSheet.Bytes.Length} bytes; the budget is 8 KB.");
    }

    [Fact]
    public void Every_page_links_the_stylesheet_the_board_serves_and_nothing_else()
    {
        foreach (var page in sample.Pages)
        {
            var sheets = Parser.ParseDocument(page.Html).QuerySelectorAll("link[rel~=stylesheet]").Select(l => l.GetAttribute("href")).ToList();
            Assert.True(sheets.SequenceEqual([StyleSheet.Url]), $"{page.Kind}: stylesheets {string.Join(", ", sheets)}");
        }
    }

    /// <summary>What in a stylesheet the Safest level would block or that reaches outside the board.</summary>
    private static List<string> CssProblems(string css)
    {
        var problems = new List<string>();
        if (css.Contains("@font-face", StringComparison.OrdinalIgnoreCase))
        {
            problems.Add("@font-face (Safest blocks downloadable fonts)");
        }
        if (css.Contains("svg", StringComparison.OrdinalIgnoreCase))
        {
            problems.Add("mentions SVG (Safest blocks SVG)");
        }
        foreach (Match m in CssUrl().Matches(css))
        {
            var url = m.Groups["url"].Value.Trim().Trim('"', '\'');
            if (!IsOwn(url) || url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"url({url}) loads from outside the board");
            }
        }
        foreach (Match m in CssImport().Matches(css))
        {
            problems.Add($"@import {m.Groups["what"].Value}");
        }
        return problems;
    }

    /// <summary>A path on the board itself: starts with one slash, names no scheme or host.</summary>
    private static bool IsOwn(string url)
    {
        var u = url.Trim();
        return u.StartsWith('/') && !u.StartsWith("//", StringComparison.Ordinal) && !u.Contains('\\', StringComparison.Ordinal);
    }

    [GeneratedRegex(@"url\(\s*(?<url>[^)]*)\)", RegexOptions.IgnoreCase)]
    private static partial Regex CssUrl();

    [GeneratedRegex(@"@import\s+(?<what>[^;]*)", RegexOptions.IgnoreCase)]
    private static partial Regex CssImport();
}
