using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;

namespace AnonymousBoard.Benchmarks.Flood;

/// <summary>Options of the flood drill; the defaults are the issue's: persons at minutes 2, 5 and 10 of a 12-minute flood.</summary>
internal sealed record DrillOptions(double Minutes, double[] PersonsAt, int Fixed, int Rotating, int Reporters, int Readers, double ReaderInterval,
    double Typing, bool Baseline, bool Flood, double MinuteSeconds)
{
    public const string Usage = """
        usage: flood [--minutes 12] [--persons 2,5,10] [--fixed 50] [--rotating 20] [--reporters 5]
                     [--readers 40] [--reader-interval 0.5] [--typing 30] [--no-baseline | --baseline-only]
          --minutes N        how long the attackers run (the run goes on until every person is through)
          --persons LIST     minutes at which a person arrives on a fresh circuit
          --fixed N          attacker circuits that stay the same
          --rotating N       attacker workers that open a new circuit for every form
          --reporters N      workers filing reports, a new circuit each time
          --readers N        reader circuits, each reading a page every --reader-interval seconds
          --typing S         seconds a person takes to write
        """;

    public static bool TryParse(string[] args, out DrillOptions options, out string? problem)
    {
        options = new(12, [2, 5, 10], 50, 20, 5, 40, 0.5, 30, true, true, 60);
        problem = null;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new FormatException($"{args[i]} needs a value");
            double Number() => double.Parse(Next(), CultureInfo.InvariantCulture);
            try
            {
                options = args[i] switch
                {
                    "--minutes" => options with { Minutes = Number() },
                    "--persons" => options with { PersonsAt = [.. Next().Split(',').Select(p => double.Parse(p, CultureInfo.InvariantCulture))] },
                    "--fixed" => options with { Fixed = (int)Number() },
                    "--rotating" => options with { Rotating = (int)Number() },
                    "--reporters" => options with { Reporters = (int)Number() },
                    "--readers" => options with { Readers = (int)Number() },
                    "--reader-interval" => options with { ReaderInterval = Number() },
                    "--typing" => options with { Typing = Number() },
                    "--no-baseline" => options with { Baseline = false },
                    "--baseline-only" => options with { Flood = false },
                    _ => throw new FormatException($"unknown option {args[i]}"),
                };
            }
            catch (FormatException e)
            {
                problem = e.Message + "\n" + Usage;
                return false;
            }
        }
        return true;
    }
}

/// <summary>One minute of a run, as the table prints it.</summary>
internal sealed record MinuteRow(int Minute, string Level, string ReportLevel, int Spam, int Reports, string Refusals, int ReadCount, double P50, double P99,
    int ReadErrors, double Cpu, long Rss, string Tables);

internal sealed record DrillResult(IReadOnlyList<MinuteRow> Minutes, IReadOnlyList<PersonResult> Persons, double P50, double P99, int ReadErrors, int Reads,
    long AttackerStamps, double StampCpu, int LegitHidden, int LegitTargets, int TextLost, double BoardCpu, long PeakRss, int LargestRequestTable,
    int LargestPostTable, bool BoardErrors);

