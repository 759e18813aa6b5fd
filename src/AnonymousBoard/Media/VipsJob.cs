namespace AnonymousBoard.Media;

/// <summary>
/// The private working directory of one upload and the vips commands run in it. Disposing deletes
/// the directory with everything in it, whatever the outcome, so no upload outlives its request.
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

    /// <summary>The first failure of this job that was the server's fault, not the upload's; null if none.</summary>
    public string? ServerFault { get; private set; }

    /// <summary>Runs <c>vips</c> with these arguments; file names are relative to the job's directory.</summary>
    public Task<VipsRun> VipsAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken) =>
        Run(_runner.VipsPath, arguments, cancellationToken);

    /// <summary>Runs <c>vipsheader</c>, which reads only the header of an image, never its pixels.</summary>
    public Task<VipsRun> HeaderAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken) =>
        Run(_runner.VipsHeaderPath, arguments, cancellationToken);

    private async Task<VipsRun> Run(string executable, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var run = await _runner.RunAsync(executable, WorkingDirectory, arguments, cancellationToken);
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
