using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;

namespace AnonymousBoard.Benchmarks;

/// <summary>The size benchmark's options; the defaults are issue 17's measurement.</summary>
internal sealed record SizeOptions(int Posts, int SmallPosts, string? Keep, string? Reuse, bool SeedOnly, int MixedSeconds, int Starts, int Rounds, int ReadSeconds, int Readers,
    string? Board = null)
{
    public const string Usage = """
        Usage: dotnet run -c Release --project tests/AnonymousBoard.Benchmarks -- size [options]
          --posts N          posts on the big board (default 1000000)
          --small N          posts on the small board it is compared with (default 10000)
          --keep DIR         seed the big board into DIR and keep it there for --reuse (a seeding stopped
                             before its end goes on where it stopped)
          --reuse DIR        measure the big board seeded earlier into DIR (with --keep) instead of seeding one;
                             a seeding stopped before its end is finished first (and measured with the posts it has)
          --seed-only        seed the big board (into --keep DIR, or a temporary directory), print the time, stop
          --mixed S          seconds of mixed reads before RSS is read (default 60)
          --starts N         interleaved start-ups of each board, timed to the first 200 of / (default 3)
          --rounds N         interleaved rounds of the read ratios (default 3)
          --read-seconds S   seconds of each read-ratio run (default 5)
          --readers N        wrk connections (default 32)
          --board PATH       another build's AnonymousBoard.dll to measure (the boards are seeded by this one)
        """;

    public static bool TryParse(string[] args, out SizeOptions options)
    {
        options = new SizeOptions(1_000_000, 10_000, null, null, false, 60, 3, 3, 5, 32);
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--seed-only":
                    options = options with { SeedOnly = true };
                    continue;
                case "--keep" when i + 1 < args.Length:
                    options = options with { Keep = Path.GetFullPath(args[++i]) };
                    continue;
                case "--reuse" when i + 1 < args.Length:
                    options = options with { Reuse = Path.GetFullPath(args[++i]) };
                    continue;
                case "--board" when i + 1 < args.Length && File.Exists(args[i + 1]):
                    options = options with { Board = Path.GetFullPath(args[++i]) };
                    continue;
            }
            if (i + 1 >= args.Length || !int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)
            {
                return false;
            }
            switch (args[i++])
            {
                case "--posts" when n > SizeSeeder.MeasuredReplies + SizeSeeder.ThreadCap + 10: options = options with { Posts = n }; break;
                case "--small" when n > SizeSeeder.MeasuredReplies + SizeSeeder.ThreadCap + 10: options = options with { SmallPosts = n }; break;
                case "--mixed": options = options with { MixedSeconds = n }; break;
                case "--starts": options = options with { Starts = n }; break;
                case "--rounds": options = options with { Rounds = n }; break;
                case "--read-seconds": options = options with { ReadSeconds = n }; break;
                case "--readers": options = options with { Readers = n }; break;
                default: return false;
            }
        }
        return options.Keep is null || options.Reuse is null;
    }
}

/// <summary>
/// "size", issue 17's "memory flat with size": a board of a million posts against one of ten thousand, each
/// in its own process (the AnonymousBoard program, as the load run starts it), in the same run:
/// <list type="number">
/// <item>start-up: process start to the first 200 of /, the starts of the two boards interleaved;</item>
/// <item>RSS after a minute of mixed reads (home, index pages 1-10, the catalog, JSON, and several hundred
/// different threads, live and archived, through the load run's wrk script), and the peak (VmHWM);</item>
/// <item>the thread and index pages' throughput against the same bytes from the reading benchmark's bare
/// Kestrel app, the boards' rounds interleaved;</item>
/// <item>the database's size.</item>
/// </list>
/// Both boards are seeded through the posting path without HTTP (<see cref="SizeSeeder"/>). Goals: RSS of the
/// big board under 200 MB, its read ratios within 10% of the small board's.
/// Exit code 0 when every check passes, 1 when one fails, 2 for a usage error.
/// </summary>
internal static class SizeBench
{
    private const long RssGoalBytes = 200L * 1024 * 1024;
    private const double ReadGoal = 0.9;
    private const int MixedThreads = 300;
    private static readonly string[] DatabaseFiles = ["board.db", "board.db-wal", "board.db-shm"];

