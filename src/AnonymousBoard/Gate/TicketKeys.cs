using System.Security.Cryptography;
using AnonymousBoard.Storage;

namespace AnonymousBoard.Gate;

/// <summary>
/// HMAC keys for posting tickets, one per rotation period: periods are counted from the Unix epoch,
/// so every instance of the board agrees which period it is, and the period's secret comes from
/// <see cref="ITicketSecrets"/> (in memory for one process, in the database for several), so every
/// instance signs and verifies with the same key. A ticket signed in one period is still accepted in
/// the next, so it is honoured for at least one full period after it was signed. Ticket lifetimes must
/// therefore not exceed the rotation period (checked by <see cref="AdmissionGate"/>).
/// The two keys in use are kept here: the store is asked once per period, not per ticket.
/// </summary>
public sealed class TicketKeys
{
    private readonly TimeProvider time;
    private readonly ITicketSecrets secrets;
    private readonly Lock gate = new();
    private TicketKey? current;
    private TicketKey? previous;

    public TicketKeys(TimeProvider time, TimeSpan rotateEvery, ITicketSecrets? secrets = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(rotateEvery, TimeSpan.Zero);
        this.time = time;
        this.secrets = secrets ?? new MemoryTicketSecrets();
        RotateEvery = rotateEvery;
    }

    public TimeSpan RotateEvery { get; }

    /// <summary>The key to sign with now.</summary>
    public TicketKey Current
    {
        get
        {
            lock (gate)
            {
                var period = PeriodOf(time.GetUtcNow());
                try
                {
                    return KeyFor(period);
                }
                catch (StorageException) when (current is { } last && last.Period == period - 1)
                {
                    // The store is away as the period turns: the last key is still accepted everywhere until this period ends.
                    return last;
                }
            }
        }
    }

    /// <summary>The current or previous period's key with this id, or null when it has been rotated out (or never existed).</summary>
    public TicketKey? Find(uint keyId)
    {
        lock (gate)
        {
            // Ids name periods, so an unknown id costs no look-up: only the two periods in use are ever fetched.
            var period = PeriodOf(time.GetUtcNow());
            if ((uint)period == keyId)
            {
                return KeyFor(period);
            }
            return (uint)(period - 1) == keyId ? KeyFor(period - 1) : null;
        }
    }

    private long PeriodOf(DateTimeOffset now) => (now - DateTimeOffset.UnixEpoch).Ticks / RotateEvery.Ticks;

    private TicketKey KeyFor(long period)
    {
        if (current?.Period == period)
        {
            return current;
        }
        if (previous?.Period == period)
        {
            return previous;
        }
        var key = new TicketKey((uint)period, secrets.Agree(period, RandomNumberGenerator.GetBytes(32)),
            DateTimeOffset.UnixEpoch + RotateEvery * period, period);
        if (current is null || period > current.Period)
        {
            previous = current?.Period == period - 1 ? current : null;
            current = key;
        }
        else if (period == current.Period - 1)
        {
            previous = key;
        }
        return key;
    }
}

/// <summary>One signing key. Its id (the period's number, as much as fits) travels in the ticket so the verifier knows which key to try.</summary>
public sealed record TicketKey(uint Id, byte[] Secret, DateTimeOffset Created, long Period);
