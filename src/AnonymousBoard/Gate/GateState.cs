namespace AnonymousBoard.Gate;

/// <summary>
/// What a gate must share with every other instance of the board: the secrets its tickets are signed
/// with, the tickets already spent, and the counts its level is measured from. The rules (rotation,
/// windows, thresholds) stay in the gate; an implementation only keeps the rows. One process on SQLite
/// keeps them in memory (<see cref="MemoryGateStore"/>); instances sharing PostgreSQL keep them there.
/// </summary>
public interface IGateStore
{
    /// <summary>The state of the gate named <paramref name="gate"/> ("posts", "reports"): each gate's is apart from the others'.</summary>
    GateState Open(string gate, GateOptions options);
}

/// <summary>One gate's shared state, in its three parts.</summary>
public sealed record GateState(ITicketSecrets Secrets, ISpentTickets Spent, IGateCounts Counts);

/// <summary>The signing secret of each key rotation period, the same on every instance.</summary>
public interface ITicketSecrets
{
    /// <summary>
    /// The secret of <paramref name="period"/>: <paramref name="candidate"/> when none was kept for it
    /// yet, otherwise the one kept first. Secrets of periods before the one before may be forgotten.
    /// </summary>
    byte[] Agree(long period, byte[] candidate);
}

/// <summary>Ids of tickets already used, until the ticket expires.</summary>
public interface ISpentTickets
{
    bool IsSpent(string ticketId, DateTimeOffset now);

    /// <summary>Marks a ticket spent. False with a reason when it already was (on any instance) or cannot be kept.</summary>
    bool TryMarkSpent(string ticketId, DateTimeOffset expires, DateTimeOffset now, out string? reason);

    /// <summary>How many live ids are kept: for the operator's log; -1 when it cannot be told now.</summary>
    int Count { get; }
}

/// <summary>What a gate counts over its window to choose its level.</summary>
public enum GateTally
{
    Accepted,
    Rejected,
}

/// <summary>Events counted over the gate's sliding window, board-wide.</summary>
public interface IGateCounts
{
    void Add(GateTally tally, DateTimeOffset now);

    /// <summary>Events in the window ending at <paramref name="now"/>.</summary>
    int Count(GateTally tally, DateTimeOffset now);
}

/// <summary>
/// One process's gate state, in memory and never written anywhere: a restart only costs people a
/// reload of the form. What the board uses on SQLite, which one process serves.
/// </summary>
public sealed class MemoryGateStore : IGateStore
{
    public GateState Open(string gate, GateOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return New(options);
    }

    public static GateState New(GateOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new GateState(new MemoryTicketSecrets(), new SpentTickets(options.SpentTicketCapacity), new MemoryGateCounts(options.Window));
    }
}

/// <summary>Secrets made in this process: the first candidate offered for a period is kept.</summary>
public sealed class MemoryTicketSecrets : ITicketSecrets
{
    private readonly Dictionary<long, byte[]> secrets = [];
    private readonly Lock gate = new();

    public byte[] Agree(long period, byte[] candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        lock (gate)
        {
            foreach (var old in secrets.Keys.Where(p => p < period - 1).ToList())
            {
                secrets.Remove(old);
            }
            return secrets.TryAdd(period, candidate) ? candidate : secrets[period];
        }
    }
}

/// <summary>The two tallies of one process, each a <see cref="SlidingCounter"/>.</summary>
public sealed class MemoryGateCounts(TimeSpan window) : IGateCounts
{
    private readonly SlidingCounter accepted = new(window);
    private readonly SlidingCounter rejected = new(window);
    private readonly Lock gate = new();

    public void Add(GateTally tally, DateTimeOffset now)
    {
        lock (gate)
        {
            (tally == GateTally.Accepted ? accepted : rejected).Add(now);
        }
    }

    public int Count(GateTally tally, DateTimeOffset now)
    {
        lock (gate)
        {
            return (tally == GateTally.Accepted ? accepted : rejected).Count(now);
        }
    }
}
