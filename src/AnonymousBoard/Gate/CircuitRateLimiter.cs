using Microsoft.AspNetCore.Http;

namespace AnonymousBoard.Gate;

/// <summary>
/// Per-circuit request budget. Capacity is the burst a fresh circuit may spend at once; tokens come
/// back at <see cref="TokensPerSecond"/>. A GET costs <see cref="ReadCost"/>, anything else
/// <see cref="WriteCost"/>, so reading stays cheap while form posts run out quickly.
/// </summary>
public sealed record RateLimiterOptions
{
    public double Capacity { get; init; } = 60;
    public double TokensPerSecond { get; init; } = 2;
    public double ReadCost { get; init; } = 1;
    public double WriteCost { get; init; } = 10;

    /// <summary>Most circuits remembered at once; about 40 bytes each.</summary>
    public int MaxCircuits { get; init; } = 100_000;
}

/// <summary>Whether a request may go on, and if not when it may try again and why.</summary>
public readonly record struct RateDecision(bool Allowed, TimeSpan RetryAfter, string? Reason)
{
    public static RateDecision Allow { get; } = new(true, TimeSpan.Zero, null);
}

/// <summary>
/// Token buckets per tor circuit. A circuit that stayed idle long enough to refill is the same as one
/// never seen, so it is forgotten; that is what bounds memory, together with a hard cap that drops the
/// longest-idle circuits first when a flood of new circuits arrives.
/// </summary>
public sealed class CircuitRateLimiter
{
    private readonly RateLimiterOptions options;
    private readonly TimeProvider time;
    private readonly Dictionary<uint, Bucket> buckets = [];
    // Requests without a circuit id (a listener that does not require the header) share one bucket.
    private Bucket direct;
    private readonly Lock gate = new();
    private readonly long refillTicks;
    private long nextSweep;

    public CircuitRateLimiter(RateLimiterOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.TokensPerSecond);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxCircuits);
        this.options = options;
        this.time = time;
        refillTicks = (long)(options.Capacity / options.TokensPerSecond * TimeSpan.TicksPerSecond);
        direct = new Bucket(options.Capacity, 0);
    }

    public int TrackedCircuits
    {
        get
        {
            lock (gate)
            {
                return buckets.Count;
            }
        }
    }

    /// <summary>Request classification: GET and HEAD are reads, everything else is a write.</summary>
    public RateDecision TryAcquire(uint? circuitId, string httpMethod) =>
        TryAcquire(circuitId, HttpMethods.IsGet(httpMethod) || HttpMethods.IsHead(httpMethod)
            ? options.ReadCost
            : options.WriteCost);

    public RateDecision TryAcquire(uint? circuitId, double cost)
    {
        var now = time.GetUtcNow().UtcTicks;
        lock (gate)
        {
            if (circuitId is not uint id)
            {
                return Take(ref direct, cost, now);
            }
            // The common case, a known circuit, is a single lookup that updates the bucket in place.
            ref var bucket = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrNullRef(buckets, id);
            if (!System.Runtime.CompilerServices.Unsafe.IsNullRef(ref bucket))
            {
                return Take(ref bucket, cost, now);
            }
            if (buckets.Count >= options.MaxCircuits || now >= nextSweep)
            {
                Sweep(now);
            }
            var fresh = new Bucket(options.Capacity, now);
            var decision = Take(ref fresh, cost, now);
            buckets[id] = fresh;
            return decision;
        }
    }

    private RateDecision Take(ref Bucket bucket, double cost, long now)
    {
        var elapsed = Math.Max(0, now - bucket.LastTicks) / (double)TimeSpan.TicksPerSecond;
        var tokens = Math.Min(options.Capacity, bucket.Tokens + elapsed * options.TokensPerSecond);
        bucket.LastTicks = now;
        if (tokens >= cost)
        {
            bucket.Tokens = tokens - cost;
            return RateDecision.Allow;
        }
        bucket.Tokens = tokens;
        var wait = TimeSpan.FromSeconds(Math.Ceiling((cost - tokens) / options.TokensPerSecond));
        return new RateDecision(false, wait, $"too many requests on this circuit; try again in {wait.TotalSeconds:0} seconds");
    }

    private void Sweep(long now)
    {
        nextSweep = now + Math.Max(refillTicks, TimeSpan.TicksPerSecond);
        // Full again means "never seen": drop without changing anyone's budget.
        foreach (var (id, bucket) in buckets)
        {
            if (now - bucket.LastTicks >= refillTicks)
            {
                buckets.Remove(id);
            }
        }
        if (buckets.Count < options.MaxCircuits)
        {
            return;
        }
        // Still full: many circuits active at once. Forget the quietest quarter; they restart with a
        // full bucket, which gives a flooder with that many circuits little it did not already have.
        var drop = buckets.OrderBy(pair => pair.Value.LastTicks).Take(Math.Max(1, options.MaxCircuits / 4)).Select(pair => pair.Key).ToList();
        foreach (var id in drop)
        {
            buckets.Remove(id);
        }
    }

    private struct Bucket(double tokens, long lastTicks)
    {
        public double Tokens = tokens;
        public long LastTicks = lastTicks;
    }
}
