using System.Text;

namespace AnonymousBoard.Tests.Clients;

/// <summary>
/// The keystrokes of a lynx session, written as a person would press them, for
/// <c>lynx -cmd_script</c>. Lynx runs with <c>-tna</c> (text fields need activation: Enter starts
/// and ends typing in a field), so that "/" always searches the page instead of typing a slash.
/// </summary>
public sealed class LynxKeys
{
    private readonly StringBuilder _script = new();

    /// <summary>"/" search: moves to the first link or field at or after the text found.</summary>
    public LynxKeys Find(string text) => Key("/").Type(text).Enter();

    /// <summary>Follows the current link, presses the current button, or starts/ends typing in a field.</summary>
    public LynxKeys Enter() => Key("^J");

    public LynxKeys Down() => Key("Down Arrow");

    /// <summary>Leaves a text area for the next field after it.</summary>
    public LynxKeys Tab() => Key("<tab>");

    public LynxKeys Type(string text)
    {
        foreach (var c in text)
        {
            Key(c == ' ' ? "<space>" : c.ToString());
        }
        return this;
    }

    /// <summary>Asks lynx to quit and says yes.</summary>
    public LynxKeys Quit() => Key("q").Key("y");

    private LynxKeys Key(string key)
    {
        _script.Append("key ").Append(key).Append('\n');
        return this;
    }

    public override string ToString() => _script.ToString();
}

/// <summary>Runs lynx as the tests need it: no user configuration, a plain terminal, a time limit.</summary>
public static class Lynx
{
    /// <summary>What lynx shows of a page, as text with its numbered link list (lynx -dump).</summary>
    public static async Task<string> Dump(Uri url)
    {
        var result = await Run(["-dump", "-width=100", url.ToString()]);
        Assert.True(result.ExitCode == 0, $"lynx -dump {url} exited {result.ExitCode}: {result.Errors}");
        return result.Output;
    }

    /// <summary>An interactive session that starts at <paramref name="url"/> and presses <paramref name="keys"/>.</summary>
    public static async Task<ProcessResult> Session(Uri url, LynxKeys keys)
    {
        var script = Path.Combine(Path.GetTempPath(), $"lynx-keys-{Guid.NewGuid():N}.txt");
        await File.WriteAllTextAsync(script, keys.ToString());
        try
        {
            return await Run(["-tna", $"-cmd_script={script}", url.ToString()]);
        }
        finally
        {
            File.Delete(script);
        }
    }

    private static async Task<ProcessResult> Run(string[] args)
    {
        var lynx = ClientTools.Lynx;
        var home = Directory.CreateTempSubdirectory("anonboard-lynx-");
        try
        {
            // An empty home and no lynx.cfg overrides: the session sees lynx's defaults, not this machine's.
            var environment = new Dictionary<string, string>
            {
                ["HOME"] = home.FullName,
                ["TERM"] = "vt100",
                ["COLUMNS"] = "100",
                ["LINES"] = "40",
                ["LANG"] = "C.UTF-8",
            };
            return await ClientTools.Run(lynx, ["-noreferer", "-accept_all_cookies", "-display_charset=utf-8", .. args], TimeSpan.FromSeconds(60),
                environment: environment, workingDirectory: home.FullName);
        }
        finally
        {
            home.Delete(recursive: true);
        }
    }
}
