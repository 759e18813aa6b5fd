using System.Diagnostics;
using System.Globalization;

namespace AnonymousBoard.Benchmarks;

/// <summary>The posting benchmark's options.</summary>
internal sealed record PostingOptions(string Before, int Rounds, int DurationSeconds, int Posters, int Threads)
{
    public const string Usage = """
        Usage: dotnet run -c Release --project tests/AnonymousBoard.Benchmarks -- posting --before PATH/AnonymousBoard.dll [options]
          --before DLL     an older build of the board to compare with, e.g. of commit REV:
                             git worktree add /tmp/before REV
                             dotnet build -c Release /tmp/before/src/AnonymousBoard -o /tmp/before-bin
                           then --before /tmp/before-bin/AnonymousBoard.dll
          --rounds N       rounds; each starts a fresh board of each build, which goes first alternating (default 3)
          --duration S     seconds of each posting run (default 5)
          --posters N      concurrent posters of the second run (default 16)
          --threads N      threads of 3 replies the posters spread over (default 16)
        """;

    public static bool TryParse(string[] args, out PostingOptions options)
    {
        options = new PostingOptions("", 3, 5, 16, 16);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            if (args[i] == "--before")
            {
                options = options with { Before = args[i + 1] };
                continue;
            }
            if (!int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)
            {
                return false;
            }
            switch (args[i])
            {
                case "--rounds": options = options with { Rounds = n }; break;
                case "--duration": options = options with { DurationSeconds = n }; break;
                case "--posters": options = options with { Posters = n }; break;
                case "--threads": options = options with { Threads = n }; break;
                default: return false;
            }
        }
        return args.Length % 2 == 0 && File.Exists(options.Before);
    }
}

/// <summary>
/// "posting": this build of the board against an older one (the commit before a change), in one run: posts per
/// second with one poster and with 16, each fetching its form for the ticket and then posting (the load run's
/// posters), the board's CPU per post and the answers' medians. Each round starts a fresh SQLite board of each
/// build in its own process, which goes first alternating; the summary gives medians, after / before, and the
/// load average. Every acknowledged post is looked for on its thread page before the board stops.
/// Exit code 0 when every check passes, 1 when one fails, 2 for a usage error.
/// </summary>
internal static class PostingBench
{
    private sealed record Run(double PerSecond, double BoardCpuMs, double FormMs, double PostMs);

