using System.Net;
using AnonymousBoard.Hosting;
using AnonymousBoard.Tests.Durability;
using AnonymousBoard.Tests.Moderation;
using AnonymousBoard.Tests.Support;
using Npgsql;
using Xunit.Abstractions;

namespace AnonymousBoard.Tests.Instances;

/// <summary>
/// Three board processes on one PostgreSQL database and one data directory, as an operator runs
/// them behind one onion address: people post through all three at once (text and images), one is
/// killed with SIGKILL mid-run and started again, and then every instance must agree on everything.
/// </summary>
public sealed class SeveralInstancesTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "anonboard-instances-" + Guid.NewGuid().ToString("N"));
    private readonly string _database = PostgresServer.NewDatabase();
    private readonly List<BoardProcess> _instances = [];

    private string[] Engine => [$"--Board:Database={_database}"];

    private int Cli(params string[] args) =>
        Commands.Run([.. args, $"--Board:DataDirectory={_data}", .. Engine], TextWriter.Null, TextWriter.Null, TextReader.Null);

    private async Task<BoardProcess> Start()
    {
        // One image worker each: three instances share this machine's cores.
        var instance = await BoardProcess.StartAsync(_data, [.. Engine, "--Board:Images:Workers=1"]);
        _instances.Add(instance);
        return instance;
    }

    [Fact]
    public async Task Posts_through_three_instances_and_a_killed_one_are_all_kept_once_in_order_and_shown_by_every_instance()
    {
        foreach (var slug in Posters.Boards)
        {
            Assert.Equal(0, Cli("boards", "create", slug, $"Board {slug}", "--thread-cap", "100000"));
        }
        var images = DurableBoard.MakeImages(Directory.CreateDirectory(Path.Combine(_data, "..", Path.GetFileName(_data) + "-images")).FullName);
        var a = await Start();
        var b = await Start();
        var c = await Start();

        var posters = new Posters(images, seed: 15);
        using var stop = new CancellationTokenSource();
        var runs = new List<Task> { posters.RunAsync(a.BaseAddress, 3, stop.Token), posters.RunAsync(b.BaseAddress, 3, stop.Token), posters.RunAsync(c.BaseAddress, 3, stop.Token) };
        await Task.Delay(TimeSpan.FromSeconds(5));
        b.Kill();
        b = await Start();
        runs.Add(posters.RunAsync(b.BaseAddress, 3, stop.Token));
        // 14 s of posting, longer on a machine too busy for a dozen posts in that time (three boards and their posters share it).
        var posting = System.Diagnostics.Stopwatch.StartNew();
        while (posting.Elapsed < TimeSpan.FromSeconds(9) || (posters.Acked.Count < 12 && posting.Elapsed < TimeSpan.FromSeconds(120)))
        {
            await Task.Delay(250);
        }
        await stop.CancelAsync();
        await Task.WhenAll(runs);
        output.WriteLine($"{posters.Attempts} posts sent, {posters.Acked.Count} acknowledged, {posters.Acked.Count(p => p.Image is not null)} with images");
        foreach (var fault in posters.Faults)
        {
            // The page's message, not its whole markup.
            var text = System.Text.RegularExpressions.Regex.Replace(System.Text.RegularExpressions.Regex.Replace(fault, "<[^>]+>", " "), @"\s+", " ");
            output.WriteLine(text[..Math.Min(text.Length, 3000)]);
        }
        foreach (var instance in _instances)
        {
            foreach (var line in instance.Output.Split('\n').Where(l => l.Contains("Exception", StringComparison.Ordinal)).Take(5))
            {
                output.WriteLine(line);
            }
        }
        Assert.Empty(posters.Faults);
        Assert.True(posters.Acked.Count >= 10, $"only {posters.Acked.Count} posts acknowledged");

        // Every acknowledged post is in the database once, as it was sent; numbers are unique per board.
        var stored = new Dictionary<(string, long), (long Thread, string Body)>();
        var bodies = new Dictionary<string, int>(StringComparer.Ordinal);
        await using (var db = new NpgsqlConnection(_database))
        {
            await db.OpenAsync();
            await using var query = new NpgsqlCommand("SELECT b.slug, p.no, p.thread_no, p.body FROM posts p JOIN boards b ON b.id = p.board_id", db);
            await using var reader = await query.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                Assert.True(stored.TryAdd((reader.GetString(0), reader.GetInt64(1)), (reader.GetInt64(2), reader.GetString(3))), "a number was given twice");
                bodies[reader.GetString(3)] = bodies.GetValueOrDefault(reader.GetString(3)) + 1;
            }
        }
        foreach (var post in posters.Acked)
        {
            Assert.True(stored.TryGetValue((post.Board, post.No), out var row), $"lost: /{post.Board}/ No. {post.No} ({post.Marker})");
            Assert.Equal((post.ThreadNo, post.Body), row);
            Assert.Equal(1, bodies[post.Body]);
        }

        // Every instance's pages show every post, within a second of the last write.
        await Task.Delay(TimeSpan.FromSeconds(1));
        foreach (var instance in new[] { a, b, c })
        {
            using var client = instance.Client();
            foreach (var thread in posters.Acked.GroupBy(p => (p.Board, p.ThreadNo)))
            {
                var html = await client.GetStringAsync(new Uri($"/{thread.Key.Board}/thread/{thread.Key.ThreadNo}", UriKind.Relative));
                foreach (var post in thread)
                {
                    Assert.Contains(post.Marker, html, StringComparison.Ordinal);
                }
            }
        }

        // The moderation log is one chain that verifies, and every instance serves the same one.
        Assert.Equal(0, Cli("modlog", "verify", new Uri(a.BaseAddress, "/modlog.txt").ToString(), "--against", new Uri(c.BaseAddress, "/modlog.txt").ToString()));
    }

    [Fact]
    public async Task A_ticket_is_good_once_on_all_instances_and_a_deletion_on_one_is_gone_from_the_others_pages()
    {
        var a = await Start();
        var b = await Start();
        var c = await Start();

        // A ticket served by A is accepted by B, and refused on B and C afterwards.
        using var fromA = a.Client();
        var form = await new WebBrowser(fromA).Get("/b/");
        var ticket = form.Field("/b/post", "ticket") ?? throw new InvalidOperationException("no ticket on A's form");
        async Task<HttpResponseMessage> PostWith(BoardProcess instance, string body)
        {
            using var client = instance.Client();
            using var content = new FormUrlEncodedContent(new Dictionary<string, string> { ["ticket"] = ticket, ["body"] = body, ["subject"] = "" });
            return await client.PostAsync(new Uri("/b/post", UriKind.Relative), content);
        }
        var first = await PostWith(b, "first use of the ticket from A, on B");
        Assert.Equal(HttpStatusCode.SeeOther, first.StatusCode);
        Assert.NotEqual(HttpStatusCode.SeeOther, (await PostWith(b, "the same ticket again, on B")).StatusCode);
        Assert.NotEqual(HttpStatusCode.SeeOther, (await PostWith(c, "the same ticket again, on C")).StatusCode);

        // A moderator deletes that thread through A; B's page, cached meanwhile, no longer shows it a second later.
        var place = first.Headers.Location!.OriginalString;                       // /b/thread/N#pN
        var threadNo = long.Parse(place.Split('#')[0].Split('/')[^1], System.Globalization.CultureInfo.InvariantCulture);
        using var onB = b.Client();
        Assert.Contains("first use of the ticket from A", await onB.GetStringAsync(new Uri($"/b/thread/{threadNo}", UriKind.Relative)), StringComparison.Ordinal);
        var (code, said) = RunWithInput(StaffKit.Password + "\n", "staff", "add", "mia", "--role", "admin", "--password-stdin");
        Assert.True(code == 0, said);
        var staff = new WebBrowser(new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() })
        {
            BaseAddress = a.BaseAddress,
        });
        var login = await staff.Get("/mod/login");
        var (signedIn, _) = await staff.Submit(login, "/mod/login", StaffKit.Fields(("name", "mia"), ("password", StaffKit.Password)));
        Assert.Equal(HttpStatusCode.SeeOther, signedIn.StatusCode);
        Assert.Equal(HttpStatusCode.OK, await StaffKit.Act(staff, "b", threadNo, "delete-thread", "spam"));
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.NotFound, (await onB.GetAsync(new Uri($"/b/thread/{threadNo}", UriKind.Relative))).StatusCode);
        Assert.DoesNotContain("first use of the ticket from A", await onB.GetStringAsync(new Uri("/b/", UriKind.Relative)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_page_updated_from_another_instance_s_replies_and_quotes_is_the_page_rendered_from_scratch()
    {
        var a = await Start();
        var b = await Start();
        using var onB = b.Client();
        async Task<long> PostOn(BoardProcess instance, long? thread, string body)
        {
            using var client = instance.Client();
            var form = await new WebBrowser(client).Get(thread is { } t ? $"/b/thread/{t}" : "/b/");
            var fields = new Dictionary<string, string> { ["ticket"] = form.Field("/b/post", "ticket")!, ["body"] = body, ["subject"] = "" };
            if (thread is { } reply)
            {
                fields["thread"] = reply.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            using var content = new FormUrlEncodedContent(fields);
            var response = await client.PostAsync(new Uri("/b/post", UriKind.Relative), content);
            Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
            var place = response.Headers.Location!.OriginalString;
            return long.Parse(place[(place.LastIndexOf("#p", StringComparison.Ordinal) + 2)..], System.Globalization.CultureInfo.InvariantCulture);
        }
        async Task<string> Page(HttpClient client, long thread) => System.Text.RegularExpressions.Regex.Replace(
            await client.GetStringAsync(new Uri($"/b/thread/{thread}", UriKind.Relative)), "name=\"ticket\" value=\"[^\"]*\"", "");

        // B prepares the thread's page after each of A's writes: each reaches it as growth, with the posts quoted.
        var thread = await PostOn(a, null, "the opening post");
        var other = await PostOn(a, null, "another thread");
        var first = await PostOn(a, thread, "a plain reply");
        await Page(onB, thread);
        await PostOn(a, thread, $">>{thread}\n>>{first}\nquoting two");
        await Task.Delay(TimeSpan.FromSeconds(1));
        await Page(onB, thread);
        var fromOther = await PostOn(a, other, $">>{first}\nfrom the other thread");
        await Task.Delay(TimeSpan.FromSeconds(1));
        var updated = await Page(onB, thread);

        // A third instance, started now, renders the page from the database alone.
        var c = await Start();
        using var onC = c.Client();
        Assert.Equal(await Page(onC, thread), updated);
        // The backlink from the other thread, which only the quoted post's page shows.
        Assert.Contains($"/b/thread/{other}#p{fromOther}\"", updated, StringComparison.Ordinal);
    }

    private (int Code, string Output) RunWithInput(string input, params string[] args)
    {
        var said = new StringWriter();
        var code = Commands.Run([.. args, $"--Board:DataDirectory={_data}", .. Engine], said, said, new StringReader(input));
        return (code, said.ToString());
    }

    public void Dispose()
    {
        foreach (var instance in _instances)
        {
            instance.Dispose();
        }
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
