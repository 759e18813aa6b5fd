using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace AnonymousBoard.Media;

/// <summary>Where the libvips tools are and how far one run of them may go.</summary>
public sealed record VipsSettings
{
    /// <summary>A name looked up on PATH, or a path. Tests point it at a script to play a decoder.</summary>
    public string VipsPath { get; init; } = "vips";

    public string VipsHeaderPath { get; init; } = "vipsheader";

    /// <summary>
    /// Wall-clock time of one vips command; the pipeline runs six to ten. Re-encoding a GIF is the
    /// slow case, about 0.4 s per megapixel of frames here, so 40 megapixels of noise takes ~17 s.
    /// </summary>
    public TimeSpan TimeLimit { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Address space of one vips command (prlimit --as). Threads and malloc arenas reserve far more than they use.</summary>
    public long MemoryLimitBytes { get; init; } = 1024L * 1024 * 1024;

    /// <summary>How much of stdout and of stderr is kept; the rest is read and dropped.</summary>
    public int OutputLimitBytes { get; init; } = 64 * 1024;

    /// <summary>Each job gets its own directory under here, deleted when the job ends.</summary>
    public string TempDirectory { get; init; } = Path.GetTempPath();
}

/// <summary>The outcome of one vips command: its standard output, or why it failed, in words for the poster.</summary>
/// <param name="ServerFault">The failure lies with the server (the tools could not be run, or were killed from outside), not with the upload.</param>
public sealed record VipsRun(string Output, string? Reason, bool ServerFault = false)
{
    public bool Succeeded => Reason is null;
}

/// <summary>
/// Runs the libvips command-line tools as child processes, each boxed in: no shell, a clean
/// environment with VIPS_BLOCK_UNTRUSTED=1 (libvips then refuses every loader it does not trust with
/// hostile input), an address-space limit through prlimit, no network through unshare when the
/// kernel allows it, a wall-clock limit after which the whole process tree is killed, and capped
/// output. Decoding in another process means a decoder bug or a bomb costs that process, not the board.
/// </summary>
public sealed class VipsRunner
{
    public const string NotInstalled = "image posting is disabled: install libvips-tools";

    /// <summary>
    /// What reaching prlimit's address-space ceiling looks like, depending on which allocation hits
    /// it first: libvips's own, libjpeg's, or a new thread's stack.
    /// </summary>
    private static readonly string[] OutOfMemoryMarkers = ["out of memory", "insufficient memory", "cannot allocate memory", "error creating thread"];

    private readonly VipsSettings _settings;
    private readonly string _prlimit;
    private readonly string[] _isolation;

    private VipsRunner(VipsSettings settings, string? unavailableReason, string vips, string vipsHeader, string prlimit, string[] isolation, string networkNote)
    {
        _settings = settings;
        UnavailableReason = unavailableReason;
        VipsPath = vips;
        VipsHeaderPath = vipsHeader;
        _prlimit = prlimit;
        _isolation = isolation;
        NetworkNote = networkNote;
    }

    public bool IsAvailable => UnavailableReason is null;

    /// <summary>Why images cannot be posted on this machine (text posting is unaffected), or null.</summary>
    public string? UnavailableReason { get; }

    /// <summary>One line for the startup log: whether vips runs cut off from the network, and how.</summary>
    public string NetworkNote { get; }

    internal string VipsPath { get; }

    internal string VipsHeaderPath { get; }

    /// <summary>Finds the tools and tries network isolation once; call at startup and keep the runner.</summary>
    public static VipsRunner Create(VipsSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (!OperatingSystem.IsLinux())
        {
            return Unavailable(settings, "image posting is disabled: it needs Linux (prlimit and unshare box in the decoder)");
        }

        var vips = FindExecutable(settings.VipsPath);
        var vipsHeader = FindExecutable(settings.VipsHeaderPath);
        var prlimit = FindExecutable("prlimit");
        if (vips is null || vipsHeader is null)
        {
            return Unavailable(settings, NotInstalled);
        }

        if (prlimit is null)
        {
            return Unavailable(settings, "image posting is disabled: install util-linux (prlimit caps the memory of the image decoder)");
        }

        var (isolation, note) = ProbeNetworkIsolation(FindExecutable("unshare"));
        return new VipsRunner(settings, null, vips, vipsHeader, prlimit, isolation, note);
    }