    private sealed class Sized(string name, string dataDirectory, SeededBoard seeded)
    {
        public string Name => name;
        public string DataDirectory => dataDirectory;
        public SeededBoard Seeded => seeded;
        public List<double> Starts { get; } = [];
        // The same starts by how the run before ended: stopped cleanly (SIGTERM) or killed (as a crash leaves the file).
        public List<double> CleanStarts { get; } = [];
        public List<double> CrashStarts { get; } = [];
        public List<long> RssAtStart { get; } = [];
        public long RssAfterReads { get; set; }
        // RSS split as the kernel counts it: anonymous (the GC's heap, SQLite's caches, stacks), mapped files (the
        // program and its libraries), shared memory (the runtime's double-mapped code).
        public (long Anon, long File, long Shmem) RssSplit { get; set; }
        public long PeakRss { get; set; }
        public LoadRun.Reads? Mixed { get; set; }
        public int MixedPaths { get; set; }
        public Dictionary<string, (List<double> Board, List<double> Bare, int Bytes)> Reads { get; } = [];

        public double Ratio(string page) => Stats.Median(Reads[page].Board) / Stats.Median(Reads[page].Bare);
    }

    public static async Task<int> RunAsync(string[] args)
    {
        if (!SizeOptions.TryParse(args, out var options))
        {
            await Console.Error.WriteLineAsync(SizeOptions.Usage);
            return args.Contains("--help") ? 0 : 2;
        }
        Console.WriteLine("AnonymousBoard size benchmark: memory, start-up and reads of a big board against a small one");
        Console.WriteLine(Invariant($"Machine: {Environment.ProcessorCount} cores shared by the boards and wrk; load average {Load()} at the start."));
        if (options.Board is { } other)
        {
            Console.WriteLine($"Board: {other}");
        }

        if (options.SeedOnly)
        {
            var directory = options.Keep ?? Path.Combine(Path.GetTempPath(), "anonboard-size-" + Guid.NewGuid().ToString("N"));
            var only = await Seed(directory, options.Posts);
            Console.WriteLine(Invariant($"Database {Mib(DatabaseBytes(directory))}; load average {Load()} at the end."));
            if (options.Keep is null)
            {
                Directory.Delete(directory, recursive: true);
            }
            return only is null ? 1 : 0;
        }

        var wrk = Wrk.Find();
        if (wrk is null)
        {
            await Console.Error.WriteLineAsync("The size benchmark needs wrk (Debian package \"wrk\").");
            return 2;
        }
        var smallDirectory = Path.Combine(Path.GetTempPath(), "anonboard-size-small-" + Guid.NewGuid().ToString("N"));
        var bigDirectory = options.Reuse ?? options.Keep ?? Path.Combine(Path.GetTempPath(), "anonboard-size-big-" + Guid.NewGuid().ToString("N"));
        var problems = new List<string>();
        try
        {
            var small = await Seed(smallDirectory, options.SmallPosts);
            var big = options.Reuse is not { } reuse ? await Seed(bigDirectory, options.Posts)
                : SeededBoard.Load(reuse) ?? (File.Exists(Path.Combine(reuse, "board.db")) ? await Finish(reuse) : null);
            if (small is null || big is null)
            {
                await Console.Error.WriteLineAsync(options.Reuse is null ? "Seeding failed." : $"{options.Reuse} holds no finished seeding (size-seed.json); seed it with --keep.");
                return 1;
            }
            if (options.Reuse is not null)
            {
                Console.WriteLine(big.Interrupted
                    ? Invariant($"Big board: reusing {options.Reuse}: {big.Posts:N0} posts in {big.Threads:N0} threads, a seeding stopped before its end and finished.")
                    : Invariant($"Big board: reusing {options.Reuse}: {big.Posts:N0} posts in {big.Threads:N0} threads, seeded earlier in {big.Seconds:0} s."));
            }
            Sized[] boards = [new("small", smallDirectory, small), new("big", bigDirectory, big)];
            await Measure(boards, wrk, options, problems);
            Summary(boards, options);
            Console.WriteLine(Invariant($"Load average {Load()} at the end."));

            Console.WriteLine();
            Console.WriteLine("Checks:");
            var ok = true;
            foreach (var problem in problems)
            {
                ok = Check(problem, false, "");
            }
            var b = boards[1];
            var s = boards[0];
            ok &= Check(Invariant($"the big board's RSS after {options.MixedSeconds} s of mixed reads is under {Mib(RssGoalBytes)}"), b.RssAfterReads < RssGoalBytes, Mib(b.RssAfterReads));
            foreach (var page in new[] { "thread", "index" })
            {
                var ratio = b.Ratio(page) / s.Ratio(page);
                ok &= Check(Invariant($"the big board's {page} page reads within 10% of the small board's (its board/bare ratio over the small one's >= {ReadGoal:0.0})"), ratio >= ReadGoal, Invariant($"{ratio:0.00}"));
            }
            Console.WriteLine(ok ? "Result: all checks passed" : "Result: FAILED");
            return ok ? 0 : 1;
        }
        finally
        {
            TryDelete(smallDirectory);
            if (options.Keep is null && options.Reuse is null)
            {
                TryDelete(bigDirectory);
            }
        }
    }

