using System.Globalization;
using System.Text.RegularExpressions;
using AnonymousBoard.Tests.Clients;
using AnonymousBoard.Tests.Support;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace AnonymousBoard.Tests.Hostile;

/// <summary>
/// Nothing but parameters reaches SQL. The classic injections go into every public field and every
/// route parameter of the real server; afterwards the schema is the same, no row appeared that the
/// board did not accept, and every accepted payload is stored as the text it was. A scan of the
/// source for SQL built from strings guards the same thing from the other side.
/// </summary>
public sealed partial class SqlInjectionTests(ITestOutputHelper output) : IAsyncLifetime
{
    // A few Argon2id runs (passphrases, sign-in checks) are real; the rest meet the board's limits.
    private readonly BoardServer _server = NaughtyInputs.Server("--Board:KeyDerivationsPerMinute=2", "--Board:Moderation:SignInFailuresGlobal=3");
    private long _thread;

    public async Task InitializeAsync()
    {
        await _server.InitializeAsync();
        Moderation.StaffKit.AddStaff(_server, "admin", "admin");
        _thread = await Moderation.StaffKit.Post(_server, "b", "the thread the injections reply to");
    }

    public Task DisposeAsync() => _server.DisposeAsync();

    private string DatabasePath => Path.Combine(_server.DataDirectory, "board.db");

    private static List<T> Read<T>(SqliteCommand command, Func<SqliteDataReader, T> row)
    {
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
        {
            rows.Add(row(reader));
        }
        return rows;
    }

