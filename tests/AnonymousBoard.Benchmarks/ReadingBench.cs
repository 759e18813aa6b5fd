using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace AnonymousBoard.Benchmarks;

/// <summary>
/// "reading": the issue's performance questions about reading without the web page, on a board of
/// 100,000 posts written straight into its SQLite file (1,000 threads, the newest 150 live, one of
/// them with 300 replies; the full-text index filled by its triggers as posting fills it):
/// <list type="number">
/// <item>the JSON thread and index endpoints, and the HTML thread page beside them, against a bare
/// Kestrel app (no middleware, one route) answering the same bytes;</item>
/// <item>search latency p50/p99 next to a cached thread page, one request at a time, interleaved;</item>
/// <item>the full-text index's size against the database's;</item>
/// <item>the index page's throughput while a burst of the most expensive searches runs, against
/// without (goal: at least 0.8).</item>
/// </list>
/// The machine is shared: every comparison alternates its two sides round by round, and the summary
/// gives medians with the absolute figures beside the ratios.
/// </summary>
public static partial class ReadingBench
{
    private const int BigReplies = 300;
    private const int ThreadCount = 1000;
    private const int LiveThreads = 150;

    private sealed record Options(int Posts, int Rounds, int DurationSeconds, int WarmupSeconds, int LatencyRounds, int BurstClients);

    public static async Task<int> RunAsync(string[] args)
    {
        var options = new Options(100_000, 3, 3, 2, 20, 8);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var n = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            options = args[i] switch
            {
                "--posts" => options with { Posts = n },
                "--rounds" => options with { Rounds = n },
                "--duration" => options with { DurationSeconds = n },
                "--warmup" => options with { WarmupSeconds = n },
                "--latency-rounds" => options with { LatencyRounds = n },
                "--burst-clients" => options with { BurstClients = n },
                _ => throw new ArgumentException($"Unknown option {args[i]}. Options: --posts --rounds --duration --warmup --latency-rounds --burst-clients"),
            };
        }
        Console.WriteLine("AnonymousBoard reading benchmark: JSON API, search, full-text index, pages during a search burst");
        Console.WriteLine(Invariant($"Machine: {Environment.ProcessorCount} cores shared with the load generator (and anything else running); medians of alternating rounds."));

