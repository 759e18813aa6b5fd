using System.Text;
using System.Text.RegularExpressions;

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

    /// <summary>
    /// Types <paramref name="text"/>. Beyond ASCII, each character goes in as the UTF-8 bytes a terminal
    /// sends for it (a cmd_script key is one byte, written 0xNN), which lynx puts together again.
    /// </summary>
    public LynxKeys Type(string text)
    {
        Span<byte> bytes = stackalloc byte[4];
        foreach (var rune in text.EnumerateRunes())
        {
            if (rune.IsAscii)
            {
                Key(rune.Value == ' ' ? "<space>" : rune.ToString());
                continue;
            }
            foreach (var b in bytes[..rune.EncodeToUtf8(bytes)])
            {
                Key($"0x{b:x2}");
            }
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
    /// <param name="columns">The terminal's width: lynx cuts its status line ("Getting …") to it.</param>
    public static async Task<ProcessResult> Session(Uri url, LynxKeys keys, int columns = 100) =>
        (await RunSession(url, keys, columns, trace: false)).Session;

    /// <summary>
    /// An interactive session with lynx's trace (-trace): the requests it sent and the responses' headers. An interactive
    /// lynx asks for compressed pages (Accept-Encoding: gzip, compress, bzip2); lynx -dump does not.
    /// </summary>
    public static Task<(ProcessResult Session, string Trace)> TracedSession(Uri url, LynxKeys keys) => RunSession(url, keys, 100, trace: true);

    private static async Task<(ProcessResult Session, string Trace)> RunSession(Uri url, LynxKeys keys, int columns, bool trace)
    {
        var script = Path.Combine(Path.GetTempPath(), $"lynx-keys-{Guid.NewGuid():N}.txt");
        await File.WriteAllTextAsync(script, keys.ToString());
        try
        {
            var traced = "";
            var session = await Run([.. trace ? ["-trace"] : Array.Empty<string>(), "-tna", $"-cmd_script={script}", url.ToString()], columns,
                home => traced = trace ? File.ReadAllText(Path.Combine(home, "Lynx.trace")) : "");
            return (session, traced);
        }
        finally
        {
            File.Delete(script);
        }
    }

    /// <summary>
    /// The addresses an interactive session fetched, in order, from the "Getting …" lines lynx writes
    /// on its status line: what it submitted and which links it followed.
    /// </summary>
    public static IReadOnlyList<string> Fetched(ProcessResult session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return [.. Regex.Matches(session.Output, @"Getting (http[^\s\x1b]+)").Select(m => m.Groups[1].Value)];
    }

    /// <param name="finished">Reads what lynx left in its home directory before it is deleted.</param>
    private static async Task<ProcessResult> Run(string[] args, int columns = 100, Action<string>? finished = null)
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
                ["COLUMNS"] = columns.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["LINES"] = "40",
                ["LANG"] = "C.UTF-8",
            };
            var result = await ClientTools.Run(lynx, ["-noreferer", "-accept_all_cookies", "-display_charset=utf-8", .. args], TimeSpan.FromSeconds(60),
                environment: environment, workingDirectory: home.FullName);
            finished?.Invoke(home.FullName);
            return result;
        }
        finally
        {
            home.Delete(recursive: true);
        }
    }
}
