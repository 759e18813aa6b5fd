using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace AnonymousBoard.Benchmarks;

/// <summary>
/// The board as an operator runs it: its own process (the AnonymousBoard program built beside this
/// one), on a loopback port and a fresh data directory. Being alone in its process, its memory and
/// CPU can be read from /proc without the load generator's counted in.
/// </summary>
public sealed class BoardProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _log = new();

    public string DataDirectory { get; }
    public Uri BaseAddress { get; }
    public int Pid => _process.Id;

    /// <summary>Everything the board wrote to stdout and stderr.</summary>
    public IReadOnlyCollection<string> Log => _log;

    private readonly bool _ownsData;

    // The program and its first argument (the dll, when started through dotnet): what runs the operator's commands.
    private string[] _program = [];

    private BoardProcess(Process process, string dataDirectory, Uri baseAddress, bool ownsData)
    {
        _process = process;
        DataDirectory = dataDirectory;
        BaseAddress = baseAddress;
        _ownsData = ownsData;
    }

    /// <param name="dataDirectory">
    /// Another instance's data directory, to run beside it on one PostgreSQL database (kept when this one
    /// ends); a fresh temporary one (deleted) when null.
    /// </param>
    /// <param name="environment">More environment variables for the board (DOTNET_PerfMapEnabled for a profile).</param>
    /// <param name="program">Another build's AnonymousBoard.dll (the posting benchmark's "before"); the one beside this program when null.</param>
    public static async Task<BoardProcess> StartAsync(IEnumerable<string> settings, string? dataDirectory = null, IReadOnlyDictionary<string, string>? environment = null,
        string? program = null)
    {
        var ownsData = dataDirectory is null;
        dataDirectory ??= Path.Combine(Path.GetTempPath(), "anonboard-load-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDirectory);
        var port = FreePort();
        var apphost = Path.Combine(AppContext.BaseDirectory, "AnonymousBoard");
        string[] command = program is not null ? ["dotnet", Path.GetFullPath(program)]
            : File.Exists(apphost) ? [apphost]
            : ["dotnet", Path.Combine(AppContext.BaseDirectory, "AnonymousBoard.dll")];
        var start = new ProcessStartInfo(command[0]);
        foreach (var argument in command.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }
        start.UseShellExecute = false;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.WorkingDirectory = dataDirectory;
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        foreach (var argument in new[] { "--urls", $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}", $"--Board:DataDirectory={dataDirectory}" }.Concat(settings))
        {
            start.ArgumentList.Add(argument);
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName}.");
        var board = new BoardProcess(process, dataDirectory, new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/"), ownsData)
        {
            _program = command,
        };
        process.OutputDataReceived += (_, e) => board.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => board.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var probe = new HttpClient { BaseAddress = board.BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The board exited at start-up ({process.ExitCode}):\n{string.Join('\n', board.Log)}");
            }
            try
            {
                if ((await probe.GetAsync(new Uri("/", UriKind.Relative))).StatusCode == HttpStatusCode.OK)
                {
                    return board;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            if (deadline.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new InvalidOperationException("The board did not answer within 60 s of starting.");
            }
            // Short: the size benchmark times start-up to the first answer by this loop.
            await Task.Delay(50);
        }
    }

    private void Keep(string? line)
    {
        if (line is not null)
        {
            _log.Enqueue(line);
        }
    }

    /// <summary>A field of /proc/PID/status ("VmRSS", "Threads"), sizes in bytes, or null once the process is gone.</summary>
    public long? Status(string field)
    {
        try
        {
            var line = File.ReadLines($"/proc/{Pid}/status").FirstOrDefault(l => l.StartsWith(field + ":", StringComparison.Ordinal));
            var parts = line?.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            return parts is null ? null : long.Parse(parts[1], CultureInfo.InvariantCulture) * (parts is [.., "kB"] ? 1024 : 1);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>
    /// User and system CPU time of the board itself, and of the child processes it has waited for
    /// (the image workers), from /proc/PID/stat in clock ticks of 1/100 s.
    /// </summary>
    public (TimeSpan Own, TimeSpan Children) CpuTime()
    {
        var (own, children, _) = CpuTimeOf(Pid);
        return (own, children);
    }

    /// <summary>The same for any process, with its parent's id; from /proc/PID/stat.</summary>
    public static (TimeSpan Own, TimeSpan Children, int ParentPid) CpuTimeOf(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // ppid is field 4; utime, stime, cutime, cstime are fields 14 to 17; the first field after the name is field 3.
        TimeSpan Ticks(int a, int b) => TimeSpan.FromSeconds((long.Parse(fields[a - 3], CultureInfo.InvariantCulture) + long.Parse(fields[b - 3], CultureInfo.InvariantCulture)) / 100.0);
        return (Ticks(14, 15), Ticks(16, 17), int.Parse(fields[4 - 3], CultureInfo.InvariantCulture));
    }

    public bool HasExited => _process.HasExited;

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Runs an operator's command (<c>boards update b --thread-cap 1000</c>) of the same program on this board's data directory.</summary>
    public async Task RunCommand(params string[] args)
    {
        var start = new ProcessStartInfo(_program[0]) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = DataDirectory };
        foreach (var argument in _program.Skip(1).Concat(args).Append($"--Board:DataDirectory={DataDirectory}"))
        {
            start.ArgumentList.Add(argument);
        }
        using var command = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName}.");
        var output = command.StandardOutput.ReadToEndAsync();
        var error = await command.StandardError.ReadToEndAsync();
        await command.WaitForExitAsync();
        if (command.ExitCode != 0)
        {
            throw new InvalidOperationException($"{string.Join(' ', args)} failed ({command.ExitCode}): {error}{await output}");
        }
    }

    /// <summary>
    /// Stops the board as an operator's service manager does: SIGTERM, and the board shuts down cleanly (its database
    /// closed, as a restart after a clean stop finds it); killed if it has not exited within <paramref name="timeout"/>.
    /// </summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (_process.HasExited)
        {
            return;
        }
        using (var term = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", Pid.ToString(CultureInfo.InvariantCulture) }, UseShellExecute = false }))
        {
            await term!.WaitForExitAsync();
        }
        using var wait = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        if (!_ownsData)
        {
            return;
        }
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless; the next run uses a new name.
        }
    }
}