/// <summary>
/// The flood drill of issue 18: the board in its own process on its unix socket, behind the gate as it
/// ships (levels automatic, time locks, real budgets, the PROXY line required), flooded through that
/// socket by fixed and rotating attacker circuits and a report flood while readers read and a person
/// now and then writes a reply. Prints a table per minute and each person's way through, and the same
/// run without attackers for the baselines. Exit code 0 when the issue's goals held, 1 when not.
/// </summary>
internal static partial class FloodDrill
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (!DrillOptions.TryParse(args, out var options, out var problem))
        {
            await Console.Error.WriteLineAsync(problem);
            return 2;
        }
        if (!File.Exists("/usr/bin/hashcash"))
        {
            await Console.Error.WriteLineAsync("hashcash is not installed (Debian package hashcash).");
        }
        Console.WriteLine("AnonymousBoard flood drill");
        Console.WriteLine(Invariant($"Machine: {Environment.ProcessorCount} cores; the board, the attackers, hashcash and the readers share them."));
        Console.WriteLine(Invariant($"{options.Minutes} minutes; persons at minutes {string.Join(", ", options.PersonsAt)}; {options.Fixed} fixed attacker circuits, {options.Rotating} rotating workers, {options.Reporters} report flooders, {options.Readers} readers every {options.ReaderInterval} s."));
        DrillResult? flood = null, baseline = null;
        if (options.Flood)
        {
            Console.WriteLine("\n== With the flood ==");
            flood = await Run(options, attack: true);
            Print(flood);
        }
        if (options.Baseline)
        {
            Console.WriteLine("\n== Baseline: the same run without attackers ==");
            baseline = await Run(options, attack: false);
            Print(baseline);
        }
        var ok = true;
        if (flood is not null)
        {
            ok &= Check(flood, baseline);
        }
        return ok ? 0 : 1;
    }

    private static async Task<DrillResult> Run(DrillOptions options, bool attack)
    {
        var socket = Path.Combine(Path.GetTempPath(), $"anonboard-drill-{Guid.NewGuid():N}.sock");
        await using var board = await BoardProcess.StartAsync([
            $"--Board:UnixSocket={socket}",
            "--Board:Gate:RequireCircuitHeader=true",
            "--Board:Gate:Level=auto",
            "--Board:Gate:TimeLock=true",
            "--Board:Gate:StatsSeconds=10",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:AnonymousBoard.Gate.GateStats=Information",
            "--Logging:LogLevel:Microsoft.AspNetCore.DataProtection=Error",
        ]);
        using var loopback = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = board.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        var (thread, legit) = await Seed(loopback);
        // As an admin sets it on /mod/boards: hide a post pending review after 3 reports.
        using (var db = new SqliteConnection($"Data Source={Path.Combine(board.DataDirectory, "board.db")}"))
        {
            db.Open();
            using var command = db.CreateCommand();
            command.CommandText = "INSERT OR REPLACE INTO board_policies (board_id, rules, auto_hide_reports) SELECT id, '', 3 FROM boards WHERE slug = 'b'";
            command.ExecuteNonQuery();
        }
        Console.WriteLine(Invariant($"Board pid {board.Pid} on {socket}; thread No. {thread}; {legit.Count} legitimate replies are the report flood's targets; auto-hide at 3 reports."));

        var onion = new Onion(socket);
        var log = new DrillLog();
        using var stop = new CancellationTokenSource();
        var childCpuBefore = Machine.ChildrenCpu() ?? TimeSpan.Zero;
        var cpuBefore = board.CpuTime().Own;
        string[] paths = ["/b/", $"/b/thread/{thread}", "/b/catalog"];
        var tasks = new List<Task>();
        for (var i = 0; i < options.Readers; i++)
        {
            tasks.Add(Task.Run(() => Actors.Reader(onion, paths, TimeSpan.FromSeconds(options.ReaderInterval), log, stop.Token)));
        }
        var personTargets = new List<long>(legit);
        if (attack)
        {
            for (var i = 0; i < options.Fixed; i++)
            {
                var circuit = (uint)(0x100 + i);
                tasks.Add(Task.Run(() => Actors.FixedAttacker(onion, circuit, thread, Actors.HashcashTool, log, stop.Token)));
            }
            for (var i = 0; i < options.Rotating; i++)
            {
                tasks.Add(Task.Run(() => Actors.RotatingAttacker(onion, thread, Actors.HashcashTool, log, stop.Token)));
            }
            for (var i = 0; i < options.Reporters; i++)
            {
                tasks.Add(Task.Run(() => Actors.ReportFlooder(onion, () => legit, Actors.HashcashTool, log, stop.Token)));
            }
        }
        var persons = options.PersonsAt.Select((at, n) => Task.Run(async () =>
        {
            await Task.Delay(TimeSpan.FromSeconds(at * options.MinuteSeconds));
            return await Actors.Person(onion, $"person {n + 1} (minute {at})", thread, TimeSpan.FromSeconds(options.Typing), Actors.HashcashTool, log, CancellationToken.None);
        })).ToList();

        Console.WriteLine(Header);
        var rows = new List<MinuteRow>();
        var largestRequest = 0;
        var largestPost = 0;
        var peak = 0L;
        var cpuMark = board.CpuTime().Own;
        var end = TimeSpan.FromSeconds(options.Minutes * options.MinuteSeconds);
        var cap = end + TimeSpan.FromMinutes(20);
        for (var minute = 1; ; minute++)
        {
            var until = TimeSpan.FromSeconds(minute * options.MinuteSeconds);
            if (until > log.Clock.Elapsed)
            {
                await Task.Delay(until - log.Clock.Elapsed);
            }
            var cpu = board.CpuTime().Own;
            var rss = board.Status("VmRSS") ?? 0;
            peak = Math.Max(peak, rss);
            var stats = board.Log.LastOrDefault(l => l.Contains("Gate: posting", StringComparison.Ordinal)) ?? "";
            var request = Field(stats, "requests");
            var post = Field(stats, "posts");
            largestRequest = Math.Max(largestRequest, request);
            largestPost = Math.Max(largestPost, post);
            rows.Add(Minute(minute, options.MinuteSeconds, log, stats, (cpu - cpuMark).TotalSeconds, rss,
                Invariant($"req {request}, post {post}, queued {Field(stats, "queued")}, report {Field(stats, "reports")}")));
            cpuMark = cpu;
            Console.WriteLine(Format(rows[^1]));
            if ((log.Clock.Elapsed >= end && persons.All(p => p.IsCompleted)) || log.Clock.Elapsed >= cap)
            {
                break;
            }
        }
        var personResults = persons.Where(p => p.IsCompletedSuccessfully).Select(p => p.Result).ToList();
        var boardCpu = (board.CpuTime().Own - cpuBefore).TotalSeconds;
        await stop.CancelAsync();
        try
        {
            await Task.WhenAll(tasks);
        }
        catch (OperationCanceledException)
        {
            // Stopped at the end of the run.
        }
        var stampCpu = ((Machine.ChildrenCpu() ?? TimeSpan.Zero) - childCpuBefore).TotalSeconds;
        var threadPage = await loopback.GetStringAsync(new Uri($"/b/thread/{thread}", UriKind.Relative));
        var hidden = legit.Count(no => Regex.Match(threadPage, $"id=\"p{no}\".*?</article>", RegexOptions.Singleline).Value.Contains("hidden pending review", StringComparison.Ordinal));
        var reads = log.Reads.ToList();
        var ok = reads.Where(r => !r.Error).Select(r => r.Ms).Order().ToList();
        return new DrillResult(rows, personResults, Percentile(ok, 50), Percentile(ok, 99), reads.Count(r => r.Error), reads.Count,
            log.Stamps, stampCpu, hidden, legit.Count, log.TextLost.Count, boardCpu, Math.Max(peak, board.Status("VmHWM") ?? 0),
            largestRequest, largestPost, board.Log.Any(l => l.Contains("fail:", StringComparison.Ordinal) || l.Contains("crit:", StringComparison.Ordinal)));
    }

    private static int Field(string stats, string name) =>
        Regex.Match(stats, $@"\b{name}=(\d+)") is { Success: true } m ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;

    private static MinuteRow Minute(int minute, double minuteSeconds, DrillLog log, string stats, double cpu, long rss, string tables)
    {
        var from = (minute - 1) * minuteSeconds;
        var to = minute * minuteSeconds;
        bool In(double at) => at >= from && at < to;
        var events = log.Events.Where(e => In(e.At)).ToList();
        var spam = events.Count(e => e.Who is "fixed" or "rotating" && e.What == "accepted");
        var reports = events.Count(e => e.Who == "reporter" && e.What == "accepted");
        var refusals = string.Join(", ", events.Where(e => e.Who is "fixed" or "rotating" && e.What.StartsWith("refused:", StringComparison.Ordinal))
            .GroupBy(e => e.What[8..]).OrderByDescending(g => g.Count()).Select(g => Invariant($"{g.Key} {g.Count()}")));
        var reads = log.Reads.Where(r => In(r.At)).ToList();
        var ok = reads.Where(r => !r.Error).Select(r => r.Ms).Order().ToList();
        var level = Regex.Match(stats, @"posting (\w+)") is { Success: true } l ? l.Groups[1].Value : "?";
        var reportLevel = Regex.Match(stats, @"reports (\w+);") is { Success: true } r ? r.Groups[1].Value : "?";
        return new MinuteRow(minute, level, reportLevel, spam, reports, refusals.Length == 0 ? "-" : refusals, reads.Count, Percentile(ok, 50), Percentile(ok, 99),
            reads.Count(x => x.Error), cpu, rss, tables);
    }

    private static double Percentile(List<double> sorted, int p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static string Format(MinuteRow r) => Invariant(
        $"| {r.Minute,3} | {r.Level,-5} | {r.ReportLevel,-5} | {r.Spam,4} | {r.Reports,4} | {r.ReadCount,6} | {r.P50,7:0.0} | {r.P99,7:0.0} | {r.ReadErrors,4} | {r.Cpu,5:0.0} | {r.Rss / 1048576.0,6:0} | {r.Tables} | {r.Refusals} |");

    private const string Header = "| min | level | rep.  | spam | reps |  reads | p50 ms  | p99 ms  | errs | cpu s | RSS MB | circuit tables | attackers' refusals by reason |";

    private static void Print(DrillResult result)
    {
        Console.WriteLine(Invariant($"Readers: {result.Reads} reads, p50 {result.P50:0.0} ms, p99 {result.P99:0.0} ms, {result.ReadErrors} errors."));
        Console.WriteLine(Invariant($"Board: {result.BoardCpu:0.0} s CPU, peak RSS {result.PeakRss / 1048576.0:0} MB; largest circuit tables: requests {result.LargestRequestTable}, post budgets {result.LargestPostTable}; errors logged: {(result.BoardErrors ? "yes" : "no")}."));
        Console.WriteLine(Invariant($"Stamps made: {result.AttackerStamps} (hashcash CPU {result.StampCpu:0.0} s in all); legitimate posts hidden by the report flood: {result.LegitHidden} of {result.LegitTargets}."));
        foreach (var p in result.Persons)
        {
            var took = p.AcceptedAt is { } a ? Invariant($"{a - p.OpenedAt:0} s from opening the form to the accepted post") : "NOT accepted";
            var promise = p.PromisedBy is { } by ? Invariant($"; the first refusal promised it could go at {by - p.OpenedAt:0} s") : "";
            Console.WriteLine(Invariant($"{p.Name}: {took}; sent back {p.SentBack} times ({string.Join(", ", p.Reasons)}){promise}; text kept every time: {(p.TextAlwaysKept ? "yes" : "NO")}."));
        }
        if (result.TextLost > 0)
        {
            Console.WriteLine(Invariant($"Text lost on {result.TextLost} refusals."));
        }
    }

    private static bool Check(DrillResult flood, DrillResult? baseline)
    {
        var ok = true;
        void Fail(string what)
        {
            ok = false;
            Console.WriteLine("FAILED: " + what);
        }
        Console.WriteLine("\n== Goals ==");
        // Posts count at the turn the gate gave them, and a turn keeps the pace of the level it was given
        // under: after the level rises, the queue already handed out (at most that level's longest
        // queue ahead: 2 minutes at calm, 10 at busy) comes in at the old pace, as promised to whoever
        // holds it. So a minute is held to the most generous level in force from that far back.
        var options = new AnonymousBoard.Gate.GateOptions();
        var levels = new List<(int Minute, AnonymousBoard.Gate.GateLevel Level)> { (0, AnonymousBoard.Gate.GateLevel.Calm) };
        levels.AddRange(flood.Minutes.Select(r => (r.Minute, Enum.Parse<AnonymousBoard.Gate.GateLevel>(r.Level, ignoreCase: true))));
        foreach (var row in flood.Minutes)
        {
            var budget = levels
                .Where(l => l.Minute >= row.Minute - 1 - (int)Math.Ceiling(options.For(l.Level).MaxQueue.TotalMinutes) && l.Minute <= row.Minute)
                .Select(l => options.For(l.Level)).Max(l => (int)l.GlobalPostsPerMinute + l.GlobalPostBurst);
            if (row.Spam > budget)
            {
                Fail(Invariant($"minute {row.Minute}: {row.Spam} spam posts, above the budget and burst ({budget}) of every level in force since its queue was handed out"));
            }
        }
        if (flood.ReadErrors > 0)
        {
            Fail(Invariant($"{flood.ReadErrors} reader errors during the flood"));
        }
        if (flood.Persons.Any(p => p.AcceptedAt is null) || flood.Persons.Count == 0)
        {
            Fail("a person's post was not accepted");
        }
        if (flood.TextLost > 0)
        {
            Fail("a refusal lost the person's text");
        }
        if (baseline is not null)
        {
            Console.WriteLine(Invariant($"Readers' p50: flood {flood.P50:0.0} ms / baseline {baseline.P50:0.0} ms = {flood.P50 / baseline.P50:0.00}"));
            Console.WriteLine(Invariant($"Readers' p99: flood {flood.P99:0.0} ms / baseline {baseline.P99:0.0} ms = {flood.P99 / baseline.P99:0.00} (goal: at most 2)"));
            Console.WriteLine(Invariant($"Board CPU: flood {flood.BoardCpu:0} s / baseline {baseline.BoardCpu:0} s = {flood.BoardCpu / baseline.BoardCpu:0.00}; peak RSS {flood.PeakRss / 1048576.0:0} MB / {baseline.PeakRss / 1048576.0:0} MB = {(double)flood.PeakRss / baseline.PeakRss:0.00}"));
            foreach (var (f, b) in flood.Persons.Zip(baseline.Persons))
            {
                if (f.AcceptedAt is { } fa && b.AcceptedAt is { } ba)
                {
                    Console.WriteLine(Invariant($"{f.Name}: flood {fa - f.OpenedAt:0} s / baseline {ba - b.OpenedAt:0} s = {(fa - f.OpenedAt) / (ba - b.OpenedAt):0.0}"));
                }
            }
            if (flood.P99 > 2 * baseline.P99)
            {
                Fail("readers' p99 during the flood is more than twice the baseline's");
            }
        }
        Console.WriteLine(ok ? "All goals held." : "Some goals did not hold.");
        return ok;
    }

    /// <summary>A thread with replies, posted as a person would through loopback (no circuit), waiting out each form's time lock.</summary>
    private static async Task<(long Thread, List<long> Replies)> Seed(HttpClient client)
    {
        async Task<List<string>> Tickets(string path, int count)
        {
            var tickets = new List<string>();
            for (var i = 0; i < count; i++)
            {
                tickets.Add(FormPage.Read(await client.GetStringAsync(new Uri(path, UriKind.Relative))).Ticket!);
            }
            await Task.Delay(TimeSpan.FromSeconds(6)); // the calm time lock is 5 s
            return tickets;
        }
        async Task<long> Post(string ticket, long? thread, string body)
        {
            var fields = new List<KeyValuePair<string, string>> { new("ticket", ticket), new("body", body) };
            if (thread is { } t)
            {
                fields.Add(new("thread", t.ToString(CultureInfo.InvariantCulture)));
            }
            using var content = new FormUrlEncodedContent(fields);
            using var response = await client.PostAsync(new Uri("/b/post", UriKind.Relative), content);
            if (response.StatusCode != HttpStatusCode.SeeOther)
            {
                throw new InvalidOperationException($"Seeding failed: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
            return long.Parse(response.Headers.Location!.OriginalString.Split("#p")[^1].Split('/')[^1], CultureInfo.InvariantCulture);
        }
        var thread = await Post((await Tickets("/b/", 1))[0], null, "The drill's thread: readers read it, people reply to it.");
        var replies = new List<long>();
        var n = 0;
        foreach (var ticket in await Tickets($"/b/thread/{thread}", 12))
        {
            replies.Add(await Post(ticket, thread, Invariant($"A reply from before the flood, number {++n}, with a little text so the page has weight.")));
        }
        return (thread, replies.Take(4).ToList());
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
