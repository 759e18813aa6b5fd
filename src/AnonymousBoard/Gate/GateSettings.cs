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

    /// <summary>The unix socket tor connects to refuses connections without tor's PROXY line.</summary>
    public bool RequireCircuitHeader { get; set; } = true;

    internal GateOptions ToOptions()
    {
        var options = new GateOptions();
        if (CalmPostsPerMinute is { } rate)
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
        return options;
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
