using System.Globalization;

namespace AnonymousBoard.Benchmarks;

/// <summary>The engines benchmark's closing tables.</summary>
internal static partial class EnginesBench
{
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
}
