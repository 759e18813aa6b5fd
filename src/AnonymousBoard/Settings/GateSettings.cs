namespace AnonymousBoard.Settings;

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
}