    private static VipsRunner Unavailable(VipsSettings settings, string reason) => new(settings, reason, "", "", "", [], reason);

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

    internal async Task<VipsRun> RunAsync(string executable, string directory, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(_prlimit)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = directory,
        };
        start.ArgumentList.Add(string.Create(CultureInfo.InvariantCulture, $"--as={_settings.MemoryLimitBytes}"));
        start.ArgumentList.Add("--");
        foreach (var part in _isolation)
        {
            start.ArgumentList.Add(part);
        }

        start.ArgumentList.Add(executable);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Nothing of the board's environment (connection strings, keys) reaches the decoder.
        start.Environment.Clear();
        start.Environment["PATH"] = "/usr/local/bin:/usr/bin:/bin";
        start.Environment["VIPS_BLOCK_UNTRUSTED"] = "1";
        // libvips looks for its plugin modules (ImageMagick, Poppler, HEIF, OpenSlide, JPEG XL) under
        // $VIPSHOME/lib. Pointing it nowhere leaves that code unloaded: less to attack, and each
        // command starts about 40 ms sooner.
        start.Environment["VIPSHOME"] = "/nonexistent";
        // glibc reserves 64 MB of address space per malloc arena, up to 8 per core; two keep the
        // prlimit ceiling close to what vips really uses.
        start.Environment["MALLOC_ARENA_MAX"] = "2";
        start.Environment["TMPDIR"] = directory;
        start.Environment["HOME"] = directory;
        start.Environment["LC_ALL"] = "C";

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
            // prlimit and unshare exec into vips, so the tree is vips and anything it started.
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            await Task.WhenAll(output, errors);
            cancellationToken.ThrowIfCancellationRequested();
            return new VipsRun("", "the image took too long to decode");
        }

        var stdout = await output;
        var stderr = await errors;
        return process.ExitCode switch
        {
            0 => new VipsRun(stdout, null),
            // prlimit or unshare could not start the next program: vips was removed or broken since start-up.
            126 or 127 => new VipsRun(stdout, ToolsNotRunnable, ServerFault: true),
            // SIGKILL, and not ours (that is the time limit above): the kernel's out-of-memory killer or an operator.
            128 + 9 => new VipsRun(stdout, KilledFromOutside, ServerFault: true),
            _ => new VipsRun(stdout, DescribeFailure(process.ExitCode, stderr)),
        };
    }

    public const string ToolsNotRunnable = "the image tools could not be run";

    public const string KilledFromOutside = "the image decoder was stopped before it finished (the server may be short of memory)";

    /// <summary>Turns what vips printed on failure into a reason a poster can read.</summary>
    public static string DescribeFailure(int exitCode, string stderr)
    {
        ArgumentNullException.ThrowIfNull(stderr);
        if (OutOfMemoryMarkers.Any(marker => stderr.Contains(marker, StringComparison.OrdinalIgnoreCase)))
        {
            return "the image needs more memory to decode than the board allows";
        }

        // Lines such as "(vips:123): VIPS-WARNING **: ..." come before the error itself.
        var error = stderr.Split('\n')
            .Select(line => line.Trim())
            .FirstOrDefault(line => line.Length > 0 && !line.StartsWith('(') && !line.Contains("WARNING", StringComparison.Ordinal));
        if (error is not null)
        {
            return "the image could not be decoded: " + (error.Length > 200 ? error[..200] + "…" : error);
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
    /// which unprivileged users may create on Debian. Without either, vips keeps the network: it
    /// opens no sockets itself, so this is defence in depth, and the startup log says so.
    /// </summary>
    private static (string[] Isolation, string Note) ProbeNetworkIsolation(string? unshare)
    {
        if (unshare is null)
        {
            return ([], "vips runs with network access: unshare (util-linux) is not installed");
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
                return ([unshare, .. flags, "--"], $"vips runs without network access ({command})");
            }
        }

        return ([], "vips runs with network access: neither unshare -n nor unshare -r -n is permitted here");
    }

    private static string? FindExecutable(string name)
    {
        var candidates = name.Contains('/', StringComparison.Ordinal)
            ? [name]
            : (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Select(dir => Path.Combine(dir, name));
        return candidates.FirstOrDefault(File.Exists);
    }
}
