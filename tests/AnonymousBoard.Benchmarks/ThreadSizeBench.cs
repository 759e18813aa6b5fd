using System.Diagnostics;
using System.Globalization;

namespace AnonymousBoard.Benchmarks;

/// <summary>The thread-size benchmark's options; the defaults fit one run in a few minutes on two shared cores.</summary>
internal sealed record ThreadSizeOptions(int Rounds, int DurationSeconds, int Posters, int Threads, int BigReplies, int SmallReplies, string? Board = null)
{
    public const string Usage = """
        Usage: dotnet run -c Release --project tests/AnonymousBoard.Benchmarks -- threadsize [options]
          --rounds N       interleaved rounds (small threads, big threads, ...) (default 3)
          --duration S     seconds of each posting run (default 4)
          --posters N      concurrent posters of the second run of each case (default 16)
          --threads N      threads the posters spread over in each case (default 16)
          --big N          replies of each big thread when seeded, for each round and number of posters (default 290)
          --small N        replies of each small thread when made (default 3)
          --board PATH     another build's AnonymousBoard.dll to measure instead of the one beside this program
        """;

    public static bool TryParse(string[] args, out ThreadSizeOptions options)
    {
        options = new ThreadSizeOptions(3, 4, 16, 16, 290, 3);
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--board" && i + 1 < args.Length && File.Exists(args[i + 1]))
            {
                options = options with { Board = args[++i] };
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
                case "--posters": options = options with { Posters = n }; break;
                case "--threads": options = options with { Threads = n }; break;
                case "--big": options = options with { BigReplies = n }; break;
                case "--small": options = options with { SmallReplies = n }; break;
                default: return false;
            }
        }
        return true;
    }
}

/// <summary>
/// "threadsize", issue 17's "posting cost independent of thread size": posts per second into small threads (3
/// replies) and into big ones (290 replies) on one SQLite board in its own process, with 1 poster and with 16,
/// each fetching the thread page for its ticket and then posting (Posters). Rounds alternate the two cases
/// (which goes first alternates too); the summary gives medians, the ratio big/small (the goal: 0.8 or more)
/// with the absolute figures, and the board's CPU per post. Small threads are made fresh for every run, big ones
/// for every round and number of posters; they grow while posted to, so the summary says how big they were. A third case posts into the
/// big threads with form fetches that ask for the page compressed (as Tor Browser's do), to show what compressing the
/// page again after every reply costs.
/// Every acknowledged post is looked for on its thread page afterwards.
/// Exit code 0 when every check passes, 1 when one fails (the ratio is reported, not checked), 2 for a usage error.
/// </summary>
internal static class ThreadSizeBench
{
    private const double Goal = 0.8;

    private enum Kind { Small, Big, BigCompressed }

    private static readonly Dictionary<Kind, string> Names = new() { [Kind.Small] = "small", [Kind.Big] = "big", [Kind.BigCompressed] = "big, compressed" };

    private sealed record Run(int Posts, double Seconds, double BoardCpuMs, double FormMs, double PostMs, double PostersCpuMs)
    {
        public double PerSecond => Posts / Seconds;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        if (!ThreadSizeOptions.TryParse(args, out var options))
        {
            await Console.Error.WriteLineAsync(ThreadSizeOptions.Usage);
            return args.Contains("--help") ? 0 : 2;
        }
        var loadAtStart = Machine.LoadAverage();
        Console.WriteLine("AnonymousBoard thread-size benchmark: posting into small threads and into big ones, SQLite, the board in its own process");
        Console.WriteLine(Invariant($"Machine: {Environment.ProcessorCount} cores shared by the board and the posters; load average {loadAtStart} at the start."));
        Console.WriteLine(Invariant($"{options.Rounds} rounds of {options.DurationSeconds} s per run; posters spread over {options.Threads} threads of {options.SmallReplies} replies (made fresh for each run) or of {options.BigReplies} (fresh for each round and number of posters); the gate held as LoadRun holds it."));

