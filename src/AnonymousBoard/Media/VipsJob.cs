namespace AnonymousBoard.Media;

/// <summary>
/// The private working directory of one upload and the worker run in it. Disposing deletes the
/// directory with everything in it, whatever the outcome, so no upload outlives its request.
/// </summary>
public sealed class VipsJob : IDisposable
{
    private readonly VipsRunner _runner;

    internal VipsJob(VipsRunner runner, string workingDirectory)
    {
        _runner = runner;
        WorkingDirectory = workingDirectory;
    }

    public string WorkingDirectory { get; }

    public string PathOf(string fileName) => Path.Combine(WorkingDirectory, fileName);

    /// <summary>The failure of this job that was the server's fault, not the upload's; null if none.</summary>
    public string? ServerFault { get; private set; }

    /// <summary>Runs one worker with these arguments in the job's directory; file names are relative to it.</summary>
    public async Task<VipsRun> WorkerAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var run = await _runner.RunAsync(WorkingDirectory, arguments, cancellationToken);
        if (run.ServerFault)
        {
            ServerFault ??= run.Reason;
        }
        return run;
    }

    public void Dispose()
    {
        if (Directory.Exists(WorkingDirectory))
        {
            Directory.Delete(WorkingDirectory, recursive: true);
        }
    }
}
