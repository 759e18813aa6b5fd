using AnonymousBoard.Benchmarks.Flood;
using AnonymousBoard.Gate;
using AnonymousBoard.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace AnonymousBoard.Tests.Gate;

/// <summary>
/// The flood drill of the benchmark (<c>-- flood</c>) in short: the same attackers, readers and people
/// (Flood/FloodActors.cs) against the real board through its unix socket with tor's PROXY lines, the
/// gate as it ships (levels automatic, time locks, real budgets, the circuit header required) but run
/// ten times faster (Board:Gate:TimeScale=0.1: a "minute" is 6 s). It asserts outcomes, never times:
/// spam per minute within the level's budget, no reader errors, each person's post accepted with the
/// text given back on every refusal, and the per-circuit tables capped under the rotating attacker.
/// </summary>
public sealed class FloodDrillTests : IAsyncLifetime
{
    private const int MaxCircuits = 30;
    private const double Minute = 6; // seconds, at TimeScale 0.1
    private static readonly double[] PersonsAt = [1, 2]; // minutes

    private readonly string _socket = Path.Combine(Path.GetTempPath(), $"drill-{Guid.NewGuid():N}.sock");
    private readonly BoardServer _server = new();

    public async Task InitializeAsync()
    {
        _server.Settings.AddRange([
            $"--Board:UnixSocket={_socket}", "--Board:Gate:RequireCircuitHeader=true",
            // Undo the test defaults (calm held, no lock, budgets raised): the gate as it ships, ten times faster.
            "--Board:Gate:Level=auto", "--Board:Gate:TimeLock=true", "--Board:Gate:CalmPostsPerMinute=30", "--Board:Gate:CalmReportsPerMinute=6",
            "--Board:Gate:TimeScale=0.1", $"--Board:Gate:MaxCircuits={MaxCircuits}", "--Board:Gate:StatsSeconds=0"]);
        await _server.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        File.Delete(_socket);
    }

    private static Task<string> Stamp(string resource, int bits, CancellationToken cancel) =>
        Tools.Find("hashcash") is not null ? Actors.HashcashTool(resource, bits, cancel) : Task.Run(() => Hashcash.Mint(resource, bits, DateTimeOffset.UtcNow, cancel), cancel);

    /// <summary>A post from loopback (no circuit), after its form's time lock (half a second at this scale).</summary>
    private async Task<long> Seed(string body, long? thread)
    {
        var ticket = await _server.Ticket();
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var fields = new List<KeyValuePair<string, string>> { new("body", body), new("ticket", ticket) };
        if (thread is { } t)
        {
            fields.Add(new("thread", t.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
        using var content = new FormUrlEncodedContent(fields);
        using var client = _server.Client();
        var response = await client.PostAsync(new Uri("/b/post", UriKind.Relative), content);
        Assert.Equal(System.Net.HttpStatusCode.SeeOther, response.StatusCode);
        return long.Parse(response.Headers.Location!.OriginalString.Split("#p")[^1].Split('/')[^1], System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Under_a_flood_spam_stays_within_the_budget_readers_read_and_people_get_their_posts_through()
    {
        var posts = _server.Services.GetRequiredService<AdmissionGate>();
        var requests = _server.Services.GetRequiredService<CircuitRateLimiter>();
        var thread = await Seed("the drill's thread", null);
        var targets = new List<long> { await Seed("a legitimate reply", thread) };

        var onion = new Onion(_socket);
        var log = new DrillLog();
        using var stop = new CancellationTokenSource();
        var attackers = new List<Task>();
        for (var i = 0; i < 8; i++)
        {
            var circuit = (uint)(0x100 + i);
            attackers.Add(Task.Run(() => Actors.FixedAttacker(onion, circuit, thread, Stamp, log, stop.Token)));
        }
        for (var i = 0; i < 12; i++)
        {
            attackers.Add(Task.Run(() => Actors.RotatingAttacker(onion, thread, Stamp, log, stop.Token)));
        }
        attackers.Add(Task.Run(() => Actors.ReportFlooder(onion, () => targets, Stamp, log, stop.Token)));
        string[] paths = ["/b/", $"/b/thread/{thread}", "/b/catalog"];
        for (var i = 0; i < 3; i++)
        {
            attackers.Add(Task.Run(() => Actors.Reader(onion, paths, TimeSpan.FromMilliseconds(300), log, stop.Token)));
        }
        var persons = PersonsAt.Select((at, n) => Task.Run(async () =>
        {
            await Task.Delay(TimeSpan.FromSeconds(at * Minute));
            return await Actors.Person(onion, $"person {n + 1}", thread, TimeSpan.FromSeconds(3), Stamp, log, CancellationToken.None);
        })).ToList();

        // Each second: the level in force and the size of every per-circuit table.
        var levels = new List<(double At, GateLevel Level)>();
        var largestTable = 0;
        while (!persons.All(p => p.IsCompleted) || log.Now < 6 * Minute)
        {
            levels.Add((log.Now, posts.Status.Level));
            largestTable = Math.Max(largestTable, Math.Max(posts.Counts.LargestCircuitTable, requests.TrackedCircuits));
            if (log.Now > 6 * Minute && !stop.IsCancellationRequested)
            {
                await stop.CancelAsync();
            }
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
        await stop.CancelAsync();
        await Task.WhenAll(attackers.Select(a => a.ContinueWith(_ => { }, TaskScheduler.Default)));
        var people = await Task.WhenAll(persons);

        // Spam per minute, counted at the turn the gate gave each post: within the budget and burst of
        // the most generous level in force that minute, or earlier by as much as that level's queue
        // reaches ahead (a turn given at calm keeps calm's pace after the level rises: it was promised).
        var accepted = log.Events.Where(e => e.Who is "fixed" or "rotating" && e.What == "accepted").Select(e => e.At).ToList();
        Assert.NotEmpty(accepted);
        var scaled = new GateOptions().Scaled(0.1);
        for (var start = 0.0; start < log.Now; start += Minute)
        {
            var from = start;
            var inForce = levels.Where(l => l.At >= from - scaled.For(l.Level).MaxQueue.TotalSeconds - 1 && l.At < from + Minute + 1)
                .Select(l => l.Level).DefaultIfEmpty(GateLevel.Calm).Min();
            var settings = new GateOptions().For(inForce);
            var budget = (int)settings.GlobalPostsPerMinute + settings.GlobalPostBurst;
            var spam = accepted.Count(at => at >= start && at < start + Minute);
            Assert.True(spam <= budget, $"{spam} spam posts in the minute from {start:0} s at level {inForce} (budget {budget})");
        }
        Assert.Contains(levels, l => l.Level != GateLevel.Calm);

        Assert.NotEmpty(log.Reads);
        Assert.DoesNotContain(log.Reads, r => r.Error);

        Assert.All(people, p =>
        {
            Assert.True(p.AcceptedAt is not null, $"{p.Name} was not accepted: {string.Join(", ", p.Reasons)}");
            Assert.True(p.TextAlwaysKept, $"{p.Name} lost the text on a refusal");
        });
        Assert.Empty(log.TextLost);
        var thePage = await _server.Browser().Get($"/b/thread/{thread}");
        Assert.All(people, p => Assert.Contains($"{p.Name}: a real reply", thePage.Html, StringComparison.Ordinal));

        // The rotating attacker used more circuits than the tables hold; the tables stayed capped.
        var used = onion.NewCircuitId() - 0x10000;
        Assert.True(used > MaxCircuits, $"the rotating attacker used only {used} circuits, too few to test the cap");
        Assert.InRange(largestTable, 1, MaxCircuits);
    }
}
