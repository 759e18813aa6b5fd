using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using AnonymousBoard.Hosting;
using AnonymousBoard.Moderation;
using AnonymousBoard.Tests.Media;
using AnonymousBoard.Tests.Support;
using Microsoft.Data.Sqlite;
using Npgsql;
using Xunit.Abstractions;
using static AnonymousBoard.Tests.Moderation.StaffKit;

namespace AnonymousBoard.Tests.Durability;

/// <summary>
/// <c>migrate --to</c>: a SQLite board seeded through its pages with every kind of row moves to a real
/// PostgreSQL server, and the board started on it serves the same pages and keeps every secret working.
/// (SQLite test project only: the source is a SQLite board.)
/// </summary>
public sealed partial class MigrateToPostgresTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("anonboard-migrate-").FullName;
    private readonly MediaScratch _scratch = new();

    private string DataDirectory => Path.Combine(_root, "data");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        NpgsqlConnection.ClearAllPools();
        _scratch.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    private (int Code, string Output) Cli(params string[] args)
    {
        using var text = new StringWriter();
        var code = Commands.Run([.. args, $"--Board:DataDirectory={DataDirectory}"], text, text, TextReader.Null);
        SqliteConnection.ClearAllPools();
        return (code, text.ToString());
    }

    private static long No(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        return long.Parse(response.Headers.Location!.OriginalString.Split("#p")[1], CultureInfo.InvariantCulture);
    }

    private static async Task<HttpResponseMessage> PostForm(BoardServer server, string board, long? thread, Dictionary<string, string?> fields)
    {
        var browser = server.Browser();
        var page = await browser.Get(thread is { } t ? $"/{board}/thread/{t}" : $"/{board}/");
        return (await browser.Submit(page, $"/{board}/post", fields)).Response;
    }

    private async Task<long> PostImage(BoardServer server, string board, string body)
    {
        using var form = new MultipartFormDataContent();
        form.Add(new StringContent(await server.Ticket(board)), "ticket");
        form.Add(new StringContent(body), "body");
        var part = new ByteArrayContent(await File.ReadAllBytesAsync(TestImages.Marked(_scratch, "photo.png")));
        part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(part, "file", "photo.png");
        using var client = server.Client();
        return No(await client.PostAsync(new Uri($"/{board}/post", UriKind.Relative), form));
    }

    private static async Task<HttpStatusCode> Ban(WebBrowser staff, string board, string kind, string value, string reason)
    {
        var page = await staff.Get("/mod/bans");
        var (response, _) = await staff.Submit(page, "/mod/bans?handler=ban", Fields(("board", board), ("kind", kind), ("value", value), ("hours", "48"), ("reason", reason)));
        return response.StatusCode;
    }

    /// <summary>What the seeded board holds, for the checks after the move.</summary>
    private sealed record Seeded(long Op, long Quoting, string SecureTrip, List<string> Pages, List<string> StaffPages);

    private async Task<Seeded> Seed(BoardServer board)
    {
        Assert.Equal(0, board.RunCli("boards", "create", "tech", "Technology").Code);
        AddStaff(board, "root", "admin", "--handle", "root-handle");
        AddStaff(board, "jan", "janitor", "--boards", "b", "--handle", "jan-handle");
        var bans = Path.Combine(_root, "bad-files.txt");
        await File.WriteAllTextAsync(bans, new string('a', 64) + "\n");
        Assert.Equal(0, board.RunCli("files", "import-bans", bans, "--reason", "known bad").Code);
        var staff = await SignIn(board, "root");

        var op = No(await PostForm(board, "b", null, Fields(("name", "Tester#password"), ("subject", "First <thread>"), ("body", "an opening post with **markup** & <b>html</b>"), ("password", "op-pass"))));
        var secure = await PostForm(board, "b", op, Fields(("name", "Anon##hunter2"), ("body", $">>{op} a quoting reply"), ("password", "s3cret")));
        var quoting = No(secure);
        var secureTrip = (await board.Browser().Get($"/b/thread/{op}")).Post(quoting)!.QuerySelector(".trip")!.TextContent;
        No(await PostForm(board, "b", op, Fields(("body", "signed, with sage"), ("passphrase", "correct horse battery staple"), ("sage", "on"))));
        var image = await PostImage(board, "b", "a thread with a picture");
        var moving = No(await PostForm(board, "b", null, Fields(("body", "a thread that moves to tech"))));
        No(await PostForm(board, "b", moving, Fields(("body", $">>{op} quoting across the move"))));
        var reported = No(await PostForm(board, "b", op, Fields(("body", "buy something"))));

        var reader = board.Browser();
        var (reportSent, _) = await reader.Submit(await reader.Get($"/b/report/{reported}"), $"/b/report/{reported}", Fields(("category", "spam"), ("detail", "an ad")));
        Assert.Equal(HttpStatusCode.SeeOther, reportSent.StatusCode);
        var (reportedImage, _) = await reader.Submit(await reader.Get($"/b/report/{image}"), $"/b/report/{image}", Fields(("category", "other"), ("detail", "fine really")));
        Assert.Equal(HttpStatusCode.SeeOther, reportedImage.StatusCode);

        Assert.Equal(HttpStatusCode.OK, await Act(staff, "b", image, "dismiss-reports", "a fine picture"));
        Assert.Equal(HttpStatusCode.OK, await Act(staff, "b", op, "sticky", "welcome thread"));
        Assert.Equal(HttpStatusCode.OK, await Act(staff, "b", reported, "mark-banned", "advertising"));
        Assert.Equal(HttpStatusCode.OK, await Act(staff, "b", moving, "move", "belongs on tech", to: "tech"));
        Assert.Equal(HttpStatusCode.OK, await Ban(staff, "b", "text", @"cheap\s+pills", "Spam (rule 3)"));
        var filters = await staff.Get("/mod/filters");
        Assert.Equal(HttpStatusCode.OK, (await staff.Submit(filters, "/mod/filters?handler=add", Fields(("board", ""), ("pattern", "darn"), ("regex", null),
            ("action", "replace"), ("replacement", "[filtered]"), ("reason", "language")))).Response.StatusCode);
        var edit = await staff.Get("/mod/boards?edit=tech");
        Assert.Equal(HttpStatusCode.OK, (await staff.Submit(edit, "/mod/boards?handler=update", Fields(("autohide", "3"), ("reason", "auto-hide at 3")))).Response.StatusCode);

        // A banned poster's appeal.
        var banned = board.Browser();
        var (refused, notice) = await banned.Submit(await banned.Get("/b/"), "/b/post", Fields(("body", "cheap  pills")));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await banned.Submit(notice!, "/appeal", Fields(("text", "It was a joke.")))).Response.StatusCode);
        No(await PostForm(board, "b", op, Fields(("body", "oh darn"))));

        var tech = await board.Browser().Get("/tech/");
        var moved = long.Parse(MovedThread().Match(tech.Html).Groups[1].Value, CultureInfo.InvariantCulture);
        List<string> pages = ["/", "/b/", "/b/catalog", $"/b/thread/{op}", $"/b/thread/{image}", "/tech/", "/tech/catalog", $"/tech/thread/{moved}",
            "/modlog", "/modlog.txt", "/b/thread/" + op + ".json", "/b/catalog.json", "/b/rules", "/tech/rules"];
        return new Seeded(op, quoting, secureTrip, pages, ["/mod", "/mod/bans", "/mod/filters", "/mod/staff", $"/mod/thread/b/{op}"]);
    }

    [GeneratedRegex("""href="/tech/thread/(\d+)""")]
    private static partial Regex MovedThread();

    /// <summary>
    /// A page with what changes on every fetch blanked: a form's ticket or staff token, and the JSON's
    /// last_modified, which a board keeps in memory and starts afresh at each start (Reading/ReadDocuments).
    /// </summary>
    private static async Task<string> Fetch(WebBrowser browser, string path)
    {
        var page = await browser.Get(path);
        Assert.True(page.Status == HttpStatusCode.OK, $"{path}: {page.Status}");
        return LastModified().Replace(Token().Replace(page.Html, "$1…"), "$1…");
    }

    [GeneratedRegex("""(name="(?:ticket|__staff_token)" value=")[^"]*""")]
    private static partial Regex Token();

    [GeneratedRegex("""("last_modified":)\d+""")]
    private static partial Regex LastModified();

    private static async Task<Dictionary<string, string>> Snapshot(BoardServer board, WebBrowser staff, Seeded seeded)
    {
        var pages = new Dictionary<string, string>();
        foreach (var path in seeded.Pages)
        {
            pages[path] = await Fetch(board.Browser(), path);
        }
        foreach (var path in seeded.StaffPages)
        {
            pages["staff " + path] = await Fetch(staff, path);
        }
        return pages;
    }

    [Fact]
    public async Task A_board_with_every_kind_of_row_moves_to_PostgreSQL_and_serves_the_same_pages_log_staff_passwords_and_tripcodes()
    {
        Directory.CreateDirectory(DataDirectory);
        Seeded seeded;
        Dictionary<string, string> before;
        Dictionary<string, long> sourceRows;
        await using (var sqliteBoard = new BoardServer(DataDirectory))
        {
            await sqliteBoard.InitializeAsync();
            seeded = await Seed(sqliteBoard);
            before = await Snapshot(sqliteBoard, await SignIn(sqliteBoard, "root"), seeded);
        }
        SqliteConnection.ClearAllPools();
        sourceRows = SqliteRows();
        // Every table the board has holds something, so the copy of each is seen to work.
        Assert.Empty(sourceRows.Where(t => t.Value == 0).Select(t => t.Key));

        var target = PostgresServer.NewDatabase();
        var clock = Stopwatch.StartNew();
        var (code, text) = Cli("migrate", "--to", target);
        output.WriteLine($"{text}({clock.ElapsedMilliseconds} ms)");
        Assert.True(code == 0, text);
        Assert.Matches(@"moderation log: \d+ entries, the chain and every signature verified on PostgreSQL; head [0-9a-f]{64}", text);
        Assert.Contains("post_search", text, StringComparison.Ordinal);
        Assert.Equal(sourceRows, PostgresRows(target));

        var postgresBoard = new BoardServer(DataDirectory);
        postgresBoard.Settings.Add($"--Board:Database={target}");
        await using (postgresBoard)
        {
            await postgresBoard.InitializeAsync();
            // Staff sign in with the password they had; their old session rows came along too.
            var staff = await SignIn(postgresBoard, "root");
            var after = await Snapshot(postgresBoard, staff, seeded);
            foreach (var (path, html) in before)
            {
                Assert.True(html == after[path], $"{path} differs after the move:\n{FirstDifference(html, after[path])}");
            }

            // The log verifies against the board's key, and is the one SQLite served.
            var served = await postgresBoard.Browser().Get("/modlog.txt");
            var key = ModLogKey.LoadOrCreate(DataDirectory).PublicKeyHex;
            var verdict = ModLogVerifier.Verify(ModLogVerifier.Parse(served.Html), key);
            Assert.True(verdict.Ok, verdict.Message);
            Assert.True(ModLogVerifier.Parse(served.Html).Entries.Count >= 5);

            // The same secure tripcode from the same secret; a new post takes the next number and a new id.
            var again = await PostForm(postgresBoard, "b", seeded.Op, Fields(("name", "Anon##hunter2"), ("body", "after the move")));
            var newNo = No(again);
            var thread = await postgresBoard.Browser().Get($"/b/thread/{seeded.Op}");
            Assert.Equal(seeded.SecureTrip, thread.Post(newNo)!.QuerySelector(".trip")!.TextContent);
            Assert.True(newNo > seeded.Quoting);

            // An old deletion password still deletes, a wrong one does not.
            var browser = postgresBoard.Browser();
            var page = await browser.Get($"/b/thread/{seeded.Op}");
            var (wrong, _) = await browser.Submit(page, "/b/delete", Fields(("no", seeded.Quoting.ToString(CultureInfo.InvariantCulture)), ("password", "guess")));
            Assert.NotEqual(HttpStatusCode.SeeOther, wrong.StatusCode);
            var (right, _) = await browser.Submit(page, "/b/delete", Fields(("no", seeded.Quoting.ToString(CultureInfo.InvariantCulture)), ("password", "s3cret")));
            Assert.Equal(HttpStatusCode.SeeOther, right.StatusCode);
            Assert.Null((await postgresBoard.Browser().Get($"/b/thread/{seeded.Op}")).Post(seeded.Quoting));

            // A staff action appends to the copied chain, which still verifies.
            Assert.Equal(HttpStatusCode.OK, await Act(staff, "b", seeded.Op, "unsticky", "after the move"));
            var longer = ModLogVerifier.Parse((await postgresBoard.Browser().Get("/modlog.txt")).Html);
            Assert.True(ModLogVerifier.Verify(longer, key).Ok);
            Assert.Equal(ModLogVerifier.Parse(served.Html).Entries.Count + 1, longer.Entries.Count);
        }
    }

    [Fact]
    public async Task Migrate_refuses_a_database_that_holds_a_board_or_another_programs_tables_and_changes_nothing()
    {
        Directory.CreateDirectory(DataDirectory);
        Assert.Equal(0, Cli("boards", "create", "tech", "Technology").Code);

        var target = PostgresServer.NewDatabase();
        Assert.Equal(0, Cli("migrate", "--to", target).Code);
        var rows = PostgresRows(target);
        var (code, text) = Cli("migrate", "--to", target);
        Assert.Equal(1, code);
        Assert.Contains("already holds a board", text, StringComparison.Ordinal);
        Assert.Contains("Nothing was changed", text, StringComparison.Ordinal);
        Assert.Equal(rows, PostgresRows(target));

        var foreign = PostgresServer.NewDatabase();
        using (var connection = new NpgsqlConnection(foreign))
        {
            connection.Open();
            using var create = new NpgsqlCommand("CREATE TABLE invoices (id bigint PRIMARY KEY); INSERT INTO invoices VALUES (1);", connection);
            create.ExecuteNonQuery();
        }
        (code, text) = Cli("migrate", "--to", foreign);
        Assert.Equal(1, code);
        Assert.Contains("another program", text, StringComparison.Ordinal);
        Assert.Equal(new Dictionary<string, long> { ["invoices"] = 1 }, PostgresRows(foreign));

        // A board already on PostgreSQL has nothing to move.
        using var already = new StringWriter();
        Assert.Equal(1, Commands.Run(["migrate", "--to", target, $"--Board:DataDirectory={DataDirectory}", $"--Board:Database={target}"], already, already, TextReader.Null));
        Assert.Contains("already on PostgreSQL", already.ToString(), StringComparison.Ordinal);
    }

    /// <summary>
    /// Not a timed test of the board: the figure the README quotes. 100,000 posts in 1,000 threads
    /// with their quotes, written straight into a SQLite board, then moved.
    /// </summary>
    [Fact]
    public void A_board_of_100k_posts_moves_in_well_under_a_minute()
    {
        Directory.CreateDirectory(DataDirectory);
        Assert.Equal(0, Cli("boards", "create", "big", "Big").Code);
        using (var connection = new SqliteConnection($"Data Source={Path.Combine(DataDirectory, "board.db")};Pooling=False"))
        {
            connection.Open();
            using var tx = connection.BeginTransaction();
            using var command = connection.CreateCommand();
            command.Transaction = tx;
            // 1,000 threads of 100 posts; each reply quotes the one before it.
            command.CommandText = """
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
                INSERT INTO posts (board_id, no, thread_no, created_at, name, subject, body, body_html, renderer_version, content_hash, delete_hash)
                SELECT (SELECT id FROM boards WHERE slug = 'big'), i, ((i - 1) / 100) * 100 + 1, 1764900000 + i, 'Anonymous', '',
                       '>>' || (i - 1) || ' post number ' || i || ' with some words to make it the size of a reply',
                       '<p><a class="ql" href="#p' || (i - 1) || '">&gt;&gt;' || (i - 1) || '</a> post number ' || i || ' with some words to make it the size of a reply</p>',
                       1, randomblob(32), 'salt$hash' || i
                FROM n;
                INSERT INTO threads (board_id, no, bumped_at, bump_seq, reply_count)
                SELECT board_id, no, created_at + 99, no + 99, 99 FROM posts WHERE no = thread_no;
                INSERT INTO quotes (from_post, to_board, to_no) SELECT id, board_id, no - 1 FROM posts WHERE no > 1;
                UPDATE boards SET next_post_no = 100001 WHERE slug = 'big';
                """;
            command.ExecuteNonQuery();
            tx.Commit();
        }
        var target = PostgresServer.NewDatabase();
        var clock = Stopwatch.StartNew();
        var (code, text) = Cli("migrate", "--to", target);
        clock.Stop();
        output.WriteLine(text);
        output.WriteLine($"100,000 posts moved in {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.True(code == 0, text);
        Assert.Equal(100_000, PostgresRows(target)["posts"]);
        Assert.True(clock.Elapsed < TimeSpan.FromMinutes(1), $"took {clock.Elapsed}");
    }

    private Dictionary<string, long> SqliteRows()
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(DataDirectory, "board.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        var tables = new List<string>();
        using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' AND name NOT LIKE 'post_search%'";
            using var reader = list.ExecuteReader();
            while (reader.Read())
            {
                tables.Add(reader.GetString(0));
            }
        }
        var rows = new Dictionary<string, long>();
        foreach (var table in tables)
        {
            using var count = connection.CreateCommand();
            count.CommandText = $"SELECT count(*) FROM \"{table}\"";
            rows[table] = (long)count.ExecuteScalar()!;
        }
        return rows;
    }

    private static Dictionary<string, long> PostgresRows(string connectionString)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        var tables = new List<string>();
        using (var list = new NpgsqlCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'anonymousboard_schema' AND table_name NOT LIKE 'gate\\_%'", connection))
        using (var reader = list.ExecuteReader())
        {
            while (reader.Read())
            {
                tables.Add(reader.GetString(0));
            }
        }
        var rows = new Dictionary<string, long>();
        foreach (var table in tables)
        {
            using var count = new NpgsqlCommand($"SELECT count(*) FROM \"{table}\"", connection);
            rows[table] = (long)count.ExecuteScalar()!;
        }
        return rows;
    }

    private static string FirstDifference(string a, string b)
    {
        var i = 0;
        while (i < a.Length && i < b.Length && a[i] == b[i])
        {
            i++;
        }
        string Around(string s) => s.Substring(Math.Max(0, i - 200), Math.Min(400, s.Length - Math.Max(0, i - 200)));
        return $"SQLite:     …{Around(a)}…\nPostgreSQL: …{Around(b)}…";
    }
}
