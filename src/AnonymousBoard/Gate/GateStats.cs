using Microsoft.Extensions.Options;
using AnonymousBoard.Settings;

namespace AnonymousBoard.Gate;

/// <summary>
/// A log line every Board:Gate:StatsSeconds with the sizes of the gate's tables and its levels: how an
/// operator (and the flood drill) sees that per-circuit state stays bounded. Counts only: no circuit
/// id is ever logged or shown on a page.
/// </summary>
public sealed partial class GateStats(AdmissionGate posts, ReportGate reports, CircuitRateLimiter requests,
    IOptions<BoardOptions> options, TimeProvider time, ILogger<GateStats> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var seconds = options.Value.Gate.StatsSeconds;
        if (seconds <= 0)
        {
            return;
        }
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(seconds), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Write();
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }

    public void Write()
    {
        if (!log.IsEnabled(LogLevel.Information))
        {
            return;
        }
        var p = posts.Counts;
        var r = reports.Admission.Counts;
        var postLevel = posts.Status.Level.ToString().ToLowerInvariant();
        var reportLevel = reports.Admission.Status.Level.ToString().ToLowerInvariant();
        LogState(log, postLevel, reportLevel,
            requests.TrackedCircuits, p.LargestCircuitTable, p.QueuedCircuits, p.SpentTickets, r.LargestCircuitTable, r.QueuedCircuits,
            r.SpentTickets, reports.Remembered);
    }

    [LoggerMessage(EventId = 40, Level = LogLevel.Information, Message =
        "Gate: posting {PostLevel}, reports {ReportLevel}; circuits tracked: requests={RequestCircuits} posts={PostCircuits} " +
        "queued={QueuedCircuits} reports={ReportCircuits} report-queued={ReportQueued} report-pairs={ReportPairs}; " +
        "spent tickets: posts={PostSpent} reports={ReportSpent}")]
    private static partial void LogState(ILogger logger, string postLevel, string reportLevel, int requestCircuits, int postCircuits,
        int queuedCircuits, int postSpent, int reportCircuits, int reportQueued, int reportSpent, int reportPairs);
}
