using AnonymousBoard.Gate;
using Xunit;

namespace AnonymousBoard.Tests.Gate;

public class PostingTicketTests
{
    private readonly TestClock clock = new();
    private readonly TicketKeys keys;
    private readonly SpentTickets spent = new(1000);

    public PostingTicketTests()
    {
        keys = new TicketKeys(clock, TimeSpan.FromMinutes(30));
    }

    private string Issue(uint? circuit = 7, string board = "tech", int lockSeconds = 20, int lifetimeMinutes = 10) =>
        PostingTicket.Create(board, circuit, clock.GetUtcNow(), TimeSpan.FromSeconds(lockSeconds), TimeSpan.FromMinutes(lifetimeMinutes)).Protect(keys);

    private TicketVerdict Verify(string text, uint? circuit = 7, string board = "tech", Func<PostingTicket, bool>? work = null) =>
        PostingTicket.Verify(text, board, circuit, clock.GetUtcNow(), keys, spent, work);

    [Fact]
    public void Ticket_round_trips_through_its_text_form()
    {
        var ticket = PostingTicket.Create("tech", 0xdeadbeef, clock.GetUtcNow(), TimeSpan.FromSeconds(20), TimeSpan.FromMinutes(10));
        var text = ticket.Protect(keys);

        var read = PostingTicket.Read(text, keys, clock.GetUtcNow());

        Assert.Equal(ticket, read.Ticket);
        Assert.Matches("^[A-Za-z0-9_-]+$", text);
        Assert.InRange(text.Length, 100, 140);
    }

    [Fact]
    public void Tickets_issued_one_after_another_and_on_many_threads_never_share_an_id()
    {
        // Ids come from the generator a block at a time: past the end of a block, it must be drawn again.
        var ids = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 4000, _ => ids.Add(PostingTicket.Create("tech", 7, clock.GetUtcNow(), TimeSpan.FromSeconds(20), TimeSpan.FromMinutes(10)).Id));

