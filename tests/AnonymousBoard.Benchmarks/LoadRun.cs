using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using AnonymousBoard.Site;
using AnonymousBoard.Hosting;
using AnonymousBoard.Reading;

namespace AnonymousBoard.Benchmarks;

/// <summary>
/// The load run of issue 8: many readers and writers at once against the board running in its own
/// process. Readers are wrk connections (closed loop: each asks again as soon as it has its
/// answer) spread over the board's pages; writers post as scripts do, each fetching the form for
/// its ticket and then posting, now and then with an image. It reports the read latency
/// percentiles, the throughput, the board's peak memory (VmHWM), and checks that nothing failed,
/// nothing was logged as an error, and every post the board acknowledged is on its page.
/// Exit code 0 when every check passes, 1 when one fails, 2 for a usage error.
/// </summary>
internal static partial class LoadRun
{
    private const int SeededThreads = 12;

    // The readers' pages, spread over the connections; wrk reads them from the environment.
    private const string ReadScript = """
        -- AnonymousBoard load run: each request takes the next page of ANONBOARD_PATHS.
        local paths = {}
        for p in string.gmatch(os.getenv("ANONBOARD_PATHS") or "/", "%S+") do paths[#paths + 1] = p end
        local n = 0
        request = function()
          n = n + 1
          return wrk.format("GET", paths[(n % #paths) + 1])
        end
        done = function(summary, latency, requests)
          local e = summary.errors
          io.write(string.format("ANONBOARD requests=%d status=%d connect=%d read=%d write=%d timeout=%d p50=%d p90=%d p99=%d max=%d\n",
            summary.requests, e.status, e.connect, e.read, e.write, e.timeout,
            latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
        end
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        if (!LoadOptions.TryParse(args, out var options, out var usage))
        {
            await Console.Error.WriteLineAsync(usage);
            return args.Contains("--help") ? 0 : 2;
        }
        var wrk = options.ForceHttpClient ? null : Wrk.Find();
        Console.WriteLine("AnonymousBoard load run");
        Console.WriteLine(Invariant($"Machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}; the board, wrk and the writers share them."));
        Console.WriteLine(Invariant($"{options.Readers} readers ({(wrk is null ? "built-in HttpClient loops, in this process" : wrk.Description)}) and {options.Writers} writers for {options.DurationSeconds} s, "));
        Console.WriteLine(options.ImageEvery > 0 ? Invariant($"every {options.ImageEvery}th post of each writer with a PNG image.") : "text posts only.");
        Console.WriteLine("The gate is on (every post needs its form's ticket) but held at calm with no time lock and a board-wide");
        Console.WriteLine("post budget that allows this many writers, as the tests run it.");

        await using var board = await BoardProcess.StartAsync(Posters.GateSettings);
        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, MaxConnectionsPerServer = options.Writers + 8 })
        {
            BaseAddress = board.BaseAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };
        var seeder = new Seeder(client);
        var threads = new List<long>();
        for (var i = 0; i < SeededThreads; i++)
        {
            threads.Add((await seeder.Thread(seed: i, replies: options.SeedReplies)).No);
        }
        string[] paths = ["/", "/b/", "/b/page/2", "/b/catalog", "/b/rules", StyleSheet.Url, .. threads.Select(t => Invariant($"/b/thread/{t}"))];
        Console.WriteLine(Invariant($"Board {board.BaseAddress} (pid {board.Pid}); seeded {SeededThreads} threads of {options.SeedReplies} replies; readers cycle over {paths.Length} pages."));
        var rssAtStart = board.Status("VmRSS") ?? 0;
        var boardCpuBefore = board.CpuTime();
        var machineBefore = Machine.Busy();
        var ownBefore = Environment.CpuUsage.TotalTime + (Machine.ChildrenCpu() ?? TimeSpan.Zero);

        var duration = TimeSpan.FromSeconds(options.DurationSeconds);
        var writes = new Writes();
        var samples = new List<(double Seconds, long Rss)>();
        var clock = Stopwatch.StartNew();
        var readers = wrk is null
            ? ReadWithHttpClient(board.BaseAddress, paths, options.Readers, duration)
            : ReadWithWrk(wrk, board.BaseAddress, paths, options, duration);
        var writers = Enumerable.Range(0, options.Writers).Select(w => Task.Run(() => Posters.Write(client, w, threads, options.ImageEvery, duration, clock, writes))).ToList();
        while (!readers.IsCompleted || writers.Any(w => !w.IsCompleted))
        {
            samples.Add((clock.Elapsed.TotalSeconds, board.Status("VmRSS") ?? 0));
            await Task.WhenAny(Task.WhenAll([readers, .. writers]), Task.Delay(500));
        }
        var reads = await readers;
        // Writers stop starting posts at the deadline; the last ones may be answered a little later.
        var elapsed = clock.Elapsed.TotalSeconds;
        var boardCpuAfter = board.CpuTime();
        var boardCpu = (boardCpuAfter.Own - boardCpuBefore.Own).TotalSeconds;
        var vipsCpu = (boardCpuAfter.Children - boardCpuBefore.Children).TotalSeconds;
        var ownCpu = (Environment.CpuUsage.TotalTime + (Machine.ChildrenCpu() ?? TimeSpan.Zero) - ownBefore).TotalSeconds;
        var othersCpu = Machine.Busy() - machineBefore is { } machine ? Math.Max(0, machine.TotalSeconds - boardCpu - vipsCpu - ownCpu) : (double?)null;
        var peak = board.Status("VmHWM") ?? 0;
        var rssAtEnd = board.Status("VmRSS") ?? 0;
        var serverThreads = board.Status("Threads");

        // Every post the board acknowledged with a 303 must be on its thread's page.
        var check = await Posters.Check(client, writes.Acknowledged);
        var (missing, repeated, largestPage) = (check.Missing, check.Repeated, check.LargestPage);
        var logProblems = board.Log.Where(l => l.StartsWith("fail:", StringComparison.Ordinal) || l.StartsWith("crit:", StringComparison.Ordinal)
            || l.Contains("SQLITE_BUSY", StringComparison.Ordinal) || l.Contains("database is locked", StringComparison.Ordinal)).ToList();
        var stillAnswering = !board.HasExited && (await client.GetAsync(new Uri("/b/", UriKind.Relative))).StatusCode == HttpStatusCode.OK;

        var textPosts = writes.Latencies.Where(l => !l.Image).Select(l => l.Seconds).Order().ToList();
        var imagePosts = writes.Latencies.Where(l => l.Image).Select(l => l.Seconds).Order().ToList();
        Console.WriteLine();
        Console.WriteLine(Invariant($"Reads:  {reads.Requests:N0} in {options.DurationSeconds} s = {reads.Requests / (double)options.DurationSeconds:N0}/s; latency p50 {Ms(reads.P50)}, p90 {Ms(reads.P90)}, p99 {Ms(reads.P99)}, max {Ms(reads.Max)}; errors {reads.Errors}"));
        Console.WriteLine(Invariant($"Posts:  {writes.Acknowledged.Count:N0} acknowledged in {elapsed:0.0} s = {writes.Acknowledged.Count / elapsed:0.0}/s; errors {writes.Errors.Count}"));
        Console.WriteLine(Invariant($"        text  {textPosts.Count,6:N0}: POST answered in p50 {Ms(Percentile(textPosts, 50))}, p99 {Ms(Percentile(textPosts, 99))}, max {Ms(textPosts.LastOrDefault())}"));
        if (imagePosts.Count > 0)
        {
            Console.WriteLine(Invariant($"        image {imagePosts.Count,6:N0}: POST answered in p50 {Ms(Percentile(imagePosts, 50))}, p99 {Ms(Percentile(imagePosts, 99))}, max {Ms(imagePosts.LastOrDefault())} (images are decoded one at a time)"));
        }
        Console.WriteLine(Invariant($"Board:  peak memory (VmHWM) {Mib(peak)}; RSS {Mib(rssAtStart)} after seeding, {Mib(rssAtEnd)} at the end; {serverThreads} threads"));
        if (largestPage > 0)
        {
            // Memory follows the size of the pages being served, which grows as replies pile up in the same threads.
            Console.WriteLine(Invariant($"        the largest thread page at the end is {largestPage / 1024} KiB"));
        }
        Console.WriteLine("        RSS during the run: " + string.Join(", ", Enumerable.Range(1, 6).Select(k => samples.LastOrDefault(s => s.Seconds <= elapsed * k / 6))
            .Select(s => Invariant($"{s.Seconds:0} s {Mib(s.Rss)}"))));
        Console.WriteLine(Invariant($"CPU:    the board {boardCpu / elapsed:0.00} cores, its image workers {vipsCpu / elapsed:0.00}, wrk and the writers {ownCpu / elapsed:0.00}")
            + (othersCpu is { } others ? Invariant($", other processes {others / elapsed:0.00} (of {Environment.ProcessorCount})") : ""));
        if (othersCpu / elapsed > 0.1 * Environment.ProcessorCount)
        {
            Console.WriteLine("WARNING: other processes took a good part of the machine, so latencies and rates are worse than on a quiet one.");
        }
        Console.WriteLine(Invariant($"Checked {writes.Acknowledged.Count:N0} acknowledged posts on {writes.Acknowledged.Select(a => a.Thread).Distinct().Count()} thread pages: {missing.Count} missing, {repeated} numbers given twice."));
        foreach (var error in writes.Errors.Concat(reads.ErrorSamples).Concat(missing).Concat(logProblems).Take(10))
        {
            Console.WriteLine("  " + error);
        }

        Console.WriteLine();
        Console.WriteLine("Checks:");
        var ok = Check("no read failed", reads.Errors == 0, Invariant($"{reads.Errors} of {reads.Requests:N0}"));
        ok &= Check("no post failed", writes.Errors.IsEmpty, Invariant($"{writes.Errors.Count} of {writes.Acknowledged.Count + writes.Errors.Count:N0}"));
        ok &= Check("every acknowledged post is on its page", missing.Count == 0 && repeated == 0, Invariant($"{missing.Count} missing, {repeated} repeated"));
        ok &= Check("the board logged no error (no SQLITE_BUSY, no unhandled exception)", logProblems.Count == 0, Invariant($"{logProblems.Count} lines"));
        ok &= Check("the board still answers", stillAnswering, stillAnswering ? "yes" : "no");
        Console.WriteLine(ok ? "Result: all checks passed" : "Result: FAILED");
        return ok ? 0 : 1;
    }

    internal sealed record Reads(long Requests, long Errors, double P50, double P90, double P99, double Max, IReadOnlyList<string> ErrorSamples);

    internal static async Task<Reads> ReadWithWrk(Wrk wrk, Uri baseAddress, string[] paths, LoadOptions options, TimeSpan duration)
    {
        var script = Path.Combine(Path.GetTempPath(), "anonboard-reads-" + Guid.NewGuid().ToString("N") + ".lua");
        await File.WriteAllTextAsync(script, ReadScript);
        try
        {
            var start = new ProcessStartInfo(wrk.Executable)
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                Environment = { ["ANONBOARD_PATHS"] = string.Join(' ', paths) },
            };
            foreach (var argument in new[]
            {
                Invariant($"-t{Math.Min(options.WrkThreads, options.Readers)}"), Invariant($"-c{options.Readers}"), Invariant($"-d{(int)duration.TotalSeconds}s"),
                "--timeout", "30s", "-s", script, baseAddress.AbsoluteUri,
            })
            {
                start.ArgumentList.Add(argument);
            }
            using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start wrk.");
            var errors = process.StandardError.ReadToEndAsync();
            var output = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            var line = WrkSummary().Match(output);
            if (!line.Success)
            {
                throw new InvalidOperationException($"wrk printed no summary (exit {process.ExitCode}):\n{output}\n{await errors}");
            }
            long Field(string name) => long.Parse(line.Groups[name].Value, CultureInfo.InvariantCulture);
            var failed = Field("status") + Field("connect") + Field("read") + Field("write") + Field("timeout");
            IReadOnlyList<string> samples = failed == 0 ? [] :
                [Invariant($"wrk: {Field("status")} answers not 2xx/3xx, socket errors connect {Field("connect")}, read {Field("read")}, write {Field("write")}, timeout {Field("timeout")}")];
            return new Reads(Field("requests"), failed, Field("p50") / 1e6, Field("p90") / 1e6, Field("p99") / 1e6, Field("max") / 1e6, samples);
        }
        finally
        {
            File.Delete(script);
        }
    }

    /// <summary>The fallback without wrk: keep-alive HttpClient loops in this process, each asking again when answered.</summary>
    private static async Task<Reads> ReadWithHttpClient(Uri baseAddress, string[] paths, int readers, TimeSpan duration)
    {
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = readers, UseCookies = false, AllowAutoRedirect = false })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
        var latencies = new ConcurrentBag<double>();
        var errors = new ConcurrentQueue<string>();
        var clock = Stopwatch.StartNew();
        async Task Loop(int reader)
        {
            for (var i = reader; clock.Elapsed < duration; i++)
            {
                var path = paths[i % paths.Length];
                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
                    await response.Content.ReadAsByteArrayAsync();
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        errors.Enqueue(Invariant($"GET {path}: {(int)response.StatusCode}"));
                    }
                }
                catch (HttpRequestException e)
                {
                    errors.Enqueue($"GET {path}: {e.Message}");
                }
                catch (TaskCanceledException)
                {
                    errors.Enqueue($"GET {path}: no answer within 30 s");
                }
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalSeconds);
            }
        }
        await Task.WhenAll(Enumerable.Range(0, readers).Select(r => Task.Run(() => Loop(r))));
        var sorted = latencies.OrderBy(x => x).ToList();
        return new Reads(sorted.Count, errors.Count, Percentile(sorted, 50), Percentile(sorted, 90), Percentile(sorted, 99), sorted.LastOrDefault(), [.. errors.Take(5)]);
    }

    private static double Percentile(List<double> sorted, double percent) =>
        sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(percent / 100 * sorted.Count) - 1)];

    private static string Ms(double seconds) => Invariant($"{seconds * 1000:0.0} ms");

    private static string Mib(long bytes) => Invariant($"{bytes / 1024.0 / 1024.0:0.0} MiB");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static bool Check(string what, bool ok, string figure)
    {
        Console.WriteLine($"  {(ok ? "ok  " : "FAIL")}  {what}: {figure}");
        return ok;
    }

    [GeneratedRegex(@"ANONBOARD requests=(?<requests>\d+) status=(?<status>\d+) connect=(?<connect>\d+) read=(?<read>\d+) write=(?<write>\d+) timeout=(?<timeout>\d+) p50=(?<p50>\d+) p90=(?<p90>\d+) p99=(?<p99>\d+) max=(?<max>\d+)")]
    private static partial Regex WrkSummary();
}

/// <summary>The load run's options; the defaults are the issue's: 200 readers, 20 writers, a minute.</summary>
internal sealed record LoadOptions(int Readers, int Writers, int DurationSeconds, int WrkThreads, int ImageEvery, int SeedReplies, bool ForceHttpClient)
{
    private const string Usage = """
        Usage: dotnet run -c Release --project tests/AnonymousBoard.Benchmarks -- load [options]
          --readers N       concurrent reading connections (default 200)
          --writers N       concurrent posters (default 20; 0 for a read-only run)
          --duration S      seconds of load (default 60)
          --wrk-threads N   wrk threads (default 2)
          --image-every N   every Nth post of each writer carries an image; 0 for none (default 20)
          --seed-replies N  replies in each of the 12 threads seeded before the run (default 20)
          --http-client     read with built-in HttpClient loops even if wrk is installed
        """;

    public static bool TryParse(string[] args, out LoadOptions options, out string usage)
    {
        options = new LoadOptions(200, 20, 60, 2, 20, 20, false);
        usage = Usage;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--http-client")
            {
                options = options with { ForceHttpClient = true };
                continue;
            }
            if (args[i] == "--help" || i + 1 >= args.Length
                || !int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                return false;
            }
            switch (args[i++])
            {
                case "--readers" when n > 0: options = options with { Readers = n }; break;
                case "--writers": options = options with { Writers = n }; break;
                case "--seed-replies": options = options with { SeedReplies = n }; break;
                case "--duration" when n > 0: options = options with { DurationSeconds = n }; break;
                case "--wrk-threads" when n > 0: options = options with { WrkThreads = n }; break;
                case "--image-every": options = options with { ImageEvery = n }; break;
                default: return false;
            }
        }
        return true;
    }
}
