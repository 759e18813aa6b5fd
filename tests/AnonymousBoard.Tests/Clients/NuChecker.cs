using System.Text;
using System.Text.Json;

namespace AnonymousBoard.Tests.Clients;

/// <summary>One message of the Nu HTML checker: the file it is about, and what it says.</summary>
public sealed record NuMessage(string? Url, string Text);

/// <summary>The W3C Nu HTML checker (vnu.jar, pinned in package.json), run once over many pages: the JVM takes longer to start than to check a page.</summary>
public static class NuChecker
{
    /// <summary>The errors in each page, by the key it was given under.</summary>
    public static async Task<Dictionary<TKey, List<string>>> CheckPages<TKey>(IEnumerable<(TKey Key, string Html)> pages)
        where TKey : notnull
    {
        var folder = Directory.CreateTempSubdirectory("anonboard-vnu-");
        try
        {
            var files = new Dictionary<string, TKey>();
            var errors = new Dictionary<TKey, List<string>>();
            var i = 0;
            foreach (var (key, html) in pages)
            {
                var file = Path.Combine(folder.FullName, $"page{i++}.html");
                await File.WriteAllTextAsync(file, html, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
                files[file] = key;
                errors[key] = [];
            }
            if (files.Count == 0)
            {
                return errors;
            }
            foreach (var message in await Run([.. files.Keys]))
            {
                var file = files.Keys.FirstOrDefault(f => message.Url?.EndsWith("/" + Path.GetFileName(f), StringComparison.Ordinal) == true)
                    ?? throw new InvalidOperationException($"vnu: {message.Url}: {message.Text}");
                var key = files[file];
                errors[key].Add(message.Text);
            }
            return errors;
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>Runs the checker with <paramref name="args"/> (files, or --css and files); errors only.</summary>
    public static async Task<List<NuMessage>> Run(string[] args)
    {
        var java = ClientTools.Java;
        var jar = ClientTools.VnuJar;
        var result = await ClientTools.Run(java, ["-jar", jar, "--errors-only", "--format", "json", .. args], TimeSpan.FromMinutes(2));
        // vnu writes its JSON report to standard error and exits 1 when it found errors.
        using var report = JsonDocument.Parse(result.Errors);
        var messages = new List<NuMessage>();
        foreach (var m in report.RootElement.GetProperty("messages").EnumerateArray())
        {
            var url = m.TryGetProperty("url", out var u) ? u.GetString() : null;
            var line = m.TryGetProperty("lastLine", out var l) ? $"line {l.GetInt32()}: " : "";
            var extract = m.TryGetProperty("extract", out var e) ? $"  [{e.GetString()?.ReplaceLineEndings(" ")}]" : "";
            messages.Add(new NuMessage(url, $"{m.GetProperty("type").GetString()}: {line}{m.GetProperty("message").GetString()}{extract}"));
        }
        Assert.True(messages.Count > 0 || result.ExitCode == 0, $"vnu exited {result.ExitCode}: {result.Errors}");
        return messages;
    }
}
