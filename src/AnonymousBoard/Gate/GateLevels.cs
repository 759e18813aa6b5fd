namespace AnonymousBoard.Gate;

/// <summary>How hard the board is being pushed, from the rates the gate measures (or a moderator's say).</summary>
public enum GateLevel
{
    Calm,
    Busy,
    Flood,
}

/// <summary>
/// What one level asks of a post.
/// <list type="bullet">
/// <item><see cref="TimeLock"/>: least time between getting the form and posting it.</item>
/// <item><see cref="RequiredBits"/>: hashcash work per post, 0 = none.</item>
/// <item><see cref="CircuitPostInterval"/>/<see cref="CircuitPostBurst"/>: one post per interval per circuit, with a small burst.</item>
/// <item><see cref="GlobalPostsPerMinute"/>/<see cref="GlobalPostBurst"/>: post slots for the whole board.</item>
/// <item><see cref="MaxQueue"/>: the longest wait for a slot the scheduler hands out before saying "flooded, come back later".</item>
/// </list>
/// </summary>
public sealed record LevelSettings(
    TimeSpan TimeLock,
    int RequiredBits,
    TimeSpan CircuitPostInterval,
    int CircuitPostBurst,
    double GlobalPostsPerMinute,
    int GlobalPostBurst,
    TimeSpan MaxQueue);

/// <summary>Every number the gate uses, with defaults sized for a small board.</summary>
public sealed record GateOptions
{
    // A person needs more than five seconds to read and answer; a script does not wait unless made to.
    public LevelSettings Calm { get; init; } = new(
        TimeSpan.FromSeconds(5), 0, TimeSpan.FromSeconds(20), 3, 30, 30, TimeSpan.FromMinutes(2));

    // 16 bits is about 65 000 SHA-1 runs: a fraction of a second with the hashcash tool.
    public LevelSettings Busy { get; init; } = new(
        TimeSpan.FromSeconds(30), 16, TimeSpan.FromSeconds(60), 2, 10, 10, TimeSpan.FromMinutes(10));

    // 20 bits is about a million runs: 1.6 s with "AnonymousBoard pow", but 0.07 s with the hashcash
    // tool (measured by the flood drill), so it costs a script little; the board-wide budget is the limit.
    public LevelSettings Flood { get; init; } = new(
        TimeSpan.FromSeconds(60), 20, TimeSpan.FromMinutes(5), 1, 3, 3, TimeSpan.FromMinutes(20));

    /// <summary>The sliding window rates are counted over.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromMinutes(5);

    public int BusyAcceptedPosts { get; init; } = 50;
    public int BusyRejectedAttempts { get; init; } = 50;
    public int FloodAcceptedPosts { get; init; } = 150;
    public int FloodRejectedAttempts { get; init; } = 300;

