using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace AnonymousBoard.Media;

/// <summary>How image workers are started and how far one may go.</summary>
public sealed record VipsSettings
{
    /// <summary>
    /// The command that starts a worker, before its own arguments; null is this program's own
    /// <c>image-worker</c> subcommand. Tests put a script here to play a worker that misbehaves.
    /// </summary>
    public IReadOnlyList<string>? WorkerCommand { get; init; }

    /// <summary>
    /// Wall-clock time of one whole job (start-up, decode, re-encode, thumbnail). Re-encoding a GIF
    /// is the slow case, about 0.4 s per megapixel of frames, so 40 megapixels of noise takes ~17 s.
    /// </summary>
    public TimeSpan TimeLimit { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>CPU seconds of one job (prlimit --cpu): a decoder spinning on all its threads stops even before the wall clock says so.</summary>
    public int CpuSecondsLimit { get; init; } = 60;

    /// <summary>
    /// Address space a worker may add to what it holds once started (RLIMIT_AS, set by the worker
    /// on itself before it opens the upload): libvips's buffers, its threads' stacks, malloc arenas.
    /// </summary>
    public long MemoryLimitBytes { get; init; } = 1024L * 1024 * 1024;

    /// <summary>libvips threads inside one worker; the board gives each worker its share of the cores.</summary>
    public int ThreadsPerWorker { get; init; } = 1;

    /// <summary>How much of stdout and of stderr is kept; the rest is read and dropped.</summary>
    public int OutputLimitBytes { get; init; } = 64 * 1024;

    /// <summary>Each job gets its own directory under here, deleted when the job ends.</summary>
    public string TempDirectory { get; init; } = Path.GetTempPath();
}

/// <summary>How one worker ended: what it printed, or why it failed, in words for the poster.</summary>
/// <param name="ServerFault">The failure lies with the server (the worker could not be run, or was killed from outside), not with the upload.</param>
public sealed record VipsRun(string Output, string? Reason, bool ServerFault = false)
{
    public bool Succeeded => Reason is null;
}

/// <summary>
/// Starts image workers (<see cref="ImageWorker"/>, this same program with a hidden subcommand) as
/// child processes, each boxed in: no shell, a cleared environment of a few fixed settings with
/// VIPS_BLOCK_UNTRUSTED=1 (libvips then refuses every loader it does not trust with hostile input),
/// an address-space and a CPU-time limit through prlimit, no network through unshare when the
/// kernel allows it, a wall-clock limit after which the whole process tree is killed, and capped
/// output. Decoding in another process means a decoder bug or a bomb costs that process, not the board.
/// </summary>
public sealed class VipsRunner
{
    public const string NeedsMoreMemory = "the image needs more memory to decode than the board allows";

    public const string TookTooLong = "the image took too long to decode";

    /// <summary>
    /// What reaching prlimit's address-space ceiling looks like, depending on which allocation hits
    /// it first: libvips's own, libjpeg's, a new thread's stack, or the .NET runtime's.
    /// </summary>
    private static readonly string[] OutOfMemoryMarkers = ["out of memory", "insufficient memory", "cannot allocate memory", "error creating thread", "OutOfMemoryException", "failed to allocate"];

    private readonly VipsSettings _settings;
    private readonly string _prlimit;
    private readonly string[] _isolation;
    private readonly string[] _worker;

    private VipsRunner(VipsSettings settings, string? unavailableReason, string prlimit, string[] isolation, string[] worker, string networkNote)
    {
        _settings = settings;
        UnavailableReason = unavailableReason;
        _prlimit = prlimit;
        _isolation = isolation;
        _worker = worker;
        NetworkNote = networkNote;
    }

    public bool IsAvailable => UnavailableReason is null;

    /// <summary>Why images cannot be posted on this machine (text posting is unaffected), or null.</summary>
    public string? UnavailableReason { get; }

    /// <summary>One line for the startup log: whether workers run cut off from the network, and how.</summary>
    public string NetworkNote { get; }

    public VipsSettings Settings => _settings;

    /// <summary>Finds prlimit and this program, and tries network isolation once; call at startup and keep the runner.</summary>
    public static VipsRunner Create(VipsSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (!OperatingSystem.IsLinux())
        {
            return Unavailable(settings, "image posting is disabled: it needs Linux (prlimit and unshare box in the decoder)");
        }

        var prlimit = FindExecutable("prlimit");
        if (prlimit is null)
        {
            return Unavailable(settings, "image posting is disabled: install util-linux (prlimit caps the memory of the image decoder)");
        }

        var worker = settings.WorkerCommand?.ToArray() ?? OwnWorkerCommand();
        if (worker.Length == 0 || !File.Exists(worker[0]))
        {
            return Unavailable(settings, "image posting is disabled: the image worker could not be found");
        }

        var (isolation, note) = ProbeNetworkIsolation(FindExecutable("unshare"));
        return new VipsRunner(settings, null, prlimit, isolation, worker, note);
    }