    public static async Task<int> RunAsync(string[] args)
    {
        if (!PostingOptions.TryParse(args, out var options))
        {
            await Console.Error.WriteLineAsync(PostingOptions.Usage);
            return args.Contains("--help") ? 0 : 2;
        }
        var loadAtStart = Machine.LoadAverage();
        Console.WriteLine("AnonymousBoard posting benchmark: this build against an older one, SQLite, each board in its own process");
        Console.WriteLine(Invariant($"Machine: {Environment.ProcessorCount} cores shared by the board and the posters; load average {loadAtStart} at the start."));
        Console.WriteLine(Invariant($"Before: {Path.GetFullPath(options.Before)}; after: the board beside this program."));
        Console.WriteLine(Invariant($"{options.Rounds} rounds; each starts a fresh board of each build and posts for {options.DurationSeconds} s with 1 poster, then with {options.Posters}, over {options.Threads} threads; the gate held as LoadRun holds it."));

        var builds = new (string Name, string? Program)[] { ("before", options.Before), ("after", null) };
        var runs = builds.ToDictionary(b => b.Name, _ => new Dictionary<int, List<Run>>());
        var problems = new List<string>();
        var clock = Stopwatch.StartNew();
        for (var round = 1; round <= options.Rounds; round++)
        {
            foreach (var (name, program) in round % 2 == 1 ? builds : builds.Reverse())
            {
                await using var board = await BoardProcess.StartAsync(Posters.GateSettings, program: program);
                using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, MaxConnectionsPerServer = 64 })
                {
                    BaseAddress = board.BaseAddress,
                    Timeout = TimeSpan.FromSeconds(60),
                };
                var threads = (await Task.WhenAll(Enumerable.Range(0, options.Threads).Select(k => new Seeder(client).Thread(seed: 100 + k, 3)))).Select(t => t.No).ToList();
                var acknowledged = new List<Acknowledged>();
                var errors = new List<string>();
                async Task<Run> Post(int posters, TimeSpan duration)
                {
                    var run = await Posters.Timed(board, client, threads, posters, duration);
                    acknowledged.AddRange(run.Writes.Acknowledged);
                    errors.AddRange(run.Writes.Errors);
                    return new Run(run.Writes.Acknowledged.Count / run.Seconds, run.BoardCpuMs, run.FormMs, run.PostMs);
                }

                // Warm-up: the posting path compiled and the pages built once, as on a board that has been up a while.
                await Post(options.Posters, TimeSpan.FromSeconds(Math.Max(2, options.DurationSeconds / 2)));
                foreach (var posters in new[] { 1, options.Posters })
                {
                    var run = await Post(posters, TimeSpan.FromSeconds(options.DurationSeconds));
                    (runs[name].TryGetValue(posters, out var list) ? list : runs[name][posters] = []).Add(run);
                    Console.WriteLine(Invariant($"   round {round} {name,-6} {posters,2} poster(s): {run.PerSecond,6:0.0} posts/s (form p50 {run.FormMs:0.0} ms, POST p50 {run.PostMs:0.0} ms), board CPU/post {run.BoardCpuMs:0.00} ms"));
                }
                var check = await Posters.Check(client, acknowledged);
                if (check.Missing.Count > 0 || check.Repeated > 0 || errors.Count > 0)
                {
                    problems.Add(Invariant($"{name}, round {round}: {errors.Count} posts failed, {check.Missing.Count} acknowledged posts missing, {check.Repeated} numbers given twice")
                        + (errors.Count > 0 ? $" (first failure: {errors[0]})" : ""));
                }
                var logged = board.Log.Where(l => l.StartsWith("fail:", StringComparison.Ordinal) || l.StartsWith("crit:", StringComparison.Ordinal)).ToList();
                if (logged.Count > 0)
                {
                    problems.Add($"{name}, round {round}: the board logged {logged.Count} errors (first: {logged[0]})");
                }
            }
        }

        Console.WriteLine();
        Console.WriteLine(Invariant($"Summary (medians of {options.Rounds} rounds; load average {loadAtStart} at the start, {Machine.LoadAverage()} at the end; {clock.Elapsed.TotalMinutes:0.0} min):"));
        Console.WriteLine("| | before | after | after / before |");
        Console.WriteLine("| --- | --- | --- | --- |");
        foreach (var posters in new[] { 1, options.Posters })
        {
            double Median(string name, Func<Run, double> figure) => Stats.Median(runs[name][posters].Select(figure));
            var (b, a) = (Median("before", r => r.PerSecond), Median("after", r => r.PerSecond));
            Console.WriteLine(Invariant($"| posts/s, {posters} poster(s) | {b:0.0} | {a:0.0} | {a / b:0.00} |"));
            var (bc, ac) = (Median("before", r => r.BoardCpuMs), Median("after", r => r.BoardCpuMs));
            Console.WriteLine(Invariant($"| board CPU per post, {posters} poster(s) | {bc:0.00} ms | {ac:0.00} ms | {ac / bc:0.00} |"));
            Console.WriteLine(Invariant($"| form GET p50 + POST p50, {posters} poster(s) | {Median("before", r => r.FormMs):0.0} + {Median("before", r => r.PostMs):0.0} ms | {Median("after", r => r.FormMs):0.0} + {Median("after", r => r.PostMs):0.0} ms | |"));
        }
        Console.WriteLine();
        Console.WriteLine("Checks:");
        var ok = Stats.Check("every post answered and on its page, nothing logged as an error, on both builds", problems.Count == 0, problems.Count == 0 ? "" : problems[0]);
        Console.WriteLine(ok ? "Result: all checks passed" : "Result: FAILED");
        return ok ? 0 : 1;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
