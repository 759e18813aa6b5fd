using AnonymousBoard.Gate;
using Xunit;

namespace AnonymousBoard.Tests.Gate;

public class AdmissionGateTests
{
    private readonly TestClock clock = new();

    // The defaults, with less work per level so tests mint stamps in microseconds.
    private static readonly GateOptions Options = new()
    {
        Busy = new GateOptions().Busy with { RequiredBits = 6 },
        Flood = new GateOptions().Flood with { RequiredBits = 8 },
    };

    private AdmissionGate NewGate(GateOptions? options = null) => new(options ?? Options, clock);

    private string Stamp(TicketOffer offer, int bits) => Hashcash.Mint(offer.PowResource, bits, clock.GetUtcNow());

    [Fact]
    public void Calm_post_waits_out_the_time_lock_then_goes_through_once()
    {
        var gate = NewGate();
        var offer = gate.IssueTicket("tech", 7);
        Assert.Equal(0, offer.RequiredBits);
        Assert.Equal(GateLevel.Calm, offer.Level);

        var early = gate.Admit(offer.Text, "tech", 7, null);
        Assert.Equal(AdmissionOutcome.Refused, early.Outcome);
        Assert.Equal(RefusalKind.TimeLocked, early.Refusal);
        Assert.Equal(offer.Text, early.NextTicket!.Text);

        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(AdmissionOutcome.Admitted, gate.Admit(offer.Text, "tech", 7, null).Outcome);

        // The same form again (double click): success without a second post.
        Assert.Equal(AdmissionOutcome.AlreadyPosted, gate.Admit(offer.Text, "tech", 7, null).Outcome);
    }

    [Fact]
    public void Stamp_with_more_bits_than_required_skips_the_time_lock()
    {
        var gate = NewGate();
        var offer = gate.IssueTicket("tech", 7);
        Assert.Equal(4, offer.LockSkipBits);

        Assert.Equal(RefusalKind.TimeLocked, gate.Admit(offer.Text, "tech", 7, Stamp(offer, 3)).Refusal);
        Assert.Equal(AdmissionOutcome.Admitted, gate.Admit(offer.Text, "tech", 7, Stamp(offer, 4)).Outcome);
    }

    [Fact]
    public void Busy_level_asks_for_work_and_says_which()
    {
        var gate = NewGate();
        gate.ForceLevel(GateLevel.Busy);
        var offer = gate.IssueTicket("tech", 7);
        Assert.Equal(6, offer.RequiredBits);
        clock.Advance(Options.Busy.TimeLock);

        var refused = gate.Admit(offer.Text, "tech", 7, null);
        Assert.Equal(RefusalKind.WorkMissing, refused.Refusal);
        Assert.Contains($"6 bits for resource {offer.PowResource}", refused.Reason, StringComparison.Ordinal);

        var otherTicket = gate.IssueTicket("tech", 7);
        Assert.Equal(RefusalKind.WorkMissing, gate.Admit(offer.Text, "tech", 7, Stamp(otherTicket, 6)).Refusal);
        Assert.Equal(AdmissionOutcome.Admitted, gate.Admit(offer.Text, "tech", 7, Stamp(offer, 6)).Outcome);
    }

    [Fact]
    public void Circuit_post_budget_limits_one_circuit_not_others()
    {
        var gate = NewGate();
        var offers = Enumerable.Range(0, 5).Select(_ => gate.IssueTicket("tech", 7)).ToList();
        clock.Advance(TimeSpan.FromSeconds(5));

        // Burst of 3, then one per 20 seconds.
        Assert.Equal(3, offers.Count(o => gate.Admit(o.Text, "tech", 7, null).Outcome == AdmissionOutcome.Admitted));
        var other = gate.IssueTicket("tech", 8);
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(AdmissionOutcome.Admitted, gate.Admit(other.Text, "tech", 8, null).Outcome);
        clock.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(AdmissionOutcome.Admitted, gate.Admit(offers[4].Text, "tech", 7, null).Outcome);
    }

    [Fact]
    public void Refusals_that_need_a_new_form_come_with_a_fresh_ticket()
    {
        var gate = NewGate();
        var offer = gate.IssueTicket("tech", 7);
        clock.Advance(TimeSpan.FromSeconds(5));

        var moved = gate.Admit(offer.Text, "tech", 8, null);

        Assert.Equal(RefusalKind.WrongCircuit, moved.Refusal);
        Assert.NotEqual(offer.Text, moved.NextTicket!.Text);
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(AdmissionOutcome.Admitted, gate.Admit(moved.NextTicket.Text, "tech", 8, null).Outcome);
    }