        var problems = new List<string>();
        var acknowledged = new List<Acknowledged>();
        var errors = new List<string>();
        var runs = new Dictionary<(Kind Kind, int Posters), List<Run>>();
        var clock = Stopwatch.StartNew();
        if (options.Board is { } other)
        {
            Console.WriteLine($"Board: {Path.GetFullPath(other)}");
        }
        await using (var board = await BoardProcess.StartAsync(Posters.GateSettings, program: options.Board))
        {
            // The big threads pass the bump limit during the run and sink; the threads made meanwhile (fresh small ones,
            // the posters' new ones) must not push them off the board.
            await board.RunCommand("boards", "update", "b", "--thread-cap", "100000");
            using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, MaxConnectionsPerServer = 64 })
            {
                BaseAddress = board.BaseAddress,
                Timeout = TimeSpan.FromSeconds(60),
            };
            // A poster that asks for the page compressed, as Tor Browser does: each reply's next fetch compresses the page again.
            using var compressed = new HttpClient(new SocketsHttpHandler
            {
                AllowAutoRedirect = false, UseCookies = false, MaxConnectionsPerServer = 64, AutomaticDecompression = System.Net.DecompressionMethods.All,
            })
            {
                BaseAddress = board.BaseAddress,
                Timeout = TimeSpan.FromSeconds(60),
            };
            var made = 0;
            // Each seeder posts its own thread, all at once: the board takes them together as posters would. Fresh big
            // threads for each round and number of posters, so they are measured near the size asked for: posting grows them.
            async Task<List<long>> Big()
            {
                var seeding = Stopwatch.StartNew();
                var threads = await Task.WhenAll(Enumerable.Range(0, options.Threads).Select(k => new Seeder(client).Thread(seed: 500 + made++, options.BigReplies, numbered: true)));
                Console.WriteLine(Invariant($"   seeded {options.Threads} threads of {options.BigReplies} replies in {seeding.Elapsed.TotalSeconds:0.0} s"));
                return [.. threads.Select(t => t.No)];
            }

            async Task<List<long>> Small()
            {
                var threads = await Task.WhenAll(Enumerable.Range(0, options.Threads).Select(k => new Seeder(client).Thread(seed: 1000 + made++, options.SmallReplies, numbered: true)));
                return [.. threads.Select(t => t.No)];
            }

            async Task<Run> Post(List<long> threads, int posters, bool compressedForms = false)
            {
                var run = await Posters.Timed(board, compressedForms ? compressed : client, threads, posters, TimeSpan.FromSeconds(options.DurationSeconds));
                acknowledged.AddRange(run.Writes.Acknowledged);
                errors.AddRange(run.Writes.Errors);
                return new Run(run.Writes.Acknowledged.Count, run.Seconds, run.BoardCpuMs, run.FormMs, run.PostMs, run.PostersCpuMs);
            }

            // Warm-up: the posting path compiled, both kinds of thread page built once.
            Console.WriteLine(Invariant($"Board pid {board.Pid}; warming up."));
            await Post(await Small(), options.Posters);
            await Post(await Big(), 1);

            var bigReplies = new List<int>();
            for (var round = 1; round <= options.Rounds; round++)
            {
                foreach (var posters in new[] { 1, options.Posters })
                {
                    var big = await Big();
                    bigReplies.Add((await Replies(client, big)).Min);
                    // Alternate which case goes first, so neither always follows the other.
                    foreach (var kind in round % 2 == 1 ? new[] { Kind.Small, Kind.Big, Kind.BigCompressed } : [Kind.BigCompressed, Kind.Big, Kind.Small])
                    {
                        var run = await Post(kind == Kind.Small ? await Small() : big, posters, kind == Kind.BigCompressed);
                        (runs.TryGetValue((kind, posters), out var list) ? list : runs[(kind, posters)] = []).Add(run);
                        Console.WriteLine(Invariant($"   round {round} {Names[kind],-16} {posters,2} poster(s): {run.PerSecond,6:0.0} posts/s (form p50 {run.FormMs:0.0} ms, POST p50 {run.PostMs:0.0} ms), board CPU/post {run.BoardCpuMs:0.00} ms, posters' {run.PostersCpuMs:0.00} ms"));
                    }
                    bigReplies.Add((await Replies(client, big)).Max);
                }
            }

            var check = await Posters.Check(client, acknowledged);
            Console.WriteLine(Invariant($"   {acknowledged.Count:N0} acknowledged posts on {check.Threads} thread pages: {check.Missing.Count} missing, {check.Repeated} numbers given twice; largest page {check.LargestPage:N0} bytes"));
            if (check.Missing.Count > 0 || check.Repeated > 0)
            {
                problems.Add(Invariant($"{check.Missing.Count} acknowledged posts missing from their pages (first: {(check.Missing.Count > 0 ? check.Missing[0] : "")}), {check.Repeated} numbers given twice"));
            }
            var logged = board.Log.Where(l => l.StartsWith("fail:", StringComparison.Ordinal) || l.StartsWith("crit:", StringComparison.Ordinal)).ToList();
            if (logged.Count > 0)
            {
                problems.Add($"the board logged {logged.Count} errors (first: {logged[0]})");
            }