    private static async Task<SeededBoard?> Seed(string directory, int posts)
    {
        if (SeededBoard.Load(directory) is not null)
        {
            await Console.Error.WriteLineAsync($"{directory} already holds a seeded board; seed into a new directory, or measure it with --reuse.");
            return null;
        }
        Console.WriteLine(Invariant($"Seeding {posts:N0} posts into {directory} through PostingService.SubmitAsync (no HTTP), load average {Load()}:"));
        var seeded = await SizeSeeder.Seed(directory, posts, Console.Out);
        Console.WriteLine(Invariant($"   wrote {seeded.Written:N0} posts in {seeded.Seconds:0.0} s = {seeded.Written / seeded.Seconds:0} posts/s; the board holds {seeded.Posts:N0} posts in {seeded.Threads:N0} threads; database {Mib(DatabaseBytes(directory))}"));
        return seeded;
    }

    private static async Task<SeededBoard> Finish(string directory)
    {
        Console.WriteLine($"{directory}: its seeding was stopped before the end; finishing it (cap 150, the measured thread of {SizeSeeder.MeasuredReplies} replies).");
        var seeded = await SizeSeeder.Finish(directory);
        Console.WriteLine(Invariant($"   finished in {seeded.Seconds:0.0} s: {seeded.Posts:N0} posts in {seeded.Threads:N0} threads; database {Mib(DatabaseBytes(directory))}"));
        return seeded;
    }