    private List<T> Query<T>(string sql, Func<SqliteDataReader, T> row, params (string Name, object Value)[] parameters)
    {
        using var connection = new SqliteConnection($"Data Source={DatabasePath};Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        return Read(command, row);
    }

    private List<string> Schema() => Query("SELECT type || ' ' || name || ': ' || coalesce(sql, '') FROM sqlite_schema ORDER BY type, name", r => r.GetString(0));

    private Dictionary<string, long> RowCounts() =>
        Query("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name", r => r.GetString(0))
            // Table names come from sqlite_schema itself, quoted as identifiers.
            .ToDictionary(t => t, t => Query($"SELECT count(*) FROM \"{t.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", r => r.GetInt64(0))[0]);

    [Fact]
    public async Task The_classic_injections_in_every_field_and_parameter_change_nothing_but_what_was_posted()
    {
        var schema = Schema();
        var before = RowCounts();
        var log = new FuzzLog(_server.DataDirectory);
        var payloads = NaughtyInputs.SqlInjections.Select((s, i) => Naughty.Of($"SQL injection #{i} {s}", s)).ToList();
        var thread = _thread.ToString(CultureInfo.InvariantCulture);

        // Signed in first: the injections at the sign-in form soon meet its failure limit.
        var staff = await Moderation.StaffKit.SignIn(_server, "admin");
        var reader = new FormFuzzer(_server.BaseAddress, log);
        var reply = new FormTarget("/b/", "/b/post", _ => new Dictionary<string, string> { ["body"] = "injection", ["thread"] = thread });
        await reader.Fuzz(reply, ["body", "name", "subject", "password", "thread", "ticket", "stamp", "signature", "passphrase", "sage", "spoiler"], payloads);
        await reader.Fuzz(reply with { UrlEncoded = true }, ["body", "thread"], payloads);
        await reader.Fuzz(new FormTarget($"/b/thread/{thread}", "/b/delete", _ => new Dictionary<string, string> { ["no"] = thread, ["password"] = "x" }), ["no", "password"], payloads);
        await reader.Fuzz(new FormTarget($"/b/report/{thread}", $"/b/report/{thread}", _ => new Dictionary<string, string> { ["category"] = "spam" }), ["category", "detail"], payloads);
        await reader.Fuzz(new FormTarget("/appeal", "/appeal", _ => new Dictionary<string, string> { ["ban"] = "1", ["text"] = "x" }), ["ban", "text"], payloads);
        await new FormFuzzer(_server.BaseAddress, log, new System.Net.CookieContainer()).Fuzz(
            new FormTarget("/mod/login", "/mod/login", _ => new Dictionary<string, string> { ["name"] = "admin", ["password"] = "wrong" }), ["name", "password"], payloads);

        // Every route parameter and query parameter, as a reader and as staff.
        foreach (var payload in NaughtyInputs.SqlInjections)
        {
            var p = Uri.EscapeDataString(payload);
            foreach (var path in RouteFuzzTests.Routes(thread).Select(r => r.Replace("{}", p, StringComparison.Ordinal)))
            {
                var client = path.StartsWith("/mod", StringComparison.Ordinal) ? staff.Client : _server.Client();
                using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
                log.Check($"GET {path}", response, await response.Content.ReadAsStringAsync());
            }
        }

        Assert.Equal(schema, Schema());
        Assert.Equal("ok", DatabaseCheck.Integrity(_server));
        var after = RowCounts();
        var posts = reader.Accepted.Where(a => a.Form.Action == "/b/post").ToList();
        var postNos = posts.Select(a => long.Parse(a.Location.Split("#p")[1], CultureInfo.InvariantCulture)).Distinct().Count();
        Assert.True(posts.Count > 0, "no injection was accepted as a post: the test is not reaching the store");
        Assert.Equal(before["posts"] + postNos, after["posts"]);
        Assert.Equal(before["reports"] + reader.Accepted.Count(a => a.Form.Action.Contains("/report/", StringComparison.Ordinal)), after["reports"]);
        foreach (var table in new[] { "boards", "staff", "bans", "ban_appeals", "filters", "file_bans", "staff_boards" })
        {
            Assert.True(before[table] == after[table], $"{table}: {before[table]} rows before, {after[table]} after");
        }
        // An accepted payload is stored as the text it was.
        foreach (var (_, field, value, location) in posts.Where(a => a.Field is "body" or "subject" or "name"))
        {
            var no = long.Parse(location.Split("#p")[1], CultureInfo.InvariantCulture);
            var stored = Query("SELECT body, subject, name FROM posts p JOIN boards b ON b.id = p.board_id WHERE b.slug = 'b' AND p.no = $no",
                r => (Body: r.GetString(0), Subject: r.GetString(1), Name: r.GetString(2)), ("$no", no)).Single();
            var expected = value.Text.Trim();
            var actual = field switch { "body" => stored.Body, "subject" => stored.Subject, _ => stored.Name };
            if (field == "name" && expected.Contains('#', StringComparison.Ordinal))
            {
                continue; // the part after # is a tripcode key, never stored
            }
            Assert.True(expected == actual, $"{field} {value.What} was stored as {actual}");
        }
        output.WriteLine(log.Summary("SQL injection", 0) + $"; {posts.Count} posts accepted with a payload, {postNos} new rows");
        log.AssertClean("SQL injection", 0);
    }

    [GeneratedRegex(@"\b(SELECT|INSERT|UPDATE|DELETE|PRAGMA|CREATE|DROP|ALTER|ATTACH|WHERE|VALUES)\b")]
    private static partial Regex SqlWord();

    /// <summary>
    /// The holes in SQL text that are not a const string of the same file, each with why it is safe.
    /// A new one fails the test until someone has looked at it and added it here.
    /// </summary>
    private static readonly Dictionary<string, string> ReviewedHoles = new()
    {
        ["SqliteDatabase.cs {version}"] = "PRAGMA takes no parameters; an integer parsed from an embedded resource name",
        ["SqliteDatabase.cs {ApplicationId}"] = "PRAGMA takes no parameters; a const int written beside it",
        ["SqlPostActionStore.cs {column}"] = "one of the column names written in a switch beside it",
        ["SqlPosterIdentityStore.cs {column}"] = "one of the column names written in a switch beside it",
        ["MigrateCommand.cs {TableCopy.Quote(table.Name)}"] = "a table name read from the two schemas' own catalogs, quoted as an identifier",
        ["MigrateCommand.cs {TableCopy.Quote(table)}"] = "a table name read from PostgreSQL's own catalog, quoted as an identifier",
        ["TableCopy.cs {Quote(table.Name)}"] = "a table name read from the two schemas' own catalogs, quoted as an identifier",
        ["TableCopy.cs {Quote(table)}"] = "a table name read from the two schemas' own catalogs, quoted as an identifier",
        ["TableCopy.cs {Quote(column)}"] = "a column name read from the two schemas' own catalogs, quoted as an identifier",
        ["TableCopy.cs {columns}"] = "the column names of both schemas' catalogs, each quoted as an identifier",
        ["TableCopy.cs {order}"] = "ORDER BY the key's column names from the catalog, each quoted as an identifier",
        ["PostgresDatabase.cs {WriteLockKey}"] = "the advisory lock's number, a constant of the class",
        ["PostgresDatabase.cs {version}"] = "a migration's number, parsed as an integer from an embedded resource's name",
        ["PostgresStorage.cs {PostgresDatabase.WriteLockKey}"] = "the advisory lock's number, a constant",
        ["PostgresSearchStore.cs {string.Concat(clauses)}"] = "one fixed ILIKE clause per search word, naming parameters @term0, @not0 …; the words are parameters",
        ["SqliteSearchStore.cs {string.Concat(likes)}"] = "one fixed LIKE clause per short search word, naming parameters @like0, @like1 …; the words are parameters",
    };

    [Fact]
    public void No_sql_is_built_from_anything_but_constants_written_beside_it()
    {
        var src = Path.Combine(ClientTools.RepoRoot, "src");
        var findings = new List<string>();
        var seen = new HashSet<string>();
        var sqlStrings = 0;
        foreach (var file in Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories).Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal)))
        {
            var code = File.ReadAllText(file);
            var name = Path.GetFileName(file);
            var constants = ConstString().Matches(code).Select(m => m.Groups[1].Value).ToHashSet();
            foreach (var (text, holes) in InterpolatedStrings(code))
            {
                if (!SqlWord().IsMatch(text))
                {
                    continue;
                }
                sqlStrings++;
                foreach (var hole in holes.Where(h => !constants.Contains(h)))
                {
                    var key = $"{name} {{{hole}}}";
                    seen.Add(key);
                    if (!ReviewedHoles.ContainsKey(key))
                    {
                        findings.Add($"{key} in SQL text: make it a parameter ($name) or a const string");
                    }
                }
            }
            foreach (Match m in Concatenation().Matches(code))
            {
                findings.Add($"{name}: SQL text joined with +: {m.Value.Trim()}");
            }
            foreach (Match m in CommandTextAssignment().Matches(code))
            {
                if (m.Groups[1].Value.Trim() != "sql" && !m.Groups[1].Value.TrimStart().StartsWith('"'))
                {
                    findings.Add($"{name}: CommandText set from {m.Groups[1].Value.Trim()}");
                }
            }
        }
        // Most SQL is now plain raw strings with Dapper parameters (no holes possible); the stores still interpolate a few constants.
        Assert.True(sqlStrings >= 15, $"only {sqlStrings} interpolated SQL strings found: the scan is not reading the store");
        Assert.True(findings.Count == 0, string.Join("\n", findings));
        Assert.Empty(ReviewedHoles.Keys.Where(k => !seen.Contains(k)).Select(k => $"{k} is reviewed but no longer in the source: remove it from the list"));
    }

    [GeneratedRegex(@"const string (\w+)\s*=")]
    private static partial Regex ConstString();

    // A string literal with an SQL word, followed or preceded by + and something that is not a literal.
    [GeneratedRegex(@"""[^""\n]*\b(SELECT|INSERT|UPDATE|DELETE|WHERE|FROM|VALUES)\b[^""\n]*""\s*\+\s*[^""\s]|[^""\s]\s*\+\s*""[^""\n]*\b(SELECT|INSERT|UPDATE|DELETE|WHERE|FROM|VALUES)\b")]
    private static partial Regex Concatenation();

    [GeneratedRegex(@"CommandText\s*=\s*([^;]+);")]
    private static partial Regex CommandTextAssignment();


    /// <summary>Every interpolated string ($"…", $@"…", $"""…""") in <paramref name="code"/>, with the expressions in its holes.</summary>
    private static IEnumerable<(string Text, List<string> Holes)> InterpolatedStrings(string code)
    {
        for (var i = 0; i < code.Length - 1; i++)
        {
            if (code[i] != '$')
            {
                continue;
            }
            var start = i + 1;
            var verbatim = false;
            if (code[start] == '@')
            {
                verbatim = true;
                start++;
            }
            if (start >= code.Length || code[start] != '"')
            {
                continue;
            }
            var raw = code.AsSpan(start).StartsWith("\"\"\"");
            var bodyStart = start + (raw ? 3 : 1);
            var end = raw ? code.IndexOf("\"\"\"", bodyStart, StringComparison.Ordinal) : EndOfString(code, bodyStart, verbatim);
            if (end < 0)
            {
                yield break;
            }
            var text = code[bodyStart..end];
            yield return (text, Holes(text));
            i = end;
        }
    }

    private static int EndOfString(string code, int from, bool verbatim)
    {
        var depth = 0;
        for (var j = from; j < code.Length; j++)
        {
            var c = code[j];
            if (c == '{')
            {
                depth += j + 1 < code.Length && code[j + 1] == '{' && depth == 0 ? 0 : 1;
                if (depth == 0)
                {
                    j++;
                }
            }
            else if (c == '}' && depth > 0)
            {
                depth--;
            }
            else if (!verbatim && c == '\\')
            {
                j++;
            }
            else if (c == '"' && depth == 0)
            {
                if (verbatim && j + 1 < code.Length && code[j + 1] == '"')
                {
                    j++;
                    continue;
                }
                return j;
            }
        }
        return -1;
    }

    private static List<string> Holes(string text)
    {
        var holes = new List<string>();
        for (var j = 0; j < text.Length; j++)
        {
            if (text[j] != '{')
            {
                continue;
            }
            if (j + 1 < text.Length && text[j + 1] == '{')
            {
                j++;
                continue;
            }
            var close = text.IndexOf('}', j);
            if (close < 0)
            {
                break;
            }
            // The expression, without a format (:x) or alignment (,5).
            holes.Add(text[(j + 1)..close].Split(':', ',')[0].Trim());
            j = close;
        }
        return holes;
    }
}
