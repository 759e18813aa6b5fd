using System.Globalization;
using AnonymousBoard.Benchmarks;

// What the read-path check (Program.cs) measures, and how it is asked to.

/// <summary>A page and its fixed-bytes twin, with the runs of each.</summary>
internal sealed record BenchCase(string Name, string PagePath, string BaselinePath, int Bytes, string? AcceptEncoding = null)
{
    public List<Measured> Baseline { get; } = [];
    public List<Measured> Page { get; } = [];

    /// <summary>Mean page throughput over mean baseline throughput, the runs alternating.</summary>
    public double Ratio => Page.Average(r => r.Load.RequestsPerSecond) / Baseline.Average(r => r.Load.RequestsPerSecond);

    /// <summary>Each round's page over the baseline run just before it: shows how steady the machine was.</summary>
    public IEnumerable<double> RoundRatios => Page.Zip(Baseline, (p, b) => p.Load.RequestsPerSecond / b.Load.RequestsPerSecond);

    /// <summary>
    /// Baseline over page CPU per request, server and load generator together: what the throughput
    /// ratio comes to when the two are alone on the machine and CPU-bound. Null without wrk's figures.
    /// </summary>
    public double? CpuBoundRatio => Page.Concat(Baseline).All(r => r.ClientMicros is not null)
        ? Baseline.Average(r => r.ServerMicros + r.ClientMicros!.Value) / Page.Average(r => r.ServerMicros + r.ClientMicros!.Value)
        : null;
}

/// <summary>
/// A load run, with the CPU time per request of the server and (for wrk) of the load generator, and
/// what the process allocated per request.
/// </summary>
internal sealed record Measured(LoadResult Load, double ServerMicros, double? ClientMicros, double AllocatedKb)
{
    /// <summary>One load run against a board served by this process.</summary>
    public static async Task<Measured> Take(ILoadGenerator generator, Uri url, LoadShape shape)
    {
        // With wrk, this process is the server (the harness waits meanwhile), so its CPU time over
        // the run, per request, is what one request costs the server: a figure that other work on
        // the machine disturbs much less than requests/s. The fallback client runs in here too.
        // wrk is a child process: its CPU time shows up in this process's children's times.
        var cpuBefore = Environment.CpuUsage.TotalTime;
        var childBefore = Machine.ChildrenCpu();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var result = await generator.Run(url, shape);
        var requests = Math.Max(1, result.Requests);
        var serverMicros = (Environment.CpuUsage.TotalTime - cpuBefore).TotalMicroseconds / requests;
        // Under DATAS (server GC's default) this total can step back or forward when the GC
        // changes its heap count (dotnet/runtime#131069), so the summary takes the median.
        var allocatedKb = (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / 1024.0 / requests;
        var wrkMicros = generator is Wrk && Machine.ChildrenCpu() is { } childAfter && childBefore is { } before
            ? (childAfter - before).TotalMicroseconds / requests
            : (double?)null;
        return new Measured(result, serverMicros, wrkMicros, allocatedKb);
    }
}

/// <summary>Command-line options; the defaults are the documented measurement.</summary>
internal sealed record BenchOptions(int Threads, int Connections, int DurationSeconds, int WarmupSeconds, int Rounds, bool ForceHttpClient, string? SaveDirectory)
{
    private const string Usage = """
        Usage: dotnet run -c Release --project tests/AnonymousBoard.Benchmarks -- [options]
          --threads N       load generator threads (default 2)
          --connections N   open keep-alive connections (default 32)
          --duration S      seconds per measured run (default 5)
          --warmup S        seconds of warm-up per URL before measuring (default 5)
          --rounds N        baseline/page pairs per page (default 4; short alternating runs even out
                            changes in what else the machine is doing)
          --http-client     use the built-in HttpClient loop even if wrk is installed
          --save DIR        also write the measured pages to DIR, to look at what was measured
        """;

    public static bool TryParse(string[] args, out BenchOptions options, out string usage)
    {
        options = new BenchOptions(2, 32, 5, 5, 4, false, null);
        usage = Usage;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--http-client")
            {
                options = options with { ForceHttpClient = true };
                continue;
            }
            if (args[i] == "--save" && i + 1 < args.Length)
            {
                options = options with { SaveDirectory = args[++i] };
                continue;
            }
            if (args[i] == "--help" || i + 1 >= args.Length
                || !int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)
            {
                return false;
            }
            switch (args[i++])
            {
                case "--threads": options = options with { Threads = n }; break;
                case "--connections": options = options with { Connections = n }; break;
                case "--duration": options = options with { DurationSeconds = n }; break;
                case "--warmup": options = options with { WarmupSeconds = n }; break;
                case "--rounds": options = options with { Rounds = n }; break;
                default: return false;
            }
        }
        return true;
    }
}
