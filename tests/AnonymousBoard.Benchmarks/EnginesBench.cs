using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using AnonymousBoard.Tests.Support;
using Npgsql;

namespace AnonymousBoard.Benchmarks;

/// <summary>The engines benchmark's options; the defaults fit one run in about ten minutes on two shared cores.</summary>
internal sealed record EnginesOptions(int Rounds, int DurationSeconds, int WarmupSeconds, int Posters, bool Profile)
{
    public const string Usage = """
        Usage: dotnet run -c Release --project tests/AnonymousBoard.Benchmarks -- engines [options]
          --rounds N       interleaved rounds (SQLite, PostgreSQL, two instances, ...) (default 3)
          --duration S     seconds of each posting run and each read run (default 5)
          --warmup S       seconds of warm-up per URL and per board before measuring (default 2)
          --posters N      concurrent posters (default 16)
          --no-profile     skip the perf profile of where the posting time goes
        """;

    public static bool TryParse(string[] args, out EnginesOptions options)
    {
        options = new EnginesOptions(3, 5, 2, 16, true);
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--no-profile")
            {
                options = options with { Profile = false };
                continue;
            }
            if (i + 1 >= args.Length || !int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)
            {
                return false;
            }
            switch (args[i++])
            {
                case "--rounds": options = options with { Rounds = n }; break;
                case "--duration": options = options with { DurationSeconds = n }; break;
                case "--warmup": options = options with { WarmupSeconds = n }; break;
                case "--posters": options = options with { Posters = n }; break;
                default: return false;
            }
        }
        return true;
    }
}

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
internal static class EnginesBench
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

    /// <summary>The profile of one board under the posters, in buckets that follow a post's way through the board.</summary>
    private static async Task<string> Profile(Target target, PostgresCluster cluster, EnginesOptions options)
    {
        var threads = await NewThreads(target, 1000);
        if (target.Postgres)
        {
            Admin(cluster, "SELECT pg_stat_statements_reset()");
        }
        var sessionsBefore = target.Database is { } name ? Sessions(cluster, name) : default;
        var duration = TimeSpan.FromSeconds(options.DurationSeconds);
        var recording = PerfProfile.RecordAsync(target.Instances[0].Pid, duration);
        var run = await Post(target, cluster, options.Posters, threads, duration);
        var profile = await recording;
        var text = new System.Text.StringBuilder();
        text.AppendLine(Invariant($"{target.Name}: {run.PerSecond:0.0} posts/s while sampled; board CPU {run.BoardCpuMs:0.0} ms per post") +
            (target.Postgres ? Invariant($", PostgreSQL CPU {run.PgCpuMs:0.0} ms per post") : "") +
            Invariant($"; {profile.Samples:N0} samples of the board's threads{(target.Instances.Length > 1 ? " (the first instance's; ms per post from both instances' CPU)" : "")}, the most frequent methods of the larger buckets beside:"));
        foreach (var (bucket, share, top) in profile.Split(Buckets, top: 3))
        {
            text.AppendLine(Invariant($"     {share * 100,5:0.0}%  {share * run.BoardCpuMs,5:0.00} ms/post  {bucket}"));
            foreach (var (method, part) in share >= 0.08 ? top : [])
            {
                text.AppendLine(Invariant($"                               {part * 100,5:0.0}%  {method}"));
            }
        }
        if (target.Database is { } database)
        {
            // The sessions' times reach pg_stat_database when a backend goes idle, at most once a second.
            await Task.Delay(TimeSpan.FromSeconds(2));
            var sessions = Sessions(cluster, database);
            var posts = Math.Max(1, run.Posts);
            text.AppendLine(Invariant($"   PostgreSQL's sessions on this database (pg_stat_database): {(sessions.Commits - sessionsBefore.Commits) / (double)posts:0.0} transactions per post; ") +
                Invariant($"per post {(sessions.ActiveMs - sessionsBefore.ActiveMs) / posts:0.00} ms executing statements, {(sessions.IdleInTransactionMs - sessionsBefore.IdleInTransactionMs) / posts:0.00} ms inside a transaction waiting for the board (its round trips and its work between statements)"));
            text.AppendLine("   PostgreSQL's statements (pg_stat_statements; execution time includes waiting for locks):");
            text.Append(Statements(cluster, database, run.Posts));
        }
        Console.Write(text.ToString());
        return text.ToString();
    }

    /// <summary>
    /// A post's way through the board, innermost first where they nest: the first bucket whose test a
    /// sample passes takes it. The POST's own work, then the form's page (the GET before each post),
    /// then what every request shares.
    /// </summary>
    private static readonly (string, Func<string, string[], bool>)[] Buckets =
    [
        ("garbage collection (GC threads)", (thread, _) => thread.StartsWith(".NET Server GC", StringComparison.Ordinal) || thread.StartsWith(".NET BGC", StringComparison.Ordinal) || thread.StartsWith(".NET Background", StringComparison.Ordinal)),
        ("JIT compiling (tiered compilation thread)", (thread, f) => thread.StartsWith(".NET Tiered", StringComparison.Ordinal) || PerfProfile.Has(f, "libclrjit")),
        ("POST: the gate (checking and spending the ticket)", (_, f) => PerfProfile.Has(f, "AdmissionGate::Admit")),
        ("POST: write transaction, SQL (driver, Dapper, engine)", (_, f) => InWrite(f) && PerfProfile.Has(f, "Npgsql", "Microsoft.Data.Sqlite", "sqlite3", "Dapper", "SqlUnitOfWork")),
        ("POST: write transaction, rendering the post's markup", (_, f) => InWrite(f) && PerfProfile.Has(f, "AnonymousBoard.Markup.")),
        ("POST: write transaction, the rest (the batch, the commit and its listeners: page cache)", (_, f) => InWrite(f)),
        ("POST: reading the form, rules, filters, bans, the 303", (_, f) => PerfProfile.Has(f, "PostingPages+<Submit>", "PostingService", "PostRequest")),
        ("form GET: a ticket for the form", (_, f) => PerfProfile.Has(f, "AdmissionGate::IssueTicket")),
        ("form GET: reading the thread from the database to rebuild its page", (_, f) => PerfProfile.Has(f, "BoardReader", "SqlReadingStore")),
        ("form GET: rendering the page (templates, page cache)", (_, f) => PerfProfile.Has(f, "BoardPages", "AnonymousBoard.Reading.", "RazorSlices")),
        ("PostgreSQL change feed, the gate's shared state (other threads)", (_, f) => PerfProfile.Has(f, "ChangeFeed", "GateState")),
        ("HTTP: Kestrel, middleware, sockets (both requests)", (_, f) => PerfProfile.Has(f, "Microsoft.AspNetCore", "System.Net.Sockets", "Kestrel", "AnonymousBoard.Hosting", "AnonymousBoard.Gate.CircuitRateLimit", "sys_sendto", "sys_recvfrom", "tcp_")),
    ];

    /// <summary>Inside the write transaction: the posts of a group commit's batch (GroupCommit) or the post's own write.</summary>
    private static bool InWrite(string[] frames) => PerfProfile.Has(frames, "PostingService::Write(", "GroupCommit");

    /// <summary>The statements on one board's database by total execution time, per post.</summary>
    private static string Statements(PostgresCluster cluster, string database, int posts)
    {
        var text = new System.Text.StringBuilder();
        using var connection = new NpgsqlConnection(cluster.ConnectionString("postgres"));
        connection.Open();
        using var command = new NpgsqlCommand("""
            SELECT s.calls, s.total_exec_time, s.query
            FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
            WHERE d.datname = @database
            ORDER BY s.total_exec_time DESC
            """, connection);
        command.Parameters.AddWithValue("database", database);
        using var reader = command.ExecuteReader();
        var rows = new List<(long Calls, double Ms, string Query)>();
        while (reader.Read())
        {
            rows.Add((reader.GetInt64(0), reader.GetDouble(1), reader.GetString(2)));
        }
        var perPost = Math.Max(1, posts);
        text.AppendLine(Invariant($"     all statements: {rows.Sum(r => r.Ms) / perPost:0.00} ms per post, {rows.Sum(r => r.Calls) / (double)perPost:0.0} statements per post"));
        foreach (var (calls, ms, query) in rows.Take(8))
        {
            var oneLine = Regex.Replace(query, @"\s+", " ");
            text.AppendLine(Invariant($"     {ms / perPost,6:0.00} ms/post {calls / (double)perPost,5:0.0} calls/post  {(oneLine.Length > 90 ? oneLine[..90] + "…" : oneLine)}"));
        }
        return text.ToString();
    }

    private static void Summary(EnginesOptions options, List<ReadEngine> reads, List<Target> targets, List<string> profiles, string loadAtStart, double? others, TimeSpan took)
    {
        var sqlite = targets.First(t => t.Name == "SQLite");
        var pg = targets.First(t => t.Name == "PostgreSQL");
        var two = targets.First(t => t.Instances.Length > 1);
        Console.WriteLine();
        Console.WriteLine(Invariant($"Summary: medians of {options.Rounds} rounds of {options.DurationSeconds} s, engines alternating. Load average {loadAtStart} at the start, {Machine.LoadAverage()} at the end;"));
        Console.WriteLine(Invariant($"other processes used {(others is { } o ? o.ToString("0.00", CultureInfo.InvariantCulture) : "?")} of the {Environment.ProcessorCount} cores on average during the {took.TotalMinutes:0.0} minutes."));
        Console.WriteLine();
        Console.WriteLine(Invariant($"| | SQLite | PostgreSQL | PostgreSQL / SQLite |"));
        Console.WriteLine("| --- | --- | --- | --- |");
        Row("posts/s, 1 poster", M(sqlite.Sequential, r => r.PerSecond), M(pg.Sequential, r => r.PerSecond), "0.0");
        Row("  a post with 1 poster: form GET p50 ms", M(sqlite.Sequential, r => r.FormMs), M(pg.Sequential, r => r.FormMs), "0.0");
        Row("  a post with 1 poster: POST p50 ms", M(sqlite.Sequential, r => r.PostMs), M(pg.Sequential, r => r.PostMs), "0.0");
        Row(Invariant($"posts/s, {options.Posters} posters"), M(sqlite.Concurrent, r => r.PerSecond), M(pg.Concurrent, r => r.PerSecond), "0.0");
        Row(Invariant($"  {options.Posters} posters: form GET p50 ms"), M(sqlite.Concurrent, r => r.FormMs), M(pg.Concurrent, r => r.FormMs), "0.0");
        Row(Invariant($"  {options.Posters} posters: POST p50 ms"), M(sqlite.Concurrent, r => r.PostMs), M(pg.Concurrent, r => r.PostMs), "0.0");
        Row(Invariant($"board CPU per post, {options.Posters} posters, ms"), M(sqlite.Concurrent, r => r.BoardCpuMs), M(pg.Concurrent, r => r.BoardCpuMs), "0.00");
        Console.WriteLine(Invariant($"| PostgreSQL's CPU per post, {options.Posters} posters, ms | - | {M(pg.Concurrent, r => r.PgCpuMs):0.00} | - |"));
        foreach (var (page, name) in Pages)
        {
            var sc = Case(reads, "SQLite", page);
            var pc = Case(reads, "PostgreSQL", page);
            Console.WriteLine(Invariant($"| read ratio page/fixed, {name} | {ReadRatio(reads, "SQLite", page):0.00} ({M(sc.Page, m => m.Load.RequestsPerSecond):N0} / {M(sc.Baseline, m => m.Load.RequestsPerSecond):N0} req/s) | {ReadRatio(reads, "PostgreSQL", page):0.00} ({M(pc.Page, m => m.Load.RequestsPerSecond):N0} / {M(pc.Baseline, m => m.Load.RequestsPerSecond):N0} req/s) | {ReadRatio(reads, "PostgreSQL", page) / ReadRatio(reads, "SQLite", page):0.00} (goal >= {ReadGoal:0.00}) |"));
            // The server's CPU per request moves much less with what else the machine does than requests/s.
            Row(Invariant($"  server CPU per request, {name}: µs"), M(sc.Page, m => m.ServerMicros), M(pc.Page, m => m.ServerMicros), "0");
        }
        Console.WriteLine();
        Console.WriteLine("| PostgreSQL | 1 instance | 2 instances, one database | 2 / 1 |");
        Console.WriteLine("| --- | --- | --- | --- |");
        Row(Invariant($"posts/s, {options.Posters} posters (spread over the instances)"), M(pg.Concurrent, r => r.PerSecond), M(two.Concurrent, r => r.PerSecond), "0.0");
        Row("  POST p50 ms", M(pg.Concurrent, r => r.PostMs), M(two.Concurrent, r => r.PostMs), "0.0");
        Row("  boards' CPU per post, ms", M(pg.Concurrent, r => r.BoardCpuMs), M(two.Concurrent, r => r.BoardCpuMs), "0.00");
        Row("  PostgreSQL's CPU per post, ms", M(pg.Concurrent, r => r.PgCpuMs), M(two.Concurrent, r => r.PgCpuMs), "0.00");
        Row("index page reads/s (wrk, 32 connections split over the instances)", Stats.Median(pg.IndexReads), Stats.Median(two.IndexReads), "N0");
        Row("thread page reads/s (300 replies)", Stats.Median(pg.ThreadReads), Stats.Median(two.ThreadReads), "N0");
        if (profiles.Count > 0)
        {
            Console.WriteLine();
            Console.WriteLine("Where the posting time goes (the profiles above):");
            foreach (var profile in profiles)
            {
                Console.Write(profile);
            }
        }

        static double M<T>(IEnumerable<T> runs, Func<T, double> figure) => Stats.Median(runs.Select(figure));

        static void Row(string what, double a, double b, string format) =>
            Console.WriteLine(Invariant($"| {what} | {a.ToString(format, CultureInfo.InvariantCulture)} | {b.ToString(format, CultureInfo.InvariantCulture)} | {b / a:0.00} |"));
    }

    /// <summary>CPU time of the PostgreSQL server and its backends (and of those that ended), in milliseconds.</summary>
    private static double PostgresCpu(PostgresCluster cluster)
    {
        var postmaster = cluster.ServerPid;
        var (own, children, _) = BoardProcess.CpuTimeOf(postmaster);
        var total = own + children;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }
            try
            {
                var (childOwn, childChildren, parent) = BoardProcess.CpuTimeOf(pid);
                if (parent == postmaster)
                {
                    total += childOwn + childChildren;
                }
            }
            catch (IOException)
            {
                // The process ended meanwhile: its time is in the postmaster's children's now.
            }
        }
        return total.TotalMilliseconds;
    }

    /// <summary>A database's committed transactions and its sessions' time executing and idle inside a transaction, from pg_stat_database.</summary>
    private static (long Commits, double ActiveMs, double IdleInTransactionMs) Sessions(PostgresCluster cluster, string database)
    {
        using var connection = new NpgsqlConnection(cluster.ConnectionString("postgres"));
        connection.Open();
        using var command = new NpgsqlCommand("SELECT xact_commit, active_time, idle_in_transaction_time FROM pg_stat_database WHERE datname = @database", connection);
        command.Parameters.AddWithValue("database", database);
        using var reader = command.ExecuteReader();
        return reader.Read() ? (reader.GetInt64(0), reader.GetDouble(1), reader.GetDouble(2)) : default;
    }

    private static void Admin(PostgresCluster cluster, string sql)
    {
        using var connection = new NpgsqlConnection(cluster.ConnectionString("postgres"));
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    private static TimeSpan OwnCpu() => Environment.CpuUsage.TotalTime + (Machine.ChildrenCpu() ?? TimeSpan.Zero);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
