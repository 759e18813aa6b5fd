using System.Text.Json;
using AngleSharp.Html.Parser;
using Microsoft.Playwright;

namespace AnonymousBoard.Tests.Clients;

/// <summary>
/// axe-core (pinned in package.json) finds no serious or critical problem on any kind of page, in
/// the light and the dark colour scheme. The board's pages run no script, so axe runs in a separate
/// context that allows it, on a copy of the page as served, styled by the board's own stylesheet.
/// </summary>
[Collection(ClientSuite.Name)]
[Trait("Category", "Clients")]
public sealed class AccessibilityTests(Chromium chromium, SampleBoard sample)
{
    public static TheoryData<string, string> KindsInBothSchemes()
    {
        var data = new TheoryData<string, string>();
        foreach (var kind in SampleBoard.KindNames)
        {
            data.Add(kind, "light");
            data.Add(kind, "dark");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(KindsInBothSchemes))]
    public async Task Axe_finds_no_serious_or_critical_violation(string kind, string scheme)
    {
        var axe = await File.ReadAllTextAsync(ClientTools.AxeScript);
        await using var context = await chromium.Inspector(sample.Server.BaseAddress, scheme == "dark" ? ColorScheme.Dark : ColorScheme.Light);
        var page = await context.NewPageAsync();
        // The page's own address first, so its stylesheet link resolves exactly as when served.
        await page.GotoAsync("/");
        await page.SetContentAsync(sample[kind].Html, new() { WaitUntil = WaitUntilState.Load });
        await page.AddScriptTagAsync(new() { Content = axe });
        var violations = await page.EvaluateAsync<JsonElement>("""
            async () => {
              const result = await axe.run(document, { resultTypes: ['violations'] });
              return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ') + ': ' + (n.failureSummary || '').replace(/\s+/g, ' ')),
              }));
            }
            """);
        var serious = violations.EnumerateArray()
            .Where(v => v.GetProperty("impact").GetString() is "serious" or "critical")
            .Select(v => $"{v.GetProperty("impact").GetString()} {v.GetProperty("id").GetString()}: {v.GetProperty("help").GetString()}\n    "
                + string.Join("\n    ", v.GetProperty("nodes").EnumerateArray().Select(n => n.GetString())))
            .ToList();
        Assert.True(serious.Count == 0, $"axe on the {kind} page ({scheme}):\n{string.Join('\n', serious)}");
    }

    /// <summary>axe accepts a placeholder or a title as a name; the board promises a real label.</summary>
    [Theory]
    [MemberData(nameof(SampleBoard.Kinds), MemberType = typeof(SampleBoard))]
    public void Every_form_control_has_a_label(string kind)
    {
        var document = new HtmlParser().ParseDocument(sample[kind].Html);
        var unlabelled = document.QuerySelectorAll("input:not([type=hidden]), textarea, select")
            .Where(c => c.Id is not { Length: > 0 } id || document.QuerySelector($"label[for='{id}']") is not { TextContent.Length: > 0 })
            .Select(c => c.OuterHtml)
            .ToList();
        Assert.True(unlabelled.Count == 0, $"The {kind} page has form controls without a label:\n{string.Join('\n', unlabelled)}");
    }
}
