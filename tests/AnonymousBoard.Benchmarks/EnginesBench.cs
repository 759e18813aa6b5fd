using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using AnonymousBoard.Tests.Support;
using Npgsql;

namespace AnonymousBoard.Benchmarks;

/// <summary>
/// "engines", issue 15's performance questions: the same board on SQLite and on PostgreSQL (a throwaway
/// cluster this run starts, as the tests do), and two instances sharing one PostgreSQL database.
/// <list type="number">
/// <item>Reads: the read-path benchmark's ratio (wrk against the thread and index pages vs the same
/// bytes from a fixed array in the same server) on each engine; PostgreSQL's should be within 10% of SQLite's.</item>
/// <item>Posting: posts per second with one poster and with 16, each fetching its form for the ticket
/// and then posting (Posters), the board in its own process; CPU per post of the board and of PostgreSQL;
/// every acknowledged post looked for on its page afterwards.</item>
/// <item>Two instances on one database vs one: posting with the posters spread over both, and reads.</item>
/// <item>Where the posting time goes: a perf profile of each board while 16 posters post, and on
/// PostgreSQL the statements' time from pg_stat_statements.</item>
/// </list>
/// Rounds alternate the engines; the summary gives medians with the absolute figures beside the ratios.
/// Exit code 0 when every check passes, 1 when one fails, 2 for a usage error.
/// </summary>
internal static partial class EnginesBench
{
    private const double ReadGoal = 0.9;
    private const int ThreadsPerRound = 8;

    private static readonly (string Page, string Name)[] Pages = [("thread", "thread page (300 replies)"), ("index", "index page")];

    /// <param name="Threads">The board's threads at the end of the run (the most of its instances): the thread pool grows when its threads block.</param>
    private sealed record PostRun(int Posts, int Errors, double Seconds, double PostMs, double FormMs, double BoardCpuMs, double PgCpuMs, long Threads)
    {
        public double PerSecond => Posts / Seconds;
    }

    /// <summary>A board to post to: one instance, or several on one database (the posters spread over them).</summary>
    private sealed class Target(string name, BoardProcess[] instances, string? database) : IDisposable
    {
        public string Name => name;
        public BoardProcess[] Instances => instances;

