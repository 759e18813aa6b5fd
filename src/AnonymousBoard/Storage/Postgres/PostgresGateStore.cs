using AnonymousBoard.Gate;
using Dapper;
using Npgsql;

namespace AnonymousBoard.Storage.Postgres;

/// <summary>
/// The gates' shared state in PostgreSQL (tables gate_keys, gate_spent and gate_counts, migration
/// 0008), so that every instance on the database signs with the same keys, spends a ticket once, and
/// measures the same level. Each statement stands alone on a pooled connection, outside the writers'
/// turn (<see cref="PostgresUnitOfWork"/>): every one is a single atomic row operation, and a post must not
/// wait for the database-wide write lock twice.
/// </summary>
public sealed class PostgresGateStore(PostgresDatabase database, TimeProvider time) : IGateStore
{
    public GateState Open(string gate, GateOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var state = new PostgresGateState(database, time, gate, options.Window);
        return new GateState(state, state, state);
    }
}

/// <summary>One gate's rows. Counts are written and read back at most once a second per instance (see <see cref="Count"/>).</summary>
internal sealed class PostgresGateState(PostgresDatabase database, TimeProvider time, string gate, TimeSpan window)
    : ITicketSecrets, ISpentTickets, IGateCounts
{
    /// <summary>How stale the board-wide counts may be: a flood of refusals is one write a second, not one per refusal.</summary>
    private static readonly TimeSpan CountsEvery = TimeSpan.FromSeconds(1);

    /// <summary>How often expired rows are swept.</summary>
    private static readonly TimeSpan SweepEvery = TimeSpan.FromMinutes(1);

    private readonly Lock countsLock = new();
    // This instance's events not yet added to the database, by tally and slice.
    private readonly Dictionary<(GateTally Tally, long Slice), int> pending = [];
    private readonly int[] totals = new int[2];
    private DateTimeOffset countedAt = DateTimeOffset.MinValue;
    private DateTimeOffset sweptAt = DateTimeOffset.MinValue;
    private DateTimeOffset countsSweptAt = DateTimeOffset.MinValue;

    public byte[] Agree(long period, byte[] candidate) => Run(connection =>
    {
        // The first instance to ask for a period writes its candidate; every instance reads back the one that stayed.
        connection.Execute("""
            INSERT INTO gate_keys (gate, period, secret) VALUES (@gate, @period, @candidate) ON CONFLICT (gate, period) DO NOTHING;
            DELETE FROM gate_keys WHERE gate = @gate AND period < @period - 1
            """, new { gate, period, candidate });
        return connection.QuerySingle<byte[]>("SELECT secret FROM gate_keys WHERE gate = @gate AND period = @period", new { gate, period });
    });

    public bool IsSpent(string ticketId, DateTimeOffset now) => Run(connection =>
        connection.ExecuteScalar<bool>("SELECT EXISTS (SELECT 1 FROM gate_spent WHERE gate = @gate AND ticket = @ticketId AND expires > @now)",
            new { gate, ticketId, now = now.ToUnixTimeSeconds() }));

    public bool TryMarkSpent(string ticketId, DateTimeOffset expires, DateTimeOffset now, out string? reason)
    {
        var sweep = now - sweptAt >= SweepEvery;
        var inserted = Run(connection =>
        {
            if (sweep)
            {
                connection.Execute("DELETE FROM gate_spent WHERE gate = @gate AND expires <= @now", new { gate, now = now.ToUnixTimeSeconds() });
            }
            // No row written means another request, here or on another instance, spent it first.
            return connection.Execute("INSERT INTO gate_spent (gate, ticket, expires) VALUES (@gate, @ticketId, @expires) ON CONFLICT DO NOTHING",
                new { gate, ticketId, expires = expires.ToUnixTimeSeconds() });
        });
        if (sweep)
        {
            sweptAt = now;
        }
        reason = inserted == 1 ? null : "this form was already posted";
        return inserted == 1;
    }

    int ISpentTickets.Count
    {
        get
        {
            try
            {
                return Run(connection => connection.ExecuteScalar<int>("SELECT count(*) FROM gate_spent WHERE gate = @gate AND expires > @now",
                    new { gate, now = time.GetUtcNow().ToUnixTimeSeconds() }));
            }
            catch (StorageException)
            {
                return -1;
            }
        }
    }

    public void Add(GateTally tally, DateTimeOffset now)
    {
        lock (countsLock)
        {
            var key = (tally, SlidingCounter.SliceOf(now, window));
            pending[key] = pending.GetValueOrDefault(key) + 1;
            if (now - countedAt >= CountsEvery)
            {
                Refresh(now);
            }
        }
    }

    /// <summary>
    /// The board-wide count, as read at most a second ago, plus this instance's events since. Page
    /// views read the level, so they must not wait for the database each time; and while the
    /// database is away the last counts serve, and this instance's events wait to be added.
    /// </summary>
    public int Count(GateTally tally, DateTimeOffset now)
    {
        lock (countsLock)
        {
            if (now - countedAt >= CountsEvery)
            {
                Refresh(now);
            }
            var oldest = SlidingCounter.SliceOf(now, window) - SlidingCounter.Slices;
            return totals[(int)tally] + pending.Where(p => p.Key.Tally == tally && p.Key.Slice > oldest).Sum(p => p.Value);
        }
    }

    private void Refresh(DateTimeOffset now)
    {
        countedAt = now;
        var newest = SlidingCounter.SliceOf(now, window);
        foreach (var old in pending.Keys.Where(k => k.Slice <= newest - SlidingCounter.Slices).ToList())
        {
            pending.Remove(old);
        }
        // In one order on every instance, so two adding to the same rows at once never deadlock.
        var adds = pending.OrderBy(p => p.Key.Tally).ThenBy(p => p.Key.Slice)
            .Select(p => new { gate, tally = Name(p.Key.Tally), slice = p.Key.Slice, count = (long)p.Value }).ToList();
        var sweep = now - countsSweptAt >= SweepEvery;
        try
        {
            var rows = Run(connection =>
            {
                using (var tx = connection.BeginTransaction())
                {
                    connection.Execute("""
                        INSERT INTO gate_counts (gate, tally, slice, count) VALUES (@gate, @tally, @slice, @count)
                        ON CONFLICT (gate, tally, slice) DO UPDATE SET count = gate_counts.count + excluded.count
                        """, adds, tx);
                    tx.Commit();
                }
                pending.Clear();
                if (sweep)
                {
                    connection.Execute("DELETE FROM gate_counts WHERE gate = @gate AND slice <= @oldest", new { gate, oldest = newest - SlidingCounter.Slices });
                }
                return connection.Query<(string Tally, long Count)>("""
                    SELECT tally, sum(count)::bigint FROM gate_counts WHERE gate = @gate AND slice > @oldest AND slice <= @newest GROUP BY tally
                    """, new { gate, oldest = newest - SlidingCounter.Slices, newest }).ToList();
            });
            if (sweep)
            {
                countsSweptAt = now;
            }
            totals[(int)GateTally.Accepted] = (int)rows.Where(r => r.Tally == Name(GateTally.Accepted)).Sum(r => r.Count);
            totals[(int)GateTally.Rejected] = (int)rows.Where(r => r.Tally == Name(GateTally.Rejected)).Sum(r => r.Count);
        }
        catch (StorageException)
        {
            // The database is away: the last counts and this instance's own events stand in; tried again in a second.
        }
    }

    private static string Name(GateTally tally) => tally == GateTally.Accepted ? "accepted" : "rejected";

    private T Run<T>(Func<NpgsqlConnection, T> work) => PostgresUnitOfWork.Translated(() =>
    {
        using var connection = database.DataSource.OpenConnection();
        return work(connection);
    });
}
