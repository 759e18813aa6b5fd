using System.Security.Cryptography;

namespace AnonymousBoard.Gate;

/// <summary>
/// HMAC keys for posting tickets, made in memory and never written anywhere: a restart only costs
/// people a reload of the form. The key changes every <c>rotateEvery</c>; the previous one is still
/// accepted, so a ticket is honoured for at least one full period after it was signed. Ticket
/// lifetimes must therefore not exceed the rotation period (checked by <see cref="AdmissionGate"/>).
/// </summary>
public sealed class TicketKeys
{
    private readonly TimeProvider time;
    private readonly Lock gate = new();
    private TicketKey current;
    private TicketKey? previous;

    public TicketKeys(TimeProvider time, TimeSpan rotateEvery)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(rotateEvery, TimeSpan.Zero);
        this.time = time;
        RotateEvery = rotateEvery;
        current = NewKey(time.GetUtcNow());
    }

    public TimeSpan RotateEvery { get; }

    /// <summary>The key to sign with now.</summary>
    public TicketKey Current
    {
        get
        {
            lock (gate)
            {
                RotateIfDue();
                return current;
            }
        }
    }

    /// <summary>The current or previous key with this id, or null when it has been rotated out (or never existed).</summary>
    public TicketKey? Find(uint keyId)
    {
        lock (gate)
        {
            RotateIfDue();
            if (current.Id == keyId)
            {
                return current;
            }
            return previous is { } p && p.Id == keyId ? p : null;
        }
    }

    private void RotateIfDue()
    {
        var now = time.GetUtcNow();
        var periods = (long)Math.Floor((now - current.Created) / RotateEvery);
        if (periods < 1)
        {
            return;
        }
        // After two or more silent periods the old current is too old to keep as "previous".
        previous = periods == 1 ? current : null;
        var next = NewKey(current.Created + RotateEvery * periods);
        while (next.Id == current.Id)
        {
            // Ids only pick the key to try; a clash would make the previous key's tickets fail.
            next = NewKey(next.Created);
        }
        current = next;
    }

    private static TicketKey NewKey(DateTimeOffset created) =>
        new(BitConverter.ToUInt32(RandomNumberGenerator.GetBytes(4)), RandomNumberGenerator.GetBytes(32), created);
}

/// <summary>One signing key. Its id travels in the ticket so the verifier knows which key to try.</summary>
public sealed record TicketKey(uint Id, byte[] Secret, DateTimeOffset Created);
