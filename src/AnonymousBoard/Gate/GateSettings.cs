namespace AnonymousBoard.Gate;

/// <summary>The "Board:Gate" configuration section: how the anti-flood gate is set up.</summary>
public sealed class GateSettings
{
    /// <summary>
    /// False turns every level's time lock to zero: for tests and development only. Per-circuit and
    /// board-wide budgets, tickets and proof of work still apply.
    /// </summary>
    public bool TimeLock { get; set; } = true;

    /// <summary>auto (chosen from the post and refusal rates), or calm, busy or flood, held.</summary>
    public string Level { get; set; } = "auto";

    /// <summary>Board-wide posts per minute at the calm level (and its burst); null keeps the default.</summary>
    public int? CalmPostsPerMinute { get; set; }

    /// <summary>Board-wide reports and appeals per minute at the calm level (and its burst); null keeps the default.</summary>
    public int? CalmReportsPerMinute { get; set; }

    /// <summary>The unix socket tor connects to refuses connections without tor's PROXY line.</summary>
    public bool RequireCircuitHeader { get; set; } = true;

    /// <summary>Most circuits each per-circuit budget (requests, posts, reports) remembers at once.</summary>
    public int MaxCircuits { get; set; } = 100_000;

    /// <summary>
    /// Every time lock, interval, window and queue of the gate multiplied by this, and the rates
    /// divided by it (0.1 to 1): a drill or a test runs the real gate ten times faster. Never below 1
    /// on a real board.
    /// </summary>
    public double TimeScale { get; set; } = 1;

    /// <summary>Seconds between the log lines that count the gate's state (circuits tracked, queue, level); 0 = none.</summary>
    public int StatsSeconds { get; set; } = 60;

    internal GateOptions ToOptions() => Finish(new GateOptions(), CalmPostsPerMinute);

    /// <summary>
    /// The gate for reports and appeals: the same levels, time locks and work as posts, its own and
    /// smaller budgets (a person reports now and then; a flood of reports must not spend post slots),
    /// and thresholds that rise sooner.
    /// </summary>
    internal GateOptions ToReportOptions() => Finish(GateOptions.ForReports, CalmReportsPerMinute);

    private GateOptions Finish(GateOptions options, int? calmRate)
    {
        if (TimeScale is < 0.1 or > 1 || double.IsNaN(TimeScale))
        {
            throw new Hosting.StartupException($"Board:Gate:TimeScale is {TimeScale}; it must be between 0.1 and 1.");
        }
        if (MaxCircuits < 1)
        {
            throw new Hosting.StartupException("Board:Gate:MaxCircuits must be at least 1.");
        }
        options = options with { MaxCircuits = MaxCircuits };
        if (calmRate is { } rate)
        {
            options = options with { Calm = options.Calm with { GlobalPostsPerMinute = rate, GlobalPostBurst = Math.Max(options.Calm.GlobalPostBurst, rate) } };
        }
        if (!TimeLock)
        {
            options = options with
            {
                Calm = options.Calm with { TimeLock = TimeSpan.Zero },
                Busy = options.Busy with { TimeLock = TimeSpan.Zero },
                Flood = options.Flood with { TimeLock = TimeSpan.Zero },
            };
        }
        return options.Scaled(TimeScale);
    }

    /// <summary>The level to hold, or null for automatic; throws with a sentence for a bad value.</summary>
    internal GateLevel? FixedLevel() => Level.ToLowerInvariant() switch
    {
        "auto" => null,
        "calm" => GateLevel.Calm,
        "busy" => GateLevel.Busy,
        "flood" => GateLevel.Flood,
        _ => throw new Hosting.StartupException($"Board:Gate:Level is \"{Level}\"; it must be auto, calm, busy or flood."),
    };
}
