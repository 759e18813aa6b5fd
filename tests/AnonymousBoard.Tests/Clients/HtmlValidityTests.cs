using System.Text;
using System.Text.Json;

namespace AnonymousBoard.Tests.Clients;

/// <summary>
/// Every kind of page passes the W3C Nu HTML checker (vnu.jar, pinned in package.json) with no
/// errors. Valid markup is what old, text and unusual browsers have in common: they all get it right.
/// </summary>
[Collection(ClientSuite.Name)]
[Trait("Category", "Clients")]
public sealed class HtmlValidityTests(SampleBoard sample)
{
    private static readonly Lock Once = new();
    private static Task<Dictionary<string, List<string>>>? s_check;

    [Theory]
    [MemberData(nameof(SampleBoard.Kinds), MemberType = typeof(SampleBoard))]
    public async Task The_page_passes_the_Nu_HTML_checker(string kind)
    {
        var errors = await CheckAll();
        Assert.True(errors[kind].Count == 0, $"The {kind} page ({sample[kind].Path}) has HTML errors:\n{string.Join('\n', errors[kind])}");
    }

    [Fact]
    public async Task The_stylesheet_passes_the_Nu_CSS_checker()
    {
        var file = Path.Combine(Path.GetTempPath(), $"board-{Guid.NewGuid():N}.css");
        await File.WriteAllBytesAsync(file, AnonymousBoard.Hosting.StyleSheet.Bytes);
        try
        {
            var messages = await Vnu(["--css", file]);
            Assert.True(messages.Count == 0, "board.css has errors:\n" + string.Join('\n', messages.Select(m => m.Text)));
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>
    /// One checker run for every page (the JVM takes longer to start than to check a page); its
    /// outcome, a failure too, is shared by every test instead of running the checker again.
    /// </summary>
    private Task<Dictionary<string, List<string>>> CheckAll()
    {
        lock (Once)
        {
            return s_check ??= CheckPages(sample.Pages.ToList());
        }
    }

    private static async Task<Dictionary<string, List<string>>> CheckPages(List<CapturedPage> pages)
    {
        var folder = Directory.CreateTempSubdirectory("anonboard-vnu-");
        try
        {
            // vnu names each file in its report as a file: URL; the file name alone says which page it is.
            var files = new Dictionary<string, string>();
            foreach (var (page, i) in pages.Select((p, i) => (p, i)))
            {
                var name = $"page{i}.html";
                await File.WriteAllTextAsync(Path.Combine(folder.FullName, name), page.Html, Encoding.UTF8);
                files[name] = page.Kind;
            }
            var errors = pages.ToDictionary(p => p.Kind, _ => new List<string>());
            foreach (var message in await Vnu([.. files.Keys.Select(f => Path.Combine(folder.FullName, f))]))
            {
                var kind = message.Url is { } url && files.TryGetValue(url[(url.LastIndexOf('/') + 1)..], out var k) ? k
                    : throw new InvalidOperationException($"vnu ({message.Url}): {message.Text}");
                errors[kind].Add(message.Text);
            }
            return errors;
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private sealed record VnuMessage(string? Url, string Text);

    private static async Task<List<VnuMessage>> Vnu(string[] args)
    {
        var java = ClientTools.Java;
        var jar = ClientTools.VnuJar;
        var result = await ClientTools.Run(java, ["-jar", jar, "--errors-only", "--format", "json", .. args], TimeSpan.FromMinutes(2));
        // vnu writes its JSON report to standard error and exits 1 when it found errors.
        using var report = JsonDocument.Parse(result.Errors);
        var messages = new List<VnuMessage>();
        foreach (var m in report.RootElement.GetProperty("messages").EnumerateArray())
        {
            var url = m.TryGetProperty("url", out var u) ? u.GetString() : null;
            var line = m.TryGetProperty("lastLine", out var l) ? $"line {l.GetInt32()}: " : "";
            var extract = m.TryGetProperty("extract", out var e) ? $"  [{e.GetString()?.ReplaceLineEndings(" ")}]" : "";
            messages.Add(new VnuMessage(url, $"{m.GetProperty("type").GetString()}: {line}{m.GetProperty("message").GetString()}{extract}"));
        }
        Assert.True(messages.Count > 0 || result.ExitCode == 0, $"vnu exited {result.ExitCode}: {result.Errors}");
        return messages;
    }
}