    [Fact]
    public void Full_board_queues_posts_in_order_and_the_queued_ticket_gets_through()
    {
        var gate = NewGate();
        gate.ForceLevel(GateLevel.Flood); // 3 posts a minute, burst 3
        var offers = Enumerable.Range(0, 5).Select(i => (Circuit: (uint)(100 + i), Offer: gate.IssueTicket("tech", (uint)(100 + i)))).ToList();
        clock.Advance(Options.Flood.TimeLock);
        Assert.Equal(12, offers[0].Offer.LockSkipBits);

        var decisions = offers.Select(o => gate.Admit(o.Offer.Text, "tech", o.Circuit, Stamp(o.Offer, 8))).ToList();

        Assert.Equal([AdmissionOutcome.Admitted, AdmissionOutcome.Admitted, AdmissionOutcome.Admitted, AdmissionOutcome.Queued, AdmissionOutcome.Queued],
            decisions.Select(d => d.Outcome));
        var fourth = decisions[3].NextTicket!;
        var fifth = decisions[4].NextTicket!;
        Assert.Equal(clock.GetUtcNow().AddSeconds(20), fourth.ValidFrom);
        Assert.Equal(clock.GetUtcNow().AddSeconds(40), fifth.ValidFrom);
        Assert.Equal(0, fourth.RequiredBits);

        // The old ticket cannot be queued twice.
        Assert.Equal(AdmissionOutcome.AlreadyPosted, gate.Admit(offers[3].Offer.Text, "tech", 103, null).Outcome);

        // A circuit with a post in the queue cannot queue another, even paying to skip the lock.
        var again = gate.IssueTicket("tech", 103);
        var second = gate.Admit(again.Text, "tech", 103, Stamp(again, again.LockSkipBits));
        Assert.Equal(RefusalKind.CircuitBudget, second.Refusal);
        Assert.Contains("already has a post waiting", second.Reason, StringComparison.Ordinal);

        // A queued ticket waits for its turn; work does not jump the queue.
        Assert.Equal(RefusalKind.TimeLocked, gate.Admit(fifth.Text, "tech", 104, Stamp(fifth, 12)).Refusal);

        // At its turn it is admitted without new work, even from a new circuit (the person's may have changed).
        clock.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(AdmissionOutcome.Admitted, gate.Admit(fourth.Text, "tech", 999, null).Outcome);
        Assert.Equal(RefusalKind.TimeLocked, gate.Admit(fifth.Text, "tech", 104, null).Refusal);
        clock.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(AdmissionOutcome.Admitted, gate.Admit(fifth.Text, "tech", 104, null).Outcome);
    }

    [Fact]
    public void Level_rises_under_a_flood_and_falls_back_after_it_ends()
    {
        var gate = NewGate();
        Assert.Equal(GateLevel.Calm, gate.Status.Level);

        // A script posts forged and too-early tickets from many circuits, 2 a second.
        var levels = new List<GateLevel>();
        for (var second = 0; second < 600; second++)
        {
            var offer = gate.IssueTicket("tech", (uint)second);
            gate.Admit(offer.Text, "tech", (uint)second, null);
            gate.Admit("forged" + second, "tech", (uint)second, null);
            clock.Advance(TimeSpan.FromSeconds(1));
            levels.Add(gate.Status.Level);
        }
        var busyAt = levels.IndexOf(GateLevel.Busy);
        var floodAt = levels.IndexOf(GateLevel.Flood);
        Assert.InRange(busyAt, 0, 60);
        Assert.InRange(floodAt, busyAt, 200);
        Assert.StartsWith("flood:", gate.Status.Reason, StringComparison.Ordinal);
        Assert.Equal(8, gate.IssueTicket("tech", 1).RequiredBits);

        // Quiet: one step down per cool-down once the window has emptied.
        clock.Advance(Options.Window + Options.CoolDown);
        Assert.Equal(GateLevel.Busy, gate.Status.Level);
        Assert.Contains("stepped down", gate.Status.Reason, StringComparison.Ordinal);
        clock.Advance(Options.CoolDown);
        Assert.Equal(GateLevel.Calm, gate.Status.Level);
    }

    [Fact]
    public void Moderator_can_force_a_level_and_give_it_back()
    {
        var gate = NewGate();

        gate.ForceLevel(GateLevel.Flood);
        Assert.Equal(GateLevel.Flood, gate.Status.Level);
        Assert.True(gate.Status.Forced);
        Assert.Contains("moderator", gate.Status.Reason, StringComparison.Ordinal);
        clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(GateLevel.Flood, gate.Status.Level);

        gate.ForceLevel(null);
        Assert.False(gate.Status.Forced);
        Assert.Equal(GateLevel.Flood, gate.Status.Level);
        clock.Advance(Options.CoolDown);
        Assert.Equal(GateLevel.Busy, gate.Status.Level);
    }

    [Fact]
    public void Inconsistent_options_are_refused_at_startup()
    {
        var bad = Options with { KeyRotation = TimeSpan.FromMinutes(10) };

        var error = Assert.Throws<ArgumentException>(() => new AdmissionGate(bad, clock));
        Assert.Contains("KeyRotation", error.Message, StringComparison.Ordinal);
    }
}
