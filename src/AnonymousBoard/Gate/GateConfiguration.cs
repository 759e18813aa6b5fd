using AnonymousBoard.Settings;

namespace AnonymousBoard.Gate;

/// <summary>The gate's options made from the "Board:Gate" settings; a setting it cannot use stops the start with a sentence.</summary>
internal static class GateConfiguration
{
    internal static GateOptions ToOptions(this GateSettings s) => Finish(s, new GateOptions(), s.CalmPostsPerMinute);

    /// <summary>
    /// The gate for reports and appeals: the same levels, time locks and work as posts, its own and
    /// smaller budgets (a person reports now and then; a flood of reports must not spend post slots),
    /// and thresholds that rise sooner.
    /// </summary>
    internal static GateOptions ToReportOptions(this GateSettings s) => Finish(s, GateOptions.ForReports, s.CalmReportsPerMinute);

    private static GateOptions Finish(GateSettings s, GateOptions options, int? calmRate)
    {
        if (s.TimeScale is < 0.1 or > 1 || double.IsNaN(s.TimeScale))
        {
            throw new StartupException($"Board:Gate:TimeScale is {s.TimeScale}; it must be between 0.1 and 1.");
        }
        if (s.MaxCircuits < 1)
        {
            throw new StartupException("Board:Gate:MaxCircuits must be at least 1.");
        }
        options = options with { MaxCircuits = s.MaxCircuits };
        if (calmRate is { } rate)
        {
            options = options with { Calm = options.Calm with { GlobalPostsPerMinute = rate, GlobalPostBurst = Math.Max(options.Calm.GlobalPostBurst, rate) } };
        }
        if (!s.TimeLock)
        {
            options = options with
            {
                Calm = options.Calm with { TimeLock = TimeSpan.Zero },
                Busy = options.Busy with { TimeLock = TimeSpan.Zero },
                Flood = options.Flood with { TimeLock = TimeSpan.Zero },
            };
        }
        return options.Scaled(s.TimeScale);
    }

    /// <summary>The level to hold, or null for automatic; throws with a sentence for a bad value.</summary>
    internal static GateLevel? FixedLevel(this GateSettings s) => s.Level.ToLowerInvariant() switch
    {
        "auto" => null,
        "calm" => GateLevel.Calm,
        "busy" => GateLevel.Busy,
        "flood" => GateLevel.Flood,
        _ => throw new StartupException($"Board:Gate:Level is \"{s.Level}\"; it must be auto, calm, busy or flood."),
    };
}