    /// <summary>
    /// This program's own <c>image-worker</c>: the dotnet host of the runtime running now with
    /// AnonymousBoard.dll (whether the board runs from its apphost, <c>dotnet run</c> or a test
    /// host), or, when the app is self-contained, the executable beside the assembly.
    /// </summary>
    private static string[] OwnWorkerCommand()
    {
        var assembly = typeof(ImageWorker).Assembly.Location;
        var runtime = System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory();
        var host = Path.GetFullPath(Path.Combine(runtime, "..", "..", "..", "dotnet"));
        if (File.Exists(host) && assembly.Length > 0)
        {
            return [host, "exec", assembly, ImageWorker.Command];
        }

        return [Path.Combine(AppContext.BaseDirectory, "AnonymousBoard"), ImageWorker.Command];
    }

    /// <summary>
    /// The whole environment of a worker; nothing of the board's (connection strings, keys, proxy
    /// settings) is passed on. The .NET settings keep a worker small and quick to start: measured
    /// in README.md, "Images".
    /// </summary>
    public static IReadOnlyDictionary<string, string> WorkerEnvironment(string directory) => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["VIPS_BLOCK_UNTRUSTED"] = "1",
        // The board's runtimeconfig asks for the server GC (a heap, a thread and a large address
        // reservation per core); a worker needs the workstation GC, without the background GC thread.
        ["DOTNET_gcServer"] = "0",
        ["DOTNET_gcConcurrent"] = "0",
        // A hard limit on the managed heap (hex: 64 MiB), which also shrinks the GC's address-space
        // reservation from 256 GB to a few hundred MB. The worker's own objects are a few megabytes;
        // pixels live in libvips's native memory, under the worker's RLIMIT_AS.
        ["DOTNET_GCHeapHardLimit"] = "0x4000000",
        // No ICU: the worker formats nothing for people but ASCII lines; loading ICU costs start-up time.
        ["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "1",
        // No diagnostics IPC socket in TMPDIR and no debugger or profiler attach: nothing listens.
        ["DOTNET_EnableDiagnostics"] = "0",
        // A process that lives for one image gains nothing from profile-guided re-JIT.
        ["DOTNET_TieredPGO"] = "0",
        // glibc reserves 64 MB of address space per malloc arena, up to 8 per core; two keep the
        // worker's address space close to what it really uses.
        ["MALLOC_ARENA_MAX"] = "2",
        ["TMPDIR"] = directory,
        ["HOME"] = directory,
        ["LC_ALL"] = "C",
        ["PATH"] = "/usr/bin:/bin",
    };

    private static VipsRunner Unavailable(VipsSettings settings, string reason) => new(settings, reason, "", [], [], reason);

    /// <summary>A fresh private working directory for the files of one upload.</summary>
    public VipsJob CreateJob()
    {
        if (UnavailableReason is not null || !OperatingSystem.IsLinux())
        {
            throw new InvalidOperationException(UnavailableReason);
        }

        // Readable by the board's user only: other local users never see an upload.
        var directory = Path.Combine(_settings.TempDirectory, "vips-job-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return new VipsJob(this, directory);
    }

    internal async Task<VipsRun> RunAsync(string directory, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(_prlimit)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = directory,
        };
        // The address space is capped by the worker itself once the runtime is up and before it
        // opens the upload (see ImageWorker.LimitAddressSpace); prlimit caps CPU time.
        start.ArgumentList.Add(string.Create(CultureInfo.InvariantCulture, $"--cpu={_settings.CpuSecondsLimit}"));
        // No core files of a crashed decoder, which would hold the upload's pixels.
        start.ArgumentList.Add("--core=0");
        start.ArgumentList.Add("--");
        foreach (var part in _isolation.Concat(_worker).Concat(arguments).Append(_settings.MemoryLimitBytes.ToString(CultureInfo.InvariantCulture)))
        {
            start.ArgumentList.Add(part);
        }

        start.Environment.Clear();
        foreach (var (name, value) in WorkerEnvironment(directory))
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {_prlimit}");
        process.StandardInput.Close();
        var output = ReadCappedAsync(process.StandardOutput.BaseStream, _settings.OutputLimitBytes);
        var errors = ReadCappedAsync(process.StandardError.BaseStream, _settings.OutputLimitBytes);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_settings.TimeLimit);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            // prlimit and unshare exec into the worker, so the tree is the worker and anything it started.
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            await Task.WhenAll(output, errors);
            cancellationToken.ThrowIfCancellationRequested();
            return new VipsRun("", TookTooLong);
        }