        /// <summary>The PostgreSQL database's name; null on SQLite.</summary>
        public string? Database => database is null ? null : new NpgsqlConnectionStringBuilder(database).Database;
        public bool Postgres => database is not null;
        public HttpClient[] Clients { get; } = [.. instances.Select(i => new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, MaxConnectionsPerServer = 64 })
        {
            BaseAddress = i.BaseAddress,
            Timeout = TimeSpan.FromSeconds(60),
        })];
        public Seeder Seeder => _seeder ??= new Seeder(Clients[0]);
        private Seeder? _seeder;
        public List<PostRun> Sequential { get; } = [];
        public List<PostRun> Concurrent { get; } = [];
        public List<Acknowledged> Acknowledged { get; } = [];
        public List<string> Errors { get; } = [];
        public List<double> IndexReads { get; } = [];
        public List<double> ThreadReads { get; } = [];

        public void Dispose()
        {
            foreach (var client in Clients)
            {
                client.Dispose();
            }
        }
    }

    public static async Task<int> RunAsync(string[] args)
    {
        if (!EnginesOptions.TryParse(args, out var options))
        {
            await Console.Error.WriteLineAsync(EnginesOptions.Usage);
            return args.Contains("--help") ? 0 : 2;
        }
        var loadAtStart = Machine.LoadAverage();
        Console.WriteLine("AnonymousBoard engines benchmark: SQLite and PostgreSQL, one instance and two");
        Console.WriteLine(Invariant($"Machine: {Environment.ProcessorCount} cores shared by the boards, PostgreSQL, wrk and the posters; load average {loadAtStart} at the start."));
        ILoadGenerator generator = Wrk.Find() as ILoadGenerator ?? new HttpClientLoad();
        Console.WriteLine($"Load generator for reads: {generator.Description}");
        Console.WriteLine(Invariant($"{options.Rounds} rounds of {options.DurationSeconds} s per run, {options.Posters} concurrent posters; the gate held as LoadRun holds it:"));
        Console.WriteLine("  " + string.Join(' ', Posters.GateSettings.Take(3)));

        // pg_stat_statements: the statements' own times, for where the posting time goes.
        using var cluster = new PostgresCluster("shared_preload_libraries=pg_stat_statements");
        Admin(cluster, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        Console.WriteLine($"PostgreSQL: a throwaway cluster from {PostgresCluster.Bin}, on a unix socket (Tests/Support/PostgresCluster.cs).");

        var problems = new List<string>();
        var machineBefore = Machine.Busy();
        var ownBefore = OwnCpu();
        var clock = Stopwatch.StartNew();

        var reads = await ReadRatios(cluster, generator, options, problems);
        var (targets, profiles) = await Posting(cluster, generator, options, problems);

        var others = Machine.Busy() - machineBefore is { } machine
            ? Math.Max(0, (machine - (OwnCpu() - ownBefore)).TotalSeconds / clock.Elapsed.TotalSeconds)
            : (double?)null;
        Summary(options, reads, targets, profiles, loadAtStart, others, clock.Elapsed);
        foreach (var target in targets)
        {
            target.Dispose();
        }

        Console.WriteLine();
        Console.WriteLine("Checks:");
        var ok = true;
        foreach (var problem in problems)
        {
            ok = Stats.Check(problem, false, "");
        }
        foreach (var target in targets)
        {
            ok &= Stats.Check($"{target.Name}: no post failed", target.Errors.Count == 0,
                Invariant($"{target.Errors.Count} of {target.Acknowledged.Count + target.Errors.Count:N0}") + (target.Errors.Count > 0 ? " (" + target.Errors[0] + ")" : ""));
        }
        foreach (var (page, name) in Pages)
        {
            var ratio = ReadRatio(reads, "PostgreSQL", page) / ReadRatio(reads, "SQLite", page);
            ok &= Stats.Check(Invariant($"PostgreSQL's reads of the {name} within 10% of SQLite's (its page/fixed ratio over SQLite's >= {ReadGoal:0.00})"), ratio >= ReadGoal, Invariant($"{ratio:0.00}"));
        }
        Console.WriteLine(ok ? "Result: all checks passed" : "Result: FAILED");
        return ok ? 0 : 1;
    }

    // ---- 1. Reads: the default run's ratio on each engine --------------------------------------

    private sealed record ReadEngine(string Engine, BenchServer Server, BenchCase Thread, BenchCase Index);

    private static async Task<List<ReadEngine>> ReadRatios(PostgresCluster cluster, ILoadGenerator generator, EnginesOptions options, List<string> problems)
    {
        Console.WriteLine();
        Console.WriteLine("1. Reads: the read-path benchmark's ratio (board page vs the same bytes from a fixed array, same server, in this process) on each engine");
        var engines = new List<ReadEngine>();
        try
        {
            foreach (var (engine, settings) in new[] { ("SQLite", Array.Empty<string>()), ("PostgreSQL", new[] { $"--Board:Database={cluster.NewDatabase()}" }) })
            {
                var server = await BenchServer.StartAsync(settings: settings);
                using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = server.BaseAddress };
                var seeding = Stopwatch.StartNew();
                var big = await new Seeder(client).ReadPathBoard();
                var threadPath = $"/b/thread/{big.No}";
                var threadPage = await client.GetByteArrayAsync(new Uri(threadPath, UriKind.Relative));
                var indexPage = await client.GetByteArrayAsync(new Uri("/b/", UriKind.Relative));
                problems.AddRange(Seeder.ReadPathProblems(System.Text.Encoding.UTF8.GetString(threadPage), System.Text.Encoding.UTF8.GetString(indexPage)).Select(p => $"{engine}: {p}"));
                engines.Add(new ReadEngine(engine, server,
                    new BenchCase("thread page (300 replies)", threadPath, server.AddFixed("thread", threadPage), threadPage.Length),
                    new BenchCase("index page", "/b/", server.AddFixed("index", indexPage), indexPage.Length)));
                Console.WriteLine(Invariant($"   {engine}: seeded through POST /b/post in {seeding.Elapsed.TotalSeconds:0.0} s; thread page {threadPage.Length:N0} bytes, index page {indexPage.Length:N0} bytes"));
            }
            var shape = new LoadShape(2, 32, TimeSpan.FromSeconds(options.DurationSeconds));
            var warmup = shape with { Duration = TimeSpan.FromSeconds(options.WarmupSeconds) };
            foreach (var e in engines)
            {
                foreach (var c in new[] { e.Thread, e.Index })
                {
                    await generator.Run(Url(e, c.BaselinePath), warmup);
                    await generator.Run(Url(e, c.PagePath), warmup);
                }
            }
            for (var round = 1; round <= options.Rounds; round++)
            {
                foreach (var e in engines)
                {
                    foreach (var c in new[] { e.Thread, e.Index })
                    {
                        var baseline = await Measured.Take(generator, Url(e, c.BaselinePath), shape);
                        var page = await Measured.Take(generator, Url(e, c.PagePath), shape);
                        c.Baseline.Add(baseline);
                        c.Page.Add(page);
                        if (baseline.Load.Errors + page.Load.Errors > 0)
                        {
                            problems.Add(Invariant($"{e.Engine} {c.Name}: {baseline.Load.Errors + page.Load.Errors} failed requests"));
                        }
                        Console.WriteLine(Invariant($"   round {round} {e.Engine,-10} {c.Name,-26} fixed {baseline.Load.RequestsPerSecond,7:N0} req/s, page {page.Load.RequestsPerSecond,7:N0} req/s, ratio {page.Load.RequestsPerSecond / baseline.Load.RequestsPerSecond:0.00}; server CPU µs/request {baseline.ServerMicros:0} / {page.ServerMicros:0}"));
                    }
                }
            }
        }
        finally
        {
            foreach (var e in engines)
            {
                await e.Server.DisposeAsync();
            }
        }
        return engines;

        static Uri Url(ReadEngine e, string path) => new(e.Server.BaseAddress, path);
    }

    /// <summary>The page's median throughput over the fixed copy's, the rounds alternating.</summary>
    private static double ReadRatio(List<ReadEngine> reads, string engine, string page)
    {
        var c = Case(reads, engine, page);
        return Stats.Median(c.Page.Select(m => m.Load.RequestsPerSecond)) / Stats.Median(c.Baseline.Select(m => m.Load.RequestsPerSecond));
    }

    private static BenchCase Case(List<ReadEngine> reads, string engine, string page)
    {
        var e = reads.First(r => r.Engine == engine);
        return page == "thread" ? e.Thread : e.Index;
    }

    // ---- 2. to 4. Posting, two instances, and the profile ---------------------------------------

    private static async Task<(List<Target> Targets, List<string> Profiles)> Posting(PostgresCluster cluster, ILoadGenerator generator, EnginesOptions options, List<string> problems)
    {
        Console.WriteLine();
        Console.WriteLine("2. Posting, each board in its own process (the AnonymousBoard program), and 3. two instances on one PostgreSQL database");
        var environment = options.Profile && PerfProfile.Perf is not null ? PerfProfile.BoardEnvironment : null;
        var boards = new List<BoardProcess>();
        var targets = new List<Target>();
        var profiles = new List<string>();
        try
        {
            async Task<BoardProcess> Start(string? database, string? dataDirectory = null)
            {
                string[] engine = database is null ? [] : [$"--Board:Database={database}"];
                var board = await BoardProcess.StartAsync([.. Posters.GateSettings, .. engine], dataDirectory, environment);
                boards.Add(board);
                return board;
            }
            var single = cluster.NewDatabase();
            var shared = cluster.NewDatabase();
            targets.Add(new Target("SQLite", [await Start(null)], null));
            targets.Add(new Target("PostgreSQL", [await Start(single)], single));
            var first = await Start(shared);
            targets.Add(new Target("PostgreSQL, 2 instances", [first, await Start(shared, first.DataDirectory)], shared));
            Console.WriteLine("   " + string.Join("; ", targets.Select(t => $"{t.Name}: pid {string.Join(", ", t.Instances.Select(i => i.Pid))}")));

            // The pages the instances' reads are measured on, the same on both databases.
            var seeding = Stopwatch.StartNew();
            var bigThreads = await Task.WhenAll(targets.Where(t => t.Postgres).Select(t => t.Seeder.ReadPathBoard()));
            var thread = $"/b/thread/{bigThreads[0].No}";
            Console.WriteLine(Invariant($"   Seeded the read-path board on both PostgreSQL databases in {seeding.Elapsed.TotalSeconds:0.0} s; each round seeds {ThreadsPerRound} new threads per board for its posts."));

            // Warm-up: the posting path compiled and its caches filled before anything counts.
            foreach (var target in targets)
            {
                var threads = await NewThreads(target, 0);
                await Post(target, cluster, options.Posters, threads, TimeSpan.FromSeconds(options.WarmupSeconds));
            }
            var readShape = new LoadShape(2, 32, TimeSpan.FromSeconds(options.DurationSeconds));
            foreach (var target in targets.Where(t => t.Postgres))
            {
                await Read(generator, target, thread, readShape with { Duration = TimeSpan.FromSeconds(options.WarmupSeconds) });
            }

            for (var round = 1; round <= options.Rounds; round++)
            {
                foreach (var target in targets)
                {
                    var threads = await NewThreads(target, round);
                    var duration = TimeSpan.FromSeconds(options.DurationSeconds);
                    var line = Invariant($"   round {round} {target.Name,-24}");
                    if (target.Instances.Length == 1)
                    {
                        var one = await Post(target, cluster, 1, threads, duration);
                        target.Sequential.Add(one);
                        line += Invariant($" 1 poster {one.PerSecond,6:0.0} posts/s;");
                    }
                    var many = await Post(target, cluster, options.Posters, threads, duration);
                    target.Concurrent.Add(many);
                    line += Invariant($" {options.Posters} posters {many.PerSecond,6:0.0} posts/s (POST p50 {many.PostMs:0.0} ms, form p50 {many.FormMs:0.0} ms), CPU/post board {many.BoardCpuMs:0.0} ms, {many.Threads} threads") +
                        (target.Postgres ? Invariant($", PostgreSQL {many.PgCpuMs:0.0} ms") : "");
                    if (target.Postgres)
                    {
                        var (index, threadPage, errors) = await Read(generator, target, thread, readShape);
                        target.IndexReads.Add(index);
                        target.ThreadReads.Add(threadPage);
                        if (errors > 0)
                        {
                            problems.Add(Invariant($"{target.Name}: {errors} failed reads"));
                        }
                        line += Invariant($"; reads/s index {index:N0}, thread {threadPage:N0}");
                    }
                    Console.WriteLine(line);
                }
            }

            // Every acknowledged post on its page; on two instances, on each instance's pages.
            foreach (var target in targets)
            {
                foreach (var (client, instance) in target.Clients.Zip(target.Instances))
                {
                    var check = await Posters.Check(client, target.Acknowledged);
                    Console.WriteLine(Invariant($"   {target.Name} (pid {instance.Pid}): {target.Acknowledged.Count:N0} acknowledged posts on {check.Threads} thread pages: {check.Missing.Count} missing, {check.Repeated} numbers given twice"));
                    if (check.Missing.Count > 0 || check.Repeated > 0)
                    {
                        problems.Add(Invariant($"{target.Name}: {check.Missing.Count} acknowledged posts missing from their pages (first: {(check.Missing.Count > 0 ? check.Missing[0] : "")}), {check.Repeated} numbers given twice"));
                    }
                }
                var logged = target.Instances.SelectMany(i => i.Log).Where(l => l.StartsWith("fail:", StringComparison.Ordinal) || l.StartsWith("crit:", StringComparison.Ordinal)).ToList();
                if (logged.Count > 0)
                {
                    problems.Add($"{target.Name}: the board logged {logged.Count} errors (first: {logged[0]})");
                }
            }

            if (environment is not null)
            {
                Console.WriteLine();
                Console.WriteLine(Invariant($"4. Where the posting time goes: perf samples each board while {options.Posters} posters post for {options.DurationSeconds} s (not counted above)"));
                foreach (var target in targets)
                {
                    profiles.Add(await Profile(target, cluster, options));
                }
            }
            else
            {
                Console.WriteLine("4. No profile (--no-profile, or perf is not installed: apt-get install linux-perf).");
            }
        }
        finally
        {
            // The second instance first: it shares the first one's data directory, which the first deletes.
            foreach (var board in Enumerable.Reverse(boards))
            {
                var pid = board.Pid;
                await board.DisposeAsync();
                File.Delete(Invariant($"/tmp/perf-{pid}.map"));
            }
        }
        return (targets, profiles);
    }

    /// <summary>New threads for a round's posts, so every round posts into threads of the same size.</summary>
    private static async Task<List<long>> NewThreads(Target target, int round)
    {
        var threads = new List<long>();
        for (var k = 0; k < ThreadsPerRound; k++)
        {
            threads.Add((await target.Seeder.Thread(seed: 100 + (round * ThreadsPerRound) + k, replies: 0)).No);
        }
        return threads;
    }

    /// <summary><paramref name="posters"/> posters spread over the target's instances for <paramref name="duration"/>; the board's and PostgreSQL's CPU per post.</summary>
    private static async Task<PostRun> Post(Target target, PostgresCluster cluster, int posters, List<long> threads, TimeSpan duration)
    {
        var writes = new Writes();
        var boardBefore = target.Instances.Sum(i => i.CpuTime().Own.TotalMilliseconds);
        var pgBefore = PostgresCpu(cluster);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, posters).Select(w =>
            Task.Run(() => Posters.Write(target.Clients[w % target.Clients.Length], w, threads, imageEvery: 0, duration, clock, writes))));
        var seconds = clock.Elapsed.TotalSeconds;
        var posts = Math.Max(1, writes.Acknowledged.Count);
        var boardMs = (target.Instances.Sum(i => i.CpuTime().Own.TotalMilliseconds) - boardBefore) / posts;
        var pgMs = (PostgresCpu(cluster) - pgBefore) / posts;
        target.Acknowledged.AddRange(writes.Acknowledged);
        target.Errors.AddRange(writes.Errors);
        return new PostRun(writes.Acknowledged.Count, writes.Errors.Count, seconds, Stats.Median(writes.Latencies.Select(l => l.Seconds)) * 1000,
            Stats.Median(writes.FormLatencies) * 1000, boardMs, pgMs, target.Instances.Max(i => i.Status("Threads") ?? 0));
    }

    /// <summary>wrk on the index and the thread page; on several instances, one wrk each with its share of the connections at once.</summary>
    private static async Task<(double Index, double Thread, long Errors)> Read(ILoadGenerator generator, Target target, string thread, LoadShape shape)
    {
        var each = shape with { Threads = Math.Max(1, shape.Threads / target.Instances.Length), Connections = shape.Connections / target.Instances.Length };
        var errors = 0L;
        async Task<double> Run(string path)
        {
            var results = await Task.WhenAll(target.Instances.Select(i => generator.Run(new Uri(i.BaseAddress, path), each)));
            errors += results.Sum(r => r.Errors);
            return results.Sum(r => r.RequestsPerSecond);
        }
        var index = await Run("/b/");
        var threadPage = await Run(thread);
        return (index, threadPage, errors);
    }

    private static TimeSpan OwnCpu() => Environment.CpuUsage.TotalTime + (Machine.ChildrenCpu() ?? TimeSpan.Zero);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