        var data = Directory.CreateTempSubdirectory("anonboard-reading-").FullName;
        try
        {
            // The board makes its schema and /b/ on first start; the posts then go straight into the file.
            await (await BenchServer.StartAsync(data)).DisposeAsync();
            var seeding = Stopwatch.StartNew();
            var seeded = Seed(Path.Combine(data, "board.db"), options.Posts);
            Console.WriteLine(Invariant($"Seeded /b/ with {options.Posts:N0} posts in {ThreadCount:N0} threads ({LiveThreads} live) in {seeding.Elapsed.TotalSeconds:0.0} s, straight into SQLite (the search index by its triggers)."));
            var sizes = Sizes(Path.Combine(data, "board.db"));

            await using var server = await BenchServer.StartAsync(data);
            await using var bare = await BareKestrel.StartAsync();
            using var client = new HttpClient(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = server.BaseAddress };
            ILoadGenerator generator = Wrk.Find() as ILoadGenerator ?? new HttpClientLoad();
            Console.WriteLine($"Load generator: {generator.Description}");
            var shape = new LoadShape(2, 32, TimeSpan.FromSeconds(options.DurationSeconds));
            var warmup = shape with { Duration = TimeSpan.FromSeconds(options.WarmupSeconds) };

            // 1. Endpoints against the bare app.
            Console.WriteLine();
            Console.WriteLine(Invariant($"1. Endpoint vs a bare Kestrel app answering the same bytes: {options.Rounds} rounds of {options.DurationSeconds} s each side, {shape.Threads} wrk threads, {shape.Connections} connections"));
            var endpoints = new (string Name, string Path, string Type)[]
            {
                ("JSON thread (300 replies)", $"/b/thread/{seeded.BigThread}.json", "application/json; charset=utf-8"),
                ("JSON index page 1", "/b/1.json", "application/json; charset=utf-8"),
                ("JSON catalog", "/b/catalog.json", "application/json; charset=utf-8"),
                ("HTML thread page (300 replies)", $"/b/thread/{seeded.BigThread}", BenchServer.HtmlContentType),
                ("HTML index page 1", "/b/", BenchServer.HtmlContentType),
            };
            var summary = new List<string>();
            foreach (var (name, path, type) in endpoints)
            {
                var bytes = await client.GetByteArrayAsync(new Uri(path, UriKind.Relative));
                var barePath = bare.Add(name, bytes, type);
                var copy = await new HttpClient().GetByteArrayAsync(new Uri(bare.BaseAddress, barePath));
                if (!copy.AsSpan().SequenceEqual(bytes))
                {
                    throw new InvalidOperationException($"The bare app does not answer {path}'s bytes.");
                }
                await generator.Run(new Uri(bare.BaseAddress, barePath), warmup);
                await generator.Run(new Uri(server.BaseAddress, path), warmup);
                var board = new List<double>();
                var baseline = new List<double>();
                for (var round = 1; round <= options.Rounds; round++)
                {
                    baseline.Add(Checked(await generator.Run(new Uri(bare.BaseAddress, barePath), shape), barePath).RequestsPerSecond);
                    board.Add(Checked(await generator.Run(new Uri(server.BaseAddress, path), shape), path).RequestsPerSecond);
                    Console.WriteLine(Invariant($"   {name,-32} round {round}: bare {baseline[^1],8:N0} req/s, board {board[^1],8:N0} req/s, ratio {board[^1] / baseline[^1]:0.00}"));
                }
                var line = Invariant($"{name,-32} {bytes.Length,9:N0} bytes  board {Median(board),8:N0} req/s  bare {Median(baseline),8:N0} req/s  ratio {Median(board) / Median(baseline):0.00} (median round ratio {Median(board.Zip(baseline, (a, b) => a / b)):0.00})");
                Console.WriteLine("   = " + line);
                summary.Add(line);
            }

            // 2. Search latency next to a cached thread page, one request at a time, interleaved.
            Console.WriteLine();
            var thread = $"/b/thread/{seeded.TypicalThread}";
            Console.WriteLine(Invariant($"2. Search latency on {options.Posts:N0} posts vs the cached thread page {thread} ({seeded.TypicalPosts} posts): {options.LatencyRounds} rounds of {Queries.Length} queries, each followed by the page"));
            await client.GetAsync(new Uri(thread, UriKind.Relative));
            var searchTimes = new List<double>();
            var pageTimes = new List<double>();
            var statuses = new Dictionary<HttpStatusCode, int>();
            var perQuery = Queries.ToDictionary(q => q, _ => new List<double>());
            for (var round = 0; round < options.LatencyRounds; round++)
            {
                foreach (var query in Queries)
                {
                    var (status, ms) = await Time(client, "/search?q=" + Uri.EscapeDataString(query));
                    statuses[status] = statuses.GetValueOrDefault(status) + 1;
                    searchTimes.Add(ms);
                    perQuery[query].Add(ms);
                    var (pageStatus, pageMs) = await Time(client, thread);
                    if (pageStatus != HttpStatusCode.OK)
                    {
                        throw new InvalidOperationException($"{thread} answered {pageStatus}.");
                    }
                    pageTimes.Add(pageMs);
                }
            }
            foreach (var (query, times) in perQuery)
            {
                Console.WriteLine(Invariant($"   {query,-28} p50 {Percentile(times, 50),7:0.00} ms  p99 {Percentile(times, 99),7:0.00} ms"));
            }
            var latency = Invariant($"search p50 {Percentile(searchTimes, 50):0.00} ms, p99 {Percentile(searchTimes, 99):0.00} ms; cached thread page p50 {Percentile(pageTimes, 50):0.00} ms, p99 {Percentile(pageTimes, 99):0.00} ms; search p50 / page p50 = {Percentile(searchTimes, 50) / Percentile(pageTimes, 50):0.0} (goal <= 10); answers {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{(int)s.Key}: {s.Value}"))}");
            Console.WriteLine("   = " + latency);

            // 3. Sizes.
            Console.WriteLine();
            var sizeLine = Invariant($"full-text index {sizes.Index / 1048576.0:0.0} MiB of a {sizes.Database / 1048576.0:0.0} MiB database ({100.0 * sizes.Index / sizes.Database:0}%; post text {sizes.Text / 1048576.0:0.0} MiB, {sizes.How})");
            Console.WriteLine("3. Size: " + sizeLine);

            // 4. The index page alone and during a burst of the most expensive searches, alternating.
            Console.WriteLine();
            var costLine = await Cost(Path.Combine(data, "board.db"), client, 3);
            Console.WriteLine("4a. Where an expensive search's time goes: " + costLine);
            Console.WriteLine();
            Console.WriteLine(Invariant($"4. /b/ throughput without and during a burst of expensive searches ({options.BurstClients} clients searching back to back): {options.Rounds} rounds of {options.DurationSeconds} s each"));
            await generator.Run(new Uri(server.BaseAddress, "/b/"), warmup);
            var alone = new List<double>();
            var during = new List<double>();
            var burstAnswers = new Dictionary<HttpStatusCode, int>();
            var burstCount = 0L;
            for (var round = 1; round <= options.Rounds; round++)
            {
                alone.Add(Checked(await generator.Run(new Uri(server.BaseAddress, "/b/"), shape), "/b/").RequestsPerSecond);
                using var stop = new CancellationTokenSource();
                var burst = Burst(server.BaseAddress, options.BurstClients, stop.Token);
                var load = await generator.Run(new Uri(server.BaseAddress, "/b/"), shape);
                await stop.CancelAsync();
                var answers = await burst;
                foreach (var (status, count) in answers)
                {
                    burstAnswers[status] = burstAnswers.GetValueOrDefault(status) + count;
                    burstCount += count;
                }
                during.Add(Checked(load, "/b/ during the burst").RequestsPerSecond);
                Console.WriteLine(Invariant($"   round {round}: alone {alone[^1],8:N0} req/s, during the burst {during[^1],8:N0} req/s, ratio {during[^1] / alone[^1]:0.00}; searches answered {answers.Values.Sum()} ({string.Join(", ", answers.OrderBy(a => a.Key).Select(a => $"{(int)a.Key}: {a.Value}"))})"));
            }
            var burstLine = Invariant($"/b/ alone {Median(alone):N0} req/s, during the burst {Median(during):N0} req/s, ratio {Median(during) / Median(alone):0.00} (goal >= 0.8; median round ratio {Median(during.Zip(alone, (a, b) => a / b)):0.00}); the burst's {burstCount:N0} searches: {string.Join(", ", burstAnswers.OrderBy(a => a.Key).Select(a => $"{(int)a.Key}: {a.Value}"))}");
            Console.WriteLine("   = " + burstLine);

            Console.WriteLine();
            Console.WriteLine("Summary:");
            foreach (var line in summary.Append(latency).Append(sizeLine).Append(costLine).Append(burstLine))
            {
                Console.WriteLine("  " + line);
            }
            return 0;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(data, recursive: true);
        }
    }

    /// <summary>What readers search for: common and rare words, a phrase, a prefix, an exclusion, Cyrillic and Japanese.</summary>
    private static readonly string[] Queries =
    [
        "chain", "the", "\"steel frame\"", "tubel*", "seat post -creak", "derailleur", "французских", "東京タワー", "zorvakitem", "kilometres",
    ];

    /// <summary>The most expensive searches: common trigrams over every board, an exclusion that rules nothing out, the deepest page.</summary>
    private static readonly string[] Expensive =
    [
        "/search?q=the+-zzqx&page=10", "/search?q=the+and+for&page=10", "/search?q=%22the%22+-bike&page=10", "/search?q=ing*&page=10",
    ];

    /// <summary>
    /// What one expensive search costs, piece by piece, one at a time: its query through the board's
    /// own search store with no time budget (how long it would run unstopped), cutting out the matches
    /// in context, and the whole request to the board (which stops the query at its budget), sent after
    /// a pause long enough that search's share of the machine does not hold it back.
    /// </summary>
    private static async Task<string> Cost(string database, HttpClient client, int repeats)
    {
        var storage = new AnonymousBoard.Storage.Sqlite.SqliteStorage(new AnonymousBoard.Storage.Sqlite.SqliteDatabase(database));
        var store = new AnonymousBoard.Storage.Sqlite.SqliteSearchStore();
        var parts = new List<string>();
        foreach (var path in Expensive)
        {
            var parameters = System.Web.HttpUtility.ParseQueryString(path[(path.IndexOf('?', StringComparison.Ordinal) + 1)..]);
            var query = AnonymousBoard.Search.SearchQuery.Parse(parameters["q"]).Query!;
            var page = int.Parse(parameters["page"]!, CultureInfo.InvariantCulture);
            var (queryMs, contextMs, requestMs) = (new List<double>(), new List<double>(), new List<double>());
            var hits = 0;
            var status = HttpStatusCode.OK;
            for (var i = 0; i < repeats; i++)
            {
                var started = Stopwatch.GetTimestamp();
                IReadOnlyList<AnonymousBoard.Search.SearchHit> found;
                using (var work = storage.Read())
                {
                    found = store.Find(work, query, null, (page - 1) * 20, 21, TimeSpan.FromMinutes(1))!;
                }
                queryMs.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                hits = found.Count;
                started = Stopwatch.GetTimestamp();
                foreach (var hit in found.Take(20))
                {
                    AnonymousBoard.Search.SearchContext.Of(hit.Body, query);
                }
                contextMs.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                await Task.Delay(TimeSpan.FromSeconds(1.6));
                (status, var ms) = await Time(client, path);
                requestMs.Add(ms);
            }
            parts.Add(Invariant($"{path}: query unstopped {Median(queryMs):0.0} ms ({hits} rows), contexts {Median(contextMs):0.00} ms, request {Median(requestMs):0.0} ms ({(int)status})"));
        }
        return string.Join("; ", parts);
    }

    private static async Task<Dictionary<HttpStatusCode, int>> Burst(Uri server, int clients, CancellationToken stop)
    {
        var answers = new System.Collections.Concurrent.ConcurrentDictionary<HttpStatusCode, int>();
        using var http = new HttpClient(new SocketsHttpHandler { UseCookies = false, MaxConnectionsPerServer = clients }) { BaseAddress = server };
        await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            for (var i = c; !stop.IsCancellationRequested; i++)
            {
                try
                {
                    using var response = await http.GetAsync(new Uri(Expensive[i % Expensive.Length], UriKind.Relative), stop);
                    await response.Content.ReadAsByteArrayAsync(stop);
                    answers.AddOrUpdate(response.StatusCode, 1, (_, n) => n + 1);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }, CancellationToken.None)));
        return new(answers);
    }

    private static async Task<(HttpStatusCode Status, double Ms)> Time(HttpClient client, string path)
    {
        var started = Stopwatch.GetTimestamp();
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        await response.Content.ReadAsByteArrayAsync();
        return (response.StatusCode, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    private static LoadResult Checked(LoadResult result, string what) =>
        result.Errors == 0 ? result : throw new InvalidOperationException($"{what}: {result.Errors} failed requests during a run.");

    private sealed record SizeFigures(long Database, long Index, long Text, string How);

    /// <summary>The file's size, and the pages of the index's own tables (dbstat), or the bytes of its segments when dbstat is missing.</summary>
    private static SizeFigures Sizes(string database)
    {
        using var db = new SqliteConnection($"Data Source={database};Mode=ReadOnly");
        db.Open();
        long Scalar(string sql)
        {
            using var c = db.CreateCommand();
            c.CommandText = sql;
            return Convert.ToInt64(c.ExecuteScalar() ?? 0L, CultureInfo.InvariantCulture);
        }
        var file = new FileInfo(database).Length;
        var text = Scalar("SELECT sum(length(CAST(body AS BLOB)) + length(CAST(subject AS BLOB))) FROM posts");
        try
        {
            return new(file, Scalar("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'post_search%'"), text, "pages of post_search's tables, by dbstat");
        }
        catch (SqliteException)
        {
            return new(file, Scalar("SELECT (SELECT sum(length(block)) FROM post_search_data) + (SELECT count(*) * 24 FROM post_search_idx) + (SELECT sum(length(sz)) FROM post_search_docsize)"),
                text, "bytes of post_search's segments, index and sizes; dbstat is not compiled in");
        }
    }

    private static double Median(IEnumerable<double> values) => Percentile(values.ToList(), 50);

    /// <summary>Nearest-rank percentile.</summary>
    private static double Percentile(List<double> values, int p)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }
        if (p == 50 && sorted.Length % 2 == 0)
        {
            return (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
        }
        var rank = (int)Math.Ceiling(p / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