        Assert.Equal(4000, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Matches("^[0-9a-f]{32}$", id));
    }

    [Fact]
    public void Ticket_is_accepted_once_the_lock_has_passed()
    {
        var text = Issue();
        clock.Advance(TimeSpan.FromSeconds(20));

        var verdict = Verify(text);

        Assert.True(verdict.IsValid, verdict.Reason);
        Assert.Equal(verdict.Ticket!.Id, verdict.Ticket.PowResource);
    }

    [Fact]
    public void Altered_ticket_is_not_genuine()
    {
        var text = Issue();
        clock.Advance(TimeSpan.FromMinutes(1));
        var bytes = System.Buffers.Text.Base64Url.DecodeFromChars(text);

        for (var i = 0; i < bytes.Length; i++)
        {
            var altered = (byte[])bytes.Clone();
            altered[i] ^= 0x01;
            var verdict = Verify(System.Buffers.Text.Base64Url.EncodeToString(altered));
            Assert.Equal(TicketFailure.NotGenuine, verdict.Failure);
        }
        Assert.Equal(TicketFailure.NotGenuine, Verify(text[..^4]).Failure);
        Assert.Equal(TicketFailure.NotGenuine, Verify("").Failure);
        Assert.Equal(TicketFailure.NotGenuine, Verify("not base64!").Failure);
        Assert.Equal(TicketFailure.NotGenuine, Verify(new string('A', 5000)).Failure);
    }

    [Fact]
    public void Ticket_signed_by_another_server_is_not_genuine()
    {
        var otherKeys = new TicketKeys(clock, TimeSpan.FromMinutes(30));
        var text = PostingTicket.Create("tech", 7, clock.GetUtcNow(), TimeSpan.Zero, TimeSpan.FromMinutes(10)).Protect(otherKeys);

        // Same period, another secret, as after a restart of a lone process: the person is told to reload.
        var verdict = Verify(text);
        Assert.Equal(TicketFailure.NotGenuine, verdict.Failure);
        Assert.Contains("reload the page", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Ticket_for_another_board_is_refused()
    {
        var text = Issue(board: "art", lockSeconds: 0);

        var verdict = Verify(text, board: "tech");

        Assert.Equal(TicketFailure.NotGenuine, verdict.Failure);
        Assert.Contains("another board", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Expired_ticket_is_refused()
    {
        var text = Issue(lifetimeMinutes: 10);
        clock.Advance(TimeSpan.FromMinutes(10));

        Assert.Equal(TicketFailure.Expired, Verify(text).Failure);
    }

    /// <summary>Counts how often the keys ask their store: a form served must not cost a look-up.</summary>
    private sealed class CountingSecrets : ITicketSecrets
    {
        private readonly MemoryTicketSecrets _kept = new();

        public int Asked { get; private set; }

        public byte[] Agree(long period, byte[] candidate)
        {
            Asked++;
            return _kept.Agree(period, candidate);
        }
    }

    [Fact]
    public void Instances_sharing_the_secrets_accept_each_others_tickets_and_ask_the_store_once_per_period()
    {
        var shared = new CountingSecrets();
        var a = new TicketKeys(clock, TimeSpan.FromMinutes(30), shared);
        var b = new TicketKeys(clock, TimeSpan.FromMinutes(30), shared);
        string FromA() => PostingTicket.Create("tech", 7, clock.GetUtcNow(), TimeSpan.Zero, TimeSpan.FromMinutes(45)).Protect(a);

        var text = FromA();
        Assert.True(PostingTicket.Verify(text, "tech", 7, clock.GetUtcNow(), b, spent).IsValid);
        for (var i = 0; i < 100; i++)
        {
            FromA();
        }
        Assert.Equal(2, shared.Asked); // a's key and b's (the same one), once each

        // The period turns: b still verifies a's last ticket with the previous key, and signs with the new one a agrees to.
        clock.Advance(TimeSpan.FromMinutes(31));
        Assert.True(PostingTicket.Verify(text, "tech", 7, clock.GetUtcNow(), b, spent).IsValid);
        var fromB = PostingTicket.Create("tech", 7, clock.GetUtcNow(), TimeSpan.Zero, TimeSpan.FromMinutes(10)).Protect(b);
        Assert.True(PostingTicket.Verify(fromB, "tech", 7, clock.GetUtcNow(), a, spent).IsValid);
        Assert.Equal(4, shared.Asked);
    }

    [Fact]
    public void Keys_rotate_and_the_previous_key_still_verifies()
    {
        var text = Issue(lifetimeMinutes: 30);
        clock.Advance(TimeSpan.FromMinutes(29));
        Assert.True(Verify(text).IsValid);

        // Rotated once: signed with what is now the previous key.
        clock.Advance(TimeSpan.FromMinutes(2));
        var fresh = Issue(lifetimeMinutes: 120);
        Assert.Equal(TicketFailure.Expired, Verify(text).Failure);

        // Rotated twice more: the key of "fresh" is gone, so it is refused as not genuine before its expiry.
        clock.Advance(TimeSpan.FromMinutes(61));
        var verdict = Verify(fresh);
        Assert.Equal(TicketFailure.NotGenuine, verdict.Failure);
        Assert.Contains("changed its keys", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Previous_key_is_kept_for_one_rotation()
    {
        var text = Issue(lifetimeMinutes: 60);
        clock.Advance(TimeSpan.FromMinutes(45));

        Assert.True(Verify(text).IsValid, Verify(text).Reason);
    }

    [Fact]
    public void Ticket_from_another_circuit_is_refused()
    {
        var text = Issue(circuit: 7, lockSeconds: 0);

        Assert.Equal(TicketFailure.WrongCircuit, Verify(text, circuit: 8).Failure);
        Assert.Equal(TicketFailure.WrongCircuit, Verify(text, circuit: null).Failure);
        Assert.Equal(TicketFailure.WrongCircuit, Verify(Issue(circuit: null, lockSeconds: 0), circuit: 7).Failure);
        Assert.True(Verify(Issue(circuit: null, lockSeconds: 0), circuit: null).IsValid);
    }

    [Fact]
    public void Early_ticket_is_time_locked_unless_work_was_paid()
    {
        var text = Issue(lockSeconds: 20);
        clock.Advance(TimeSpan.FromSeconds(5));

        var early = Verify(text);
        Assert.Equal(TicketFailure.TimeLocked, early.Failure);
        Assert.Contains("in 15 seconds", early.Reason, StringComparison.Ordinal);
        Assert.Equal(clock.GetUtcNow().AddSeconds(15), early.RetryAt);

        Assert.True(Verify(text, work: _ => true).IsValid);
        Assert.Equal(TicketFailure.TimeLocked, Verify(text, work: _ => false).Failure);
    }

    [Fact]
    public void Spent_ticket_is_refused_until_it_expires()
    {
        var text = Issue(lockSeconds: 0);
        var ticket = Verify(text).Ticket!;
        Assert.True(spent.TryMarkSpent(ticket.Id, ticket.Expires, clock.GetUtcNow(), out _));

        Assert.Equal(TicketFailure.AlreadySpent, Verify(text).Failure);
        Assert.False(spent.TryMarkSpent(ticket.Id, ticket.Expires, clock.GetUtcNow(), out var reason));
        Assert.Equal("this form was already posted", reason);
    }

    [Fact]
    public void Failures_are_reported_in_order()
    {
        // Expired, wrong circuit and spent at once: expiry is what the person hears about.
        var text = Issue(lockSeconds: 60, lifetimeMinutes: 1);
        var ticket = PostingTicket.Read(text, keys, clock.GetUtcNow()).Ticket!;
        spent.TryMarkSpent(ticket.Id, ticket.Expires, clock.GetUtcNow(), out _);
        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(TicketFailure.Expired, Verify(text, circuit: 99).Failure);

        // Wrong circuit, locked and spent: the circuit comes first.
        text = Issue(lockSeconds: 60);
        ticket = PostingTicket.Read(text, keys, clock.GetUtcNow()).Ticket!;
        spent.TryMarkSpent(ticket.Id, ticket.Expires, clock.GetUtcNow(), out _);
        Assert.Equal(TicketFailure.WrongCircuit, Verify(text, circuit: 99).Failure);

        // Locked and spent: the lock comes first.
        Assert.Equal(TicketFailure.TimeLocked, Verify(text).Failure);
        clock.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(TicketFailure.AlreadySpent, Verify(text).Failure);
    }

    [Fact]
    public void Spent_list_forgets_expired_ids_and_refuses_when_full_of_live_ones()
    {
        var list = new SpentTickets(3);
        var now = clock.GetUtcNow();
        Assert.True(list.TryMarkSpent("a", now.AddMinutes(1), now, out _));
        Assert.True(list.TryMarkSpent("b", now.AddMinutes(5), now, out _));
        Assert.True(list.TryMarkSpent("c", now.AddMinutes(5), now, out _));

        Assert.False(list.TryMarkSpent("d", now.AddMinutes(5), now, out var full));
        Assert.Contains("too many posts", full, StringComparison.Ordinal);

        Assert.True(list.TryMarkSpent("d", now.AddMinutes(5), now.AddMinutes(1), out _));
        Assert.False(list.IsSpent("a", now.AddMinutes(1)));
        Assert.True(list.IsSpent("b", now.AddMinutes(1)));
        Assert.Equal(3, list.Count);
    }
}