    /// <summary>How long the rates must stay below a level before the gate steps down one level.</summary>
    public TimeSpan CoolDown { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a fresh form's ticket can be posted.</summary>
    public TimeSpan TicketLifetime { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// How long a queued post's ticket stays good after its turn comes. Short, because queued tickets
    /// can be saved up: a script holding many sends them all at once, so a minute can see this much of
    /// the queue on top of the level's budget (the flood drill found 10 minutes' worth possible).
    /// </summary>
    public TimeSpan QueuedTicketGrace { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Must outlast every ticket's life; see <see cref="TicketKeys"/>.</summary>
    public TimeSpan KeyRotation { get; init; } = TimeSpan.FromHours(1);

    /// <summary>How many more bits than required skip the time lock.</summary>
    public int LockSkipExtraBits { get; init; } = 4;

    public int SpentTicketCapacity { get; init; } = 100_000;

    /// <summary>Most circuits each per-circuit post budget remembers.</summary>
    public int MaxCircuits { get; init; } = 100_000;

    public HashcashWindow StampWindow { get; init; } = HashcashWindow.Default;

    /// <summary>
    /// Reports and appeals: the posts' time locks and work, budgets a fifth of theirs, and levels that
    /// rise at a tenth of the traffic. Someone reports a post now and then; dozens a minute is a flood.
    /// </summary>
    public static GateOptions ForReports { get; } = new()
    {
        Calm = new(TimeSpan.FromSeconds(5), 0, TimeSpan.FromSeconds(60), 3, 6, 6, TimeSpan.FromMinutes(2)),
        Busy = new(TimeSpan.FromSeconds(30), 16, TimeSpan.FromMinutes(5), 1, 2, 2, TimeSpan.FromMinutes(10)),
        Flood = new(TimeSpan.FromSeconds(60), 20, TimeSpan.FromMinutes(10), 1, 1, 1, TimeSpan.FromMinutes(20)),
        // Ten reports in five minutes is already unusual; from then on reports stop hiding posts by themselves.
        BusyAcceptedPosts = 10,
        BusyRejectedAttempts = 20,
        FloodAcceptedPosts = 60,
        FloodRejectedAttempts = 100,
    };

    /// <summary>Every duration times <paramref name="scale"/> and every rate divided by it: the same gate, faster.</summary>
    public GateOptions Scaled(double scale)
    {
        if (scale == 1)
        {
            return this;
        }
        LevelSettings Scale(LevelSettings l) => l with
        {
            TimeLock = l.TimeLock * scale,
            CircuitPostInterval = l.CircuitPostInterval * scale,
            GlobalPostsPerMinute = l.GlobalPostsPerMinute / scale,
            MaxQueue = l.MaxQueue * scale,
        };
        return this with
        {
            Calm = Scale(Calm),
            Busy = Scale(Busy),
            Flood = Scale(Flood),
            Window = Window * scale,
            CoolDown = CoolDown * scale,
        };
    }

    public LevelSettings For(GateLevel level) => level switch
    {
        GateLevel.Calm => Calm,
        GateLevel.Busy => Busy,
        _ => Flood,
    };

    /// <summary>Null when the options hang together, else what is wrong.</summary>
    public string? Problem()
    {
        var longestQueue = new[] { Calm.MaxQueue, Busy.MaxQueue, Flood.MaxQueue }.Max();
        if (KeyRotation < TicketLifetime || KeyRotation < longestQueue + QueuedTicketGrace)
        {
            return "KeyRotation must be at least TicketLifetime and the longest MaxQueue plus QueuedTicketGrace, or live tickets lose their key";
        }
        foreach (var level in new[] { Calm, Busy, Flood })
        {
            if (level.GlobalPostsPerMinute <= 0 || level.GlobalPostBurst < 1 || level.CircuitPostBurst < 1
                || level.CircuitPostInterval <= TimeSpan.Zero || level.RequiredBits is < 0 or > Hashcash.MaxBits)
            {
                return "every level needs a positive global rate, bursts of at least 1, a positive circuit interval and 0 to 32 bits";
            }
        }
        return null;
    }
}

/// <summary>
/// The level the measured rates call for, and why, in words a moderator can read. Every page asks for the level and
/// few read why, so the words are put together only when <see cref="Reason"/> is read.
/// </summary>
public readonly record struct LevelReading(GateLevel Level, LevelCause Cause, int AcceptedPosts, int RejectedAttempts, GateOptions Options)
{
    public string Reason
    {
        get
        {
            var minutes = Options.Window.TotalMinutes;
            return Cause switch
            {
                LevelCause.RejectedAttempts when Level == GateLevel.Flood =>
                    $"flood: {RejectedAttempts} rejected attempts in {minutes:0} minutes (threshold {Options.FloodRejectedAttempts})",
                LevelCause.AcceptedPosts when Level == GateLevel.Flood =>
                    $"flood: {AcceptedPosts} posts in {minutes:0} minutes (threshold {Options.FloodAcceptedPosts})",
                LevelCause.RejectedAttempts =>
                    $"busy: {RejectedAttempts} rejected attempts in {minutes:0} minutes (threshold {Options.BusyRejectedAttempts})",
                LevelCause.AcceptedPosts =>
                    $"busy: {AcceptedPosts} posts in {minutes:0} minutes (threshold {Options.BusyAcceptedPosts})",
                _ => $"calm: {AcceptedPosts} posts and {RejectedAttempts} rejected attempts in {minutes:0} minutes",
            };
        }
    }
}

/// <summary>Which count put the board at its level.</summary>
public enum LevelCause
{
    Quiet,
    RejectedAttempts,
    AcceptedPosts,
}

public static class GateLevels
{
    /// <summary>Picks the level for the accepted posts and rejected attempts counted over the window.</summary>
    public static LevelReading Measure(int acceptedPosts, int rejectedAttempts, GateOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var (level, cause) =
            rejectedAttempts >= options.FloodRejectedAttempts ? (GateLevel.Flood, LevelCause.RejectedAttempts)
            : acceptedPosts >= options.FloodAcceptedPosts ? (GateLevel.Flood, LevelCause.AcceptedPosts)
            : rejectedAttempts >= options.BusyRejectedAttempts ? (GateLevel.Busy, LevelCause.RejectedAttempts)
            : acceptedPosts >= options.BusyAcceptedPosts ? (GateLevel.Busy, LevelCause.AcceptedPosts)
            : (GateLevel.Calm, LevelCause.Quiet);
        return new(level, cause, acceptedPosts, rejectedAttempts, options);
    }
}

/// <summary>
/// Events counted over a sliding window in a fixed ring of slices: memory is constant however many
/// events arrive, and the count is exact to one slice (1/30 of the window).
/// </summary>
public sealed class SlidingCounter
{
    /// <summary>How many slices a window is cut into; a store that counts elsewhere cuts it the same way.</summary>
    public const int Slices = 30;
    private readonly long sliceTicks;
    private readonly long[] sliceIndex = new long[Slices];
    private readonly int[] counts = new int[Slices];

    public SlidingCounter(TimeSpan window)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, TimeSpan.FromSeconds(Slices));
        sliceTicks = window.Ticks / Slices;
        Array.Fill(sliceIndex, -1);
    }

    /// <summary>The number of the slice <paramref name="now"/> falls in; a window is the <see cref="Slices"/> slices up to and including it.</summary>
    public static long SliceOf(DateTimeOffset now, TimeSpan window) => now.UtcTicks / (window.Ticks / Slices);

    public void Add(DateTimeOffset now)
    {
        var index = now.UtcTicks / sliceTicks;
        var slot = (int)(index % Slices);
        if (sliceIndex[slot] != index)
        {
            sliceIndex[slot] = index;
            counts[slot] = 0;
        }
        counts[slot]++;
    }

    public int Count(DateTimeOffset now)
    {
        var newest = now.UtcTicks / sliceTicks;
        var total = 0;
        for (var i = 0; i < Slices; i++)
        {
            if (sliceIndex[i] > newest - Slices && sliceIndex[i] <= newest)
            {
                total += counts[i];
            }
        }
        return total;
    }
}
