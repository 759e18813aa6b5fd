using AnonymousBoard.Gate;
using Xunit;

namespace AnonymousBoard.Tests.Gate;

public class CircuitRateLimiterTests
{
    private static readonly RateLimiterOptions Options = new() { Capacity = 10, TokensPerSecond = 1, ReadCost = 1, WriteCost = 5, MaxCircuits = 100 };

    [Fact]
    public void Reads_are_cheap_and_writes_are_dear()
    {
        var limiter = new CircuitRateLimiter(Options, new TestClock());

        Assert.True(limiter.TryAcquire(1, "POST").Allowed);
        Assert.True(limiter.TryAcquire(1, "POST").Allowed);
        var third = limiter.TryAcquire(1, "POST");
        Assert.False(third.Allowed);
        Assert.Equal(TimeSpan.FromSeconds(5), third.RetryAfter);
        Assert.Contains("try again in 5 seconds", third.Reason, StringComparison.Ordinal);

        var other = new CircuitRateLimiter(Options, new TestClock());
        Assert.Equal(10, Enumerable.Range(0, 20).Count(_ => other.TryAcquire(1, "GET").Allowed));
    }

    [Fact]
    public void Circuits_have_separate_budgets_and_refill_over_time()
    {
        var clock = new TestClock();
        var limiter = new CircuitRateLimiter(Options, clock);
        for (var i = 0; i < 10; i++)
        {
            Assert.True(limiter.TryAcquire(1, "GET").Allowed);
        }

        Assert.False(limiter.TryAcquire(1, "GET").Allowed);
        Assert.True(limiter.TryAcquire(2, "GET").Allowed);
        clock.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(3, Enumerable.Range(0, 5).Count(_ => limiter.TryAcquire(1, "HEAD").Allowed));
    }

    [Fact]
    public void Connections_without_a_circuit_share_one_budget()
    {
        var limiter = new CircuitRateLimiter(Options, new TestClock());

        Assert.Equal(10, Enumerable.Range(0, 20).Count(_ => limiter.TryAcquire(null, "GET").Allowed));
        Assert.Equal(0, limiter.TrackedCircuits);
    }

    [Fact]
    public void Idle_circuits_are_forgotten()
    {
        var clock = new TestClock();
        var limiter = new CircuitRateLimiter(Options, clock);
        for (uint id = 0; id < 50; id++)
        {
            limiter.TryAcquire(id, "GET");
        }
        Assert.Equal(50, limiter.TrackedCircuits);

        clock.Advance(TimeSpan.FromSeconds(11));
        limiter.TryAcquire(1000, "GET");

        Assert.Equal(1, limiter.TrackedCircuits);
    }

    [Fact]
    public void Memory_stays_bounded_under_a_flood_of_new_circuits()
    {
        var clock = new TestClock();
        var limiter = new CircuitRateLimiter(Options, clock);

        for (uint id = 0; id < 10_000; id++)
        {
            limiter.TryAcquire(id, "POST");
            clock.Advance(TimeSpan.FromMilliseconds(1));
        }

        Assert.InRange(limiter.TrackedCircuits, 1, Options.MaxCircuits);
        // The circuit just seen is still remembered and still limited.
        Assert.True(limiter.TryAcquire(9_999, "POST").Allowed);
        Assert.False(limiter.TryAcquire(9_999, "POST").Allowed);
    }
}
