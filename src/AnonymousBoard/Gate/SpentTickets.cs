namespace AnonymousBoard.Gate;

/// <summary>
/// Ids of tickets already used to post, kept until the ticket expires (after that the signature check
/// refuses it anyway). The size bound never evicts a live id, since that would let its ticket post
/// twice; when full, new posts are refused instead. Size it above the global post rate times the
/// ticket lifetime and it is never reached by admitted posts. One process's list, in memory: instances
/// sharing a PostgreSQL database share theirs there instead.
/// </summary>
public sealed class SpentTickets : ISpentTickets
{
    private readonly Dictionary<string, DateTimeOffset> spent = new(StringComparer.Ordinal);
    private readonly PriorityQueue<string, DateTimeOffset> byExpiry = new();
    private readonly Lock gate = new();

    public SpentTickets(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        Capacity = capacity;
    }

    public int Capacity { get; }

    public int Count
    {
        get
        {
            lock (gate)
            {
                return spent.Count;
            }
        }
    }

    public bool IsSpent(string ticketId, DateTimeOffset now)
    {
        lock (gate)
        {
            return spent.TryGetValue(ticketId, out var expires) && now < expires;
        }
    }

    /// <summary>
    /// Marks a ticket spent. False with a reason when it already was (a second submit of the same form)
    /// or when the list is full.
    /// </summary>
    public bool TryMarkSpent(string ticketId, DateTimeOffset expires, DateTimeOffset now, out string? reason)
    {
        ArgumentNullException.ThrowIfNull(ticketId);
        lock (gate)
        {
            Purge(now);
            if (spent.ContainsKey(ticketId))
            {
                reason = "this form was already posted";
                return false;
            }
            if (spent.Count >= Capacity)
            {
                reason = "the board is taking too many posts right now; try again in a few minutes";
                return false;
            }
            spent.Add(ticketId, expires);
            byExpiry.Enqueue(ticketId, expires);
            reason = null;
            return true;
        }
    }

    private void Purge(DateTimeOffset now)
    {
        while (byExpiry.TryPeek(out var id, out var expires) && expires <= now)
        {
            byExpiry.Dequeue();
            spent.Remove(id);
        }
    }
}