    private static async Task Measure(Sized[] boards, Wrk wrk, SizeOptions options, List<string> problems)
    {
        // 1. Start-up, interleaved: small, big, small, big, ... Each run ends in turn with a clean stop and a kill, so the
        // starts after each are timed. A clean stop leaves its note beside the database (the seeding's does; a board
        // measured before and killed leaves none).
        Console.WriteLine();
        Console.WriteLine(Invariant($"1. Start-up to the first 200 of /, {options.Starts} starts of each board, interleaved; runs end in turn with a clean stop (SIGTERM) and a kill"));
        var cleanBefore = boards.ToDictionary(b => b, b => File.Exists(Path.Combine(b.DataDirectory, "board.db.closed")));
        for (var round = 1; round <= options.Starts; round++)
        {
            foreach (var board in boards)
            {
                var clock = Stopwatch.StartNew();
                await using var process = await BoardProcess.StartAsync(Posters.GateSettings, board.DataDirectory, program: options.Board);
                board.Starts.Add(clock.Elapsed.TotalSeconds);
                (cleanBefore[board] ? board.CleanStarts : board.CrashStarts).Add(board.Starts[^1]);
                board.RssAtStart.Add(process.Status("VmRSS") ?? 0);
                Console.WriteLine(Invariant($"   round {round} {board.Name,-5} {board.Starts[^1]:0.00} s after {(cleanBefore[board] ? "a clean stop" : "a kill")}, RSS {Mib(board.RssAtStart[^1])}"));
                cleanBefore[board] = !cleanBefore[board];
                if (cleanBefore[board])
                {
                    await process.StopAsync(TimeSpan.FromSeconds(30));
                }
            }
        }

        // 2. and 3. run with both boards up; each is read alone.
        var processes = new List<BoardProcess>();
        await using var bare = await BareKestrel.StartAsync();
        try
        {
            foreach (var board in boards)
            {
                processes.Add(await BoardProcess.StartAsync(Posters.GateSettings, board.DataDirectory, program: options.Board));
            }
            Console.WriteLine();
            Console.WriteLine(Invariant($"2. Mixed reads, {options.MixedSeconds} s per board, wrk {options.Readers} connections: home, index pages 1-10, catalog, JSON and {MixedThreads} threads (HTML and JSON) spread over the whole board"));
            for (var i = 0; i < boards.Length; i++)
            {
                var (board, process) = (boards[i], processes[i]);
                var paths = await MixedPaths(process.BaseAddress);
                board.MixedPaths = paths.Length;
                var reads = await LoadRun.ReadWithWrk(wrk, process.BaseAddress, paths,
                    new LoadOptions(options.Readers, 0, options.MixedSeconds, 2, 0, 0, false), TimeSpan.FromSeconds(options.MixedSeconds));
                board.Mixed = reads;
                board.RssAfterReads = process.Status("VmRSS") ?? 0;
                board.RssSplit = (process.Status("RssAnon") ?? 0, process.Status("RssFile") ?? 0, process.Status("RssShmem") ?? 0);
                board.PeakRss = process.Status("VmHWM") ?? 0;
                if (reads.Errors > 0)
                {
                    problems.Add(Invariant($"{board.Name} board: {reads.Errors} failed mixed reads ({string.Join("; ", reads.ErrorSamples)})"));
                }
                Console.WriteLine(Invariant($"   {board.Name,-5} {reads.Requests / (double)options.MixedSeconds,7:N0} req/s over {paths.Length} paths, p99 {reads.P99 * 1000:0.0} ms; RSS {Mib(board.RssAfterReads)} (anonymous {Mib(board.RssSplit.Anon)}, files {Mib(board.RssSplit.File)}, shared {Mib(board.RssSplit.Shmem)}), VmHWM {Mib(board.PeakRss)}"));
            }

            Console.WriteLine();
            Console.WriteLine(Invariant($"3. Reads against the same bytes from a bare Kestrel app (ReadingBench's), {options.Rounds} rounds of {options.ReadSeconds} s, wrk 2 threads {options.Readers} connections"));
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
            var cases = new List<(Sized Board, string Page, Uri Url, Uri Fixed)>();
            for (var i = 0; i < boards.Length; i++)
            {
                var (board, process) = (boards[i], processes[i]);
                foreach (var (page, path) in new[] { ("thread", Invariant($"/b/thread/{board.Seeded.MeasuredThread}")), ("index", "/b/") })
                {
                    var url = new Uri(process.BaseAddress, path);
                    var bytes = await client.GetByteArrayAsync(url);
                    var fixedUrl = new Uri(bare.BaseAddress, bare.Add($"{board.Name}-{page}", bytes, "text/html; charset=utf-8"));
                    board.Reads[page] = ([], [], bytes.Length);
                    cases.Add((board, page, url, fixedUrl));
                }
            }
            var shape = new LoadShape(2, options.Readers, TimeSpan.FromSeconds(options.ReadSeconds));
            foreach (var c in cases)
            {
                await wrk.Run(c.Fixed, shape with { Duration = TimeSpan.FromSeconds(2) });
                await wrk.Run(c.Url, shape with { Duration = TimeSpan.FromSeconds(2) });
            }
            for (var round = 1; round <= options.Rounds; round++)
            {
                foreach (var c in cases)
                {
                    var fixedRun = await wrk.Run(c.Fixed, shape);
                    var boardRun = await wrk.Run(c.Url, shape);
                    if (fixedRun.Errors + boardRun.Errors > 0)
                    {
                        problems.Add(Invariant($"{c.Board.Name} board, {c.Page} page: {fixedRun.Errors + boardRun.Errors} failed requests"));
                    }
                    c.Board.Reads[c.Page].Bare.Add(fixedRun.RequestsPerSecond);
                    c.Board.Reads[c.Page].Board.Add(boardRun.RequestsPerSecond);
                    Console.WriteLine(Invariant($"   round {round} {c.Board.Name,-5} {c.Page,-6} {c.Board.Reads[c.Page].Bytes,8:N0} bytes: bare {fixedRun.RequestsPerSecond,7:N0} req/s, board {boardRun.RequestsPerSecond,7:N0} req/s, ratio {boardRun.RequestsPerSecond / fixedRun.RequestsPerSecond:0.00}"));
                }
            }
            for (var i = 0; i < boards.Length; i++)
            {
                // The peak over the whole run, reads of the ratio runs included.
                boards[i].PeakRss = Math.Max(boards[i].PeakRss, processes[i].Status("VmHWM") ?? 0);
                var errors = processes[i].Log.Where(l => l.StartsWith("fail:", StringComparison.Ordinal) || l.StartsWith("crit:", StringComparison.Ordinal)).Take(3).ToList();
                problems.AddRange(errors.Select(e => $"{boards[i].Name} board logged: {e}"));
            }
        }
        finally
        {
            foreach (var process in processes)
            {
                await process.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// The mixed reads' paths: home, the index pages 1-10, the catalog, the JSON index, catalog and pages, and
    /// <see cref="MixedThreads"/> threads spread evenly over the live and archived ones, each as HTML and JSON.
    /// </summary>
    private static async Task<string[]> MixedPaths(Uri board)
    {
        using var client = new HttpClient { BaseAddress = board, Timeout = TimeSpan.FromSeconds(60) };
        using var live = JsonDocument.Parse(await client.GetStringAsync(new Uri("/b/threads.json", UriKind.Relative)));
        using var archived = JsonDocument.Parse(await client.GetStringAsync(new Uri("/b/archive.json", UriKind.Relative)));
        var threads = live.RootElement.EnumerateArray().SelectMany(p => p.GetProperty("threads").EnumerateArray().Select(t => t.GetProperty("no").GetInt64()))
            .Concat(archived.RootElement.EnumerateArray().Select(t => t.GetInt64()))
            .Order().ToList();
        var step = Math.Max(1.0, threads.Count / (double)MixedThreads);
        var sample = Enumerable.Range(0, Math.Min(MixedThreads, threads.Count)).Select(i => threads[(int)(i * step)]).ToList();
        return
        [
            "/", "/b/", .. Enumerable.Range(2, 9).Select(p => Invariant($"/b/page/{p}")), "/b/catalog",
            "/boards.json", "/b/threads.json", "/b/catalog.json", "/b/1.json", "/b/2.json",
            .. sample.Select(t => Invariant($"/b/thread/{t}")), .. sample.Select(t => Invariant($"/b/thread/{t}.json")),
        ];
    }

    private static void Summary(Sized[] boards, SizeOptions options)
    {
        var (s, b) = (boards[0], boards[1]);
        Console.WriteLine();
        Console.WriteLine("Summary (medians; big/small is the ratio of the two boards' figures)");
        Console.WriteLine(Invariant($"{"",-44} {"small",14} {"big",14} {"big/small",10}"));
        void Row(string what, double small, double big, Func<double, string> format) =>
            Console.WriteLine(Invariant($"{what,-44} {format(small),14} {format(big),14} {big / small,10:0.00}"));
        Row("posts", s.Seeded.Posts, b.Seeded.Posts, v => v.ToString("N0", CultureInfo.InvariantCulture));
        Row("threads (150 live, the rest archived)", s.Seeded.Threads, b.Seeded.Threads, v => v.ToString("N0", CultureInfo.InvariantCulture));
        Row("database (board.db with its WAL)", DatabaseBytes(s.DataDirectory), DatabaseBytes(b.DataDirectory), v => Mib((long)v));
        Row("start-up to the first 200 of /", Stats.Median(s.Starts), Stats.Median(b.Starts), v => Invariant($"{v:0.00} s"));
        if (s.CleanStarts.Count > 0 && b.CleanStarts.Count > 0 && s.CrashStarts.Count > 0 && b.CrashStarts.Count > 0)
        {
            Row("  after a clean stop", Stats.Median(s.CleanStarts), Stats.Median(b.CleanStarts), v => Invariant($"{v:0.00} s"));
            Row("  after a kill (quick_check reads the whole file)", Stats.Median(s.CrashStarts), Stats.Median(b.CrashStarts), v => Invariant($"{v:0.00} s"));
        }
        Row("RSS just after start-up", Stats.Median(s.RssAtStart.Select(r => (double)r)), Stats.Median(b.RssAtStart.Select(r => (double)r)), v => Mib((long)v));
        Row(Invariant($"RSS after {options.MixedSeconds} s of mixed reads"), s.RssAfterReads, b.RssAfterReads, v => Mib((long)v));
        Row("  of it anonymous (GC heap, SQLite, stacks)", s.RssSplit.Anon, b.RssSplit.Anon, v => Mib((long)v));
        Row("  of it mapped files (program, libraries)", s.RssSplit.File, b.RssSplit.File, v => Mib((long)v));
        Row("peak RSS (VmHWM) over the run", s.PeakRss, b.PeakRss, v => Mib((long)v));
        Row("mixed reads", s.Mixed!.Requests / (double)options.MixedSeconds, b.Mixed!.Requests / (double)options.MixedSeconds, v => Invariant($"{v:N0} req/s"));
        foreach (var page in new[] { "thread", "index" })
        {
            Row(Invariant($"{page} page bytes"), s.Reads[page].Bytes, b.Reads[page].Bytes, v => v.ToString("N0", CultureInfo.InvariantCulture));
            Row(Invariant($"{page} page, board req/s"), Stats.Median(s.Reads[page].Board), Stats.Median(b.Reads[page].Board), v => v.ToString("N0", CultureInfo.InvariantCulture));
            Row(Invariant($"{page} page, bare Kestrel req/s (same bytes)"), Stats.Median(s.Reads[page].Bare), Stats.Median(b.Reads[page].Bare), v => v.ToString("N0", CultureInfo.InvariantCulture));
            Row(Invariant($"{page} page, board/bare"), s.Ratio(page), b.Ratio(page), v => v.ToString("0.000", CultureInfo.InvariantCulture));
        }
    }

    /// <summary>board.db and its WAL and shared-memory files.</summary>
    private static long DatabaseBytes(string directory) =>
        DatabaseFiles.Select(f => new FileInfo(Path.Combine(directory, f))).Where(f => f.Exists).Sum(f => f.Length);

    private static string Load() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    private static void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException)
        {
            // A leftover temporary directory is harmless.
        }
    }

    private static string Mib(long bytes) => Invariant($"{bytes / 1024.0 / 1024.0:0.0} MiB");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static bool Check(string what, bool ok, string figure)
    {
        Console.WriteLine($"  {(ok ? "ok  " : "FAIL")}  {what}: {figure}");
        return ok;
    }
}