            Console.WriteLine();
            Console.WriteLine(Invariant($"Summary (medians of {options.Rounds} rounds; load average {loadAtStart} at the start, {Machine.LoadAverage()} at the end; {clock.Elapsed.TotalMinutes:0.0} min):"));
            Console.WriteLine(Invariant($"big threads had {bigReplies.Min()}-{bigReplies.Max()} replies while measured (made fresh for each round and number of posters, then grown by both big cases)."));
            Console.WriteLine("| | small threads | big threads | big / small |");
            Console.WriteLine("| --- | --- | --- | --- |");
            foreach (var posters in new[] { 1, options.Posters })
            {
                var small = runs[(Kind.Small, posters)];
                var large = runs[(Kind.Big, posters)];
                var s = Stats.Median(small.Select(r => r.PerSecond));
                var b = Stats.Median(large.Select(r => r.PerSecond));
                Console.WriteLine(Invariant($"| posts/s, {posters} poster(s) | {s:0.0} | {b:0.0} | {b / s:0.00} |"));
                var sc = Stats.Median(small.Select(r => r.BoardCpuMs));
                var bc = Stats.Median(large.Select(r => r.BoardCpuMs));
                Console.WriteLine(Invariant($"| board CPU per post, {posters} poster(s) | {sc:0.00} ms | {bc:0.00} ms | {bc / sc:0.00} |"));
                var sp = Stats.Median(small.Select(r => r.PostersCpuMs));
                var bp = Stats.Median(large.Select(r => r.PostersCpuMs));
                Console.WriteLine(Invariant($"| posters' CPU per post (this process), {posters} poster(s) | {sp:0.00} ms | {bp:0.00} ms | {bp / sp:0.00} |"));
                Console.WriteLine(Invariant($"| form GET p50 + POST p50, {posters} poster(s) | {Stats.Median(small.Select(r => r.FormMs)):0.0} + {Stats.Median(small.Select(r => r.PostMs)):0.0} ms | {Stats.Median(large.Select(r => r.FormMs)):0.0} + {Stats.Median(large.Select(r => r.PostMs)):0.0} ms | |"));
                Console.WriteLine(Invariant($"  (goal: big / small posts/s >= {Goal:0.0} with {posters} poster(s): {(b / s >= Goal ? "met" : "not met")})"));
            }
            Console.WriteLine();
            Console.WriteLine("What compression adds: the same big threads, the posters' form fetches asking for 'gzip, deflate, br' (each reply's next fetch compresses the page again):");
            Console.WriteLine("| | big threads, forms uncompressed | big threads, forms compressed | compressed / uncompressed |");
            Console.WriteLine("| --- | --- | --- | --- |");
            foreach (var posters in new[] { 1, options.Posters })
            {
                var plain = runs[(Kind.Big, posters)];
                var coded = runs[(Kind.BigCompressed, posters)];
                var p = Stats.Median(plain.Select(r => r.PerSecond));
                var c = Stats.Median(coded.Select(r => r.PerSecond));
                Console.WriteLine(Invariant($"| posts/s, {posters} poster(s) | {p:0.0} | {c:0.0} | {c / p:0.00} |"));
                var pc = Stats.Median(plain.Select(r => r.BoardCpuMs));
                var cc = Stats.Median(coded.Select(r => r.BoardCpuMs));
                Console.WriteLine(Invariant($"| board CPU per post, {posters} poster(s) | {pc:0.00} ms | {cc:0.00} ms | {cc / pc:0.00} |"));
                Console.WriteLine(Invariant($"| form GET p50, {posters} poster(s) | {Stats.Median(plain.Select(r => r.FormMs)):0.0} ms | {Stats.Median(coded.Select(r => r.FormMs)):0.0} ms | |"));
            }
        }

        Console.WriteLine();
        Console.WriteLine("Checks:");
        var ok = Stats.Check("no post failed", errors.Count == 0, Invariant($"{errors.Count} of {acknowledged.Count + errors.Count:N0}") + (errors.Count > 0 ? " (" + errors[0] + ")" : ""));
        foreach (var problem in problems)
        {
            ok = Stats.Check(problem, false, "");
        }
        Console.WriteLine(ok ? "Result: all checks passed" : "Result: FAILED");
        return ok ? 0 : 1;
    }

    /// <summary>The fewest and most replies among <paramref name="threads"/>, counted on their pages.</summary>
    private static async Task<(int Min, int Max)> Replies(HttpClient client, List<long> threads)
    {
        var counts = new List<int>();
        foreach (var thread in threads)
        {
            var html = await client.GetStringAsync(new Uri(Invariant($"/b/thread/{thread}"), UriKind.Relative));
            counts.Add(CountOf(html, "<article class=\"post") - 1);
        }
        return (counts.Min(), counts.Max());
    }

    private static int CountOf(string text, string what)
    {
        var n = 0;
        for (var at = text.IndexOf(what, StringComparison.Ordinal); at >= 0; at = text.IndexOf(what, at + what.Length, StringComparison.Ordinal))
        {
            n++;
        }
        return n;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
