using System.Diagnostics;
using System.Text.RegularExpressions;

namespace AnonymousBoard.Tests.Durability;

/// <summary>
/// The built board (AnonymousBoard.dll beside the tests) run by <c>dotnet</c> as its own process on
/// a loopback port, with the gate in test mode like <see cref="Support.BoardServer"/>, so that a test
/// can kill it with SIGKILL as a crash or a power cut would, and start it again on the same data.
/// </summary>
public sealed partial class BoardProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];

    private BoardProcess(Process process) => _process = process;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Everything the board wrote to stdout and stderr so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output);
            }
        }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>The board's process id, for reading what it has mapped (/proc/PID/maps).</summary>
    public int ProcessId => _process.Id;

    /// <summary>Starts the board on <paramref name="dataDirectory"/> and waits until it listens.</summary>
    public static Task<BoardProcess> StartAsync(string dataDirectory, params string[] settings) =>
        StartAsync(dataDirectory, AppContext.BaseDirectory, new Dictionary<string, string>(), settings);

    /// <summary>
    /// Starts the board from the program in <paramref name="programDirectory"/>, with these
    /// environment variables set over the test run's own; otherwise as <see cref="StartAsync(string, string[])"/>.
    /// </summary>
    public static async Task<BoardProcess> StartAsync(string dataDirectory, string programDirectory, IReadOnlyDictionary<string, string> environment, params string[] settings)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var start = Command(programDirectory, ["--urls", "http://127.0.0.1:0", $"--Board:DataDirectory={dataDirectory}",
            "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information",
            "--Logging:LogLevel:AnonymousBoard=Information",
            "--Board:Gate:TimeLock=false", "--Board:Gate:Level=calm", "--Board:Gate:CalmPostsPerMinute=100000", .. settings]);
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        var board = new BoardProcess(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start"));
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Read(string? line)
        {
            if (line is null)
            {
                return;
            }
            lock (board._output)
            {
                board._output.Add(line);
            }
            if (ListeningLine().Match(line) is { Success: true } match)
            {
                listening.TrySetResult(new Uri(match.Groups[1].Value));
            }
        }
        board._process.OutputDataReceived += (_, e) => Read(e.Data);
        board._process.ErrorDataReceived += (_, e) => Read(e.Data);
        board._process.BeginOutputReadLine();
        board._process.BeginErrorReadLine();
        var exited = board._process.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var first = await Task.WhenAny(listening.Task, exited, Task.Delay(Timeout.Infinite, timeout.Token));
        if (first != listening.Task)
        {
            board.Kill();
            throw new InvalidOperationException($"The board did not start listening:\n{board.Output}");
        }
        board.BaseAddress = await listening.Task;
        return board;
    }

    /// <summary>Runs a subcommand of the built program (backup, restore, boards …) to its end.</summary>
    public static async Task<(int Code, string Output)> RunCommandAsync(params string[] args)
    {
        var start = Command(AppContext.BaseDirectory, args);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, (await output) + (await error));
    }

    private static ProcessStartInfo Command(string programDirectory, string[] args)
    {
        // The SDK tells test hosts where its dotnet is; outside `dotnet test`, the one on PATH.
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.ArgumentList.Add(Path.Combine(programDirectory, "AnonymousBoard.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        // The test run's own environment (ASPNETCORE_URLS and the like) must not steer the board.
        start.Environment.Remove("ASPNETCORE_URLS");
        start.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        return start;
    }

    public HttpClient Client() => new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false })
    {
        BaseAddress = BaseAddress,
        Timeout = TimeSpan.FromSeconds(60),
    };

    /// <summary>
    /// SIGKILL to the board and to the image workers it started, at once: no shutdown code runs, nothing
    /// is flushed, as in a crash or a power cut (a power cut takes the children too).
    /// </summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        _process.WaitForExit();
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex ListeningLine();
}
