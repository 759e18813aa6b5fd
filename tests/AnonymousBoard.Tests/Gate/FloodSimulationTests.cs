using System.Diagnostics;
using System.Globalization;
using AnonymousBoard.Gate;
using Xunit;
using Xunit.Abstractions;

namespace AnonymousBoard.Tests.Gate;

/// <summary>
/// A flood script against the gate on a simulated clock: 30 tor circuits, ten fresh tickets a second,
/// every ticket submitted with the work asked for as soon as its lock allows. A person arrives twelve
/// minutes in with one form. Also a small load measurement; figures go to the test output.
/// </summary>
public class FloodSimulationTests(ITestOutputHelper output)
{
    private const int BotCircuits = 30;
    private const int TicketsPerSecond = 10;
    private static readonly TimeSpan Duration = TimeSpan.FromMinutes(30);
    private static readonly TimeSpan PersonArrives = TimeSpan.FromMinutes(12);

    private static readonly GateOptions Options = new()
    {
        // Less work per post than production so the simulation mints its stamps quickly.
        Busy = new GateOptions().Busy with { RequiredBits = 6 },
        Flood = new GateOptions().Flood with { RequiredBits = 8 },
    };

    [Fact]
    public void Flood_script_gets_no_more_than_the_global_rate_and_a_person_still_gets_through()
    {
        var clock = new TestClock();
        var start = clock.GetUtcNow();
        var gate = new AdmissionGate(Options, clock);
        var pool = new List<(TicketOffer Offer, uint Circuit)>();
        var botAdmitted = new List<TimeSpan>();
        var outcomes = new Dictionary<string, int>();
        var levelTimes = new Dictionary<GateLevel, TimeSpan>();
        var admitCalls = 0;
        uint nextCircuit = 0;
        (TicketOffer Offer, uint Circuit)? person = null;
        TimeSpan? personAdmitted = null;
        var personTries = 0;
        var watch = Stopwatch.StartNew();

        for (var elapsed = TimeSpan.Zero; elapsed < Duration; elapsed += TimeSpan.FromSeconds(1), clock.Advance(TimeSpan.FromSeconds(1)))
        {
            var now = clock.GetUtcNow();
            for (var i = 0; i < TicketsPerSecond; i++)
            {
                var circuit = nextCircuit++ % BotCircuits;
                pool.Add((gate.IssueTicket("tech", circuit), circuit));
            }

            var ready = pool.Where(p => p.Offer.ValidFrom <= now).ToList();
            pool.RemoveAll(p => p.Offer.ValidFrom <= now);
            foreach (var (offer, circuit) in ready)
            {
                var decision = Submit(gate, offer, circuit, now);
                admitCalls++;
                var key = decision.Outcome == AdmissionOutcome.Refused ? decision.Refusal.ToString() : decision.Outcome.ToString();
                outcomes[key] = outcomes.GetValueOrDefault(key) + 1;
                if (decision.Outcome == AdmissionOutcome.Admitted)
                {
                    botAdmitted.Add(elapsed);
                }
                else if (decision.Outcome == AdmissionOutcome.Queued)
                {
                    pool.Add((decision.NextTicket!, circuit));
                }
                // Anything else: the script drops the ticket and uses its fresh ones.
            }

            if (elapsed == PersonArrives)
            {
                person = (gate.IssueTicket("tech", 5000), 5000);
            }
            if (person is { } p && personAdmitted is null && p.Offer.ValidFrom <= now)
            {
                personTries++;
                var decision = Submit(gate, p.Offer, p.Circuit, now);
                if (decision.Outcome == AdmissionOutcome.Admitted)
                {
                    personAdmitted = elapsed;
                }
                else
                {
                    // Whatever the answer, the redisplayed form says when to press Post again.
                    var next = decision.NextTicket!;
                    var wait = decision.RetryAt is { } retry && retry > next.ValidFrom ? retry : next.ValidFrom;
                    person = (next with { ValidFrom = wait }, p.Circuit);
                }
            }
            levelTimes.TryAdd(gate.Status.Level, elapsed);
        }
        watch.Stop();

        var lateWindow = botAdmitted.Count(t => t >= TimeSpan.FromMinutes(15));
        var perMinute = string.Join(" ", Enumerable.Range(0, (int)Duration.TotalMinutes)
            .Select(m => botAdmitted.Count(t => (int)t.TotalMinutes == m).ToString(CultureInfo.InvariantCulture)));
        output.WriteLine($"simulated {Duration.TotalMinutes} min, {BotCircuits} bot circuits, {TicketsPerSecond} tickets/s");
        output.WriteLine($"level first reached: {string.Join(", ", levelTimes.Select(l => $"{l.Key} at {l.Value}"))}");
        output.WriteLine($"bot submissions: {admitCalls}; outcomes: {string.Join(", ", outcomes.OrderBy(o => o.Key).Select(o => $"{o.Key}={o.Value}"))}");
        output.WriteLine($"bot admitted: {botAdmitted.Count} total, {lateWindow} in minutes 15-30 (flood rate allows {Options.Flood.GlobalPostsPerMinute * 15} + burst {Options.Flood.GlobalPostBurst})");
        output.WriteLine($"bot admitted per minute: {perMinute}");
        output.WriteLine($"person: arrived {PersonArrives}, admitted {personAdmitted?.ToString() ?? "never"} after {personTries} submits (waited {(personAdmitted - PersonArrives)?.ToString() ?? "-"})");
        output.WriteLine($"wall clock: {watch.Elapsed.TotalMilliseconds:0} ms for {admitCalls + personTries} Admit calls and {TicketsPerSecond * Duration.TotalSeconds} IssueTicket calls (includes minting {Options.Flood.RequiredBits}-bit stamps)");

        Assert.Equal(GateLevel.Flood, gate.Status.Level);
        Assert.InRange(lateWindow, 1, Options.Flood.GlobalPostsPerMinute * 15 + Options.Flood.GlobalPostBurst);
        Assert.NotNull(personAdmitted);
        // One place in the queue per circuit: the wait is bounded by the script's circuits over the rate.
        var bound = Options.Flood.TimeLock + TimeSpan.FromMinutes((BotCircuits + 2) / Options.Flood.GlobalPostsPerMinute);
        Assert.InRange(personAdmitted!.Value - PersonArrives, TimeSpan.Zero, bound);
    }