        var stdout = await output;
        var stderr = await errors;
        return process.ExitCode switch
        {
            ImageWorker.Answered => new VipsRun(stdout, null),
            // prlimit or unshare could not start the next program: the worker was removed or broken since start-up.
            126 or 127 => new VipsRun(stdout, ToolsNotRunnable, ServerFault: true),
            // SIGKILL, and not ours (that is the time limit above): the kernel's out-of-memory killer or an operator.
            128 + 9 => new VipsRun(stdout, KilledFromOutside, ServerFault: true),
            // SIGXCPU: the CPU-time limit.
            128 + 24 => new VipsRun(stdout, TookTooLong),
            _ => Failed(stdout, DescribeFailure(process.ExitCode, stderr)),
        };
    }

    private static VipsRun Failed(string stdout, string reason) => new(stdout, reason, ServerFault: reason == ToolsNotRunnable);

    public const string ToolsNotRunnable = "the image tools could not be run";

    public const string KilledFromOutside = "the image decoder was stopped before it finished (the server may be short of memory)";

    public static bool MeansOutOfMemory(string text) =>
        OutOfMemoryMarkers.Any(marker => text.Contains(marker, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Turns a worker that ended without an answer into a reason a poster can read. The worker
    /// answers every refusal of libvips itself; this is for a runtime or a decoder that died.
    /// </summary>
    public static string DescribeFailure(int exitCode, string stderr)
    {
        ArgumentNullException.ThrowIfNull(stderr);
        if (MeansOutOfMemory(stderr))
        {
            return NeedsMoreMemory;
        }

        // The host could not find or load the program or its runtime: the server's fault.
        if (stderr.Contains("The application to execute does not exist", StringComparison.Ordinal)
            || stderr.Contains("You must install or update .NET", StringComparison.Ordinal)
            || exitCode == ImageWorker.Misused)
        {
            return ToolsNotRunnable;
        }

        // Exit codes above 128 are a signal: the decoder crashed rather than reporting an error.
        return exitCode > 128
            ? "the image could not be decoded: the decoder crashed"
            : string.Create(CultureInfo.InvariantCulture, $"the image could not be decoded (exit code {exitCode})");
    }

    private static async Task<string> ReadCappedAsync(Stream stream, int limit)
    {
        using var kept = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            // Past the limit keep reading and dropping, so a chatty child never blocks on a full pipe.
            kept.Write(buffer, 0, (int)Math.Clamp(limit - kept.Length, 0, read));
        }

        return Encoding.UTF8.GetString(kept.GetBuffer(), 0, (int)kept.Length);
    }

    /// <summary>
    /// unshare -n needs CAP_SYS_ADMIN (root); unshare -r -n gets it inside a new user namespace,
    /// which unprivileged users may create on Debian. Without either, the worker keeps the network:
    /// it opens no sockets itself, so this is defence in depth, and the startup log says so.
    /// </summary>
    private static (string[] Isolation, string Note) ProbeNetworkIsolation(string? unshare)
    {
        if (unshare is null)
        {
            return ([], "image workers run with network access: unshare (util-linux) is not installed");
        }

        foreach (string[] flags in (string[][])[["-n"], ["-r", "-n"]])
        {
            var start = new ProcessStartInfo(unshare) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var flag in flags)
            {
                start.ArgumentList.Add(flag);
            }

            start.ArgumentList.Add("true");
            using var probe = Process.Start(start);
            if (probe is null)
            {
                continue;
            }

            probe.StandardOutput.ReadToEnd();
            probe.StandardError.ReadToEnd();
            probe.WaitForExit();
            if (probe.ExitCode == 0)
            {
                var command = "unshare " + string.Join(' ', flags);
                return ([unshare, .. flags, "--"], $"image workers run without network access ({command})");
            }
        }

        return ([], "image workers run with network access: neither unshare -n nor unshare -r -n is permitted here");
    }

    private static string? FindExecutable(string name)
    {
        var candidates = name.Contains('/', StringComparison.Ordinal)
            ? [name]
            : (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Select(dir => Path.Combine(dir, name));
        return candidates.FirstOrDefault(File.Exists);
    }
}