    [Fact]
    public void Admit_throughput()
    {
        // Raw cost of the gate itself: calm level, many circuits, tickets already past their lock.
        var clock = new TestClock();
        var gate = new AdmissionGate(Options with { Calm = Options.Calm with { GlobalPostsPerMinute = 1_000_000, GlobalPostBurst = 1_000_000 } }, clock);
        // Forced calm: this many admitted posts would otherwise raise the level and ask for work.
        gate.ForceLevel(GateLevel.Calm);
        const int count = 20_000;
        var offers = Enumerable.Range(0, count).Select(i => gate.IssueTicket("tech", (uint)i)).ToList();
        clock.Advance(TimeSpan.FromSeconds(5));

        var watch = Stopwatch.StartNew();
        var admitted = offers.Select((o, i) => gate.Admit(o.Text, "tech", (uint)i, null)).Count(d => d.Outcome == AdmissionOutcome.Admitted);
        watch.Stop();
        var issueWatch = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            gate.IssueTicket("tech", (uint)i);
        }
        issueWatch.Stop();

        output.WriteLine($"Admit: {count} in {watch.ElapsedMilliseconds} ms = {count / watch.Elapsed.TotalSeconds:0} per second (one thread)");
        output.WriteLine($"IssueTicket: {count} in {issueWatch.ElapsedMilliseconds} ms = {count / issueWatch.Elapsed.TotalSeconds:0} per second");
        Assert.Equal(count, admitted);
    }

    [Fact]
    public void Mint_speed()
    {
        // What our own pow command costs a person: expected tries are 2^bits.
        var watch = Stopwatch.StartNew();
        const int stamps = 8;
        for (var i = 0; i < stamps; i++)
        {
            Hashcash.Mint("0123456789abcdef0123456789abcdef", 16, DateTimeOffset.UtcNow);
        }
        watch.Stop();
        var perSecond = stamps * 65536 / watch.Elapsed.TotalSeconds;
        output.WriteLine($"Mint: {stamps} x 16-bit stamps in {watch.ElapsedMilliseconds} ms, about {perSecond / 1e6:0.0} million SHA-1 per second; 20 bits would take about {1_048_576 / perSecond:0.0} s");
        Assert.True(perSecond > 0);
    }

    private static AdmissionDecision Submit(AdmissionGate gate, TicketOffer offer, uint circuit, DateTimeOffset now)
    {
        var stamp = offer.RequiredBits > 0 ? Hashcash.Mint(offer.PowResource, offer.RequiredBits, now) : null;
        return gate.Admit(offer.Text, "tech", circuit, stamp);
    }
}
