using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace AnonymousBoard.Benchmarks;

/// <summary>One load run against one URL.</summary>
/// <param name="Errors">Non-2xx/3xx answers, socket errors and timeouts: any makes the run invalid.</param>
/// <param name="Latency">The mean latency as the tool prints it, for the report.</param>
public sealed record LoadResult(double RequestsPerSecond, long Requests, long Errors, string Latency);

/// <summary>Fixed threads, connections and duration, so every run of one benchmark is comparable.</summary>
/// <param name="AcceptEncoding">Sent with every request when set ("gzip, br" as Tor Browser sends it); the body is read as it comes, not decoded.</param>
public sealed record LoadShape(int Threads, int Connections, TimeSpan Duration, string? AcceptEncoding = null);

public interface ILoadGenerator
{
    /// <summary>What the report says was used to generate load.</summary>
    string Description { get; }

    Task<LoadResult> Run(Uri url, LoadShape shape);
}

/// <summary>wrk (Debian package "wrk") as a child process: HTTP/1.1 keep-alive, written in C, cheap per request.</summary>
public sealed partial class Wrk(string path, string version) : ILoadGenerator
{
    public string Description => $"{version} ({path})";

    public string Executable => path;

    /// <summary>wrk from PATH, or null when it is not installed.</summary>
    public static Wrk? Find()
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "wrk"))
            .FirstOrDefault(File.Exists);
        if (path is null)
        {
            return null;
        }
        // "wrk -v" prints its version on the first line and exits non-zero; only the text matters.
        var (output, _) = RunProcess(path, ["-v"]);
        var first = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim() ?? "wrk";
        return new Wrk(path, first.Split(" [", 2)[0]);
    }

    public Task<LoadResult> Run(Uri url, LoadShape shape) => Task.Run(() =>
    {
        var seconds = Math.Max(1, (int)Math.Round(shape.Duration.TotalSeconds));
        var (output, exitCode) = RunProcess(path,
        [
            $"-t{shape.Threads}", $"-c{shape.Connections}", $"-d{seconds}s", "--timeout", "10s",
            .. shape.AcceptEncoding is { } coding ? ["-H", $"Accept-Encoding: {coding}"] : Array.Empty<string>(), url.AbsoluteUri,
        ]);
        var rate = RequestsPerSecond().Match(output);
        var total = TotalRequests().Match(output);
        if (exitCode != 0 || !rate.Success || !total.Success)
        {
            throw new InvalidOperationException($"wrk failed (exit {exitCode}):\n{output}");
        }
        var errors = 0L;
        if (Non2xx().Match(output) is { Success: true } non2xx)
        {
            errors += long.Parse(non2xx.Groups[1].Value, CultureInfo.InvariantCulture);
        }
        if (SocketErrors().Match(output) is { Success: true } socket)
        {
            errors += Enumerable.Range(1, 4).Sum(g => long.Parse(socket.Groups[g].Value, CultureInfo.InvariantCulture));
        }
        var latency = Latency().Match(output) is { Success: true } l ? l.Groups[1].Value : "?";
        return new LoadResult(
            double.Parse(rate.Groups[1].Value, CultureInfo.InvariantCulture),
            long.Parse(total.Groups[1].Value, CultureInfo.InvariantCulture),
            errors,
            latency);
    });

    private static (string Output, int ExitCode) RunProcess(string path, string[] args)
    {
        var start = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {path}.");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (stdout + stderr.GetAwaiter().GetResult(), process.ExitCode);
    }

    [GeneratedRegex(@"Requests/sec:\s+([0-9.]+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"(\d+) requests in ")]
    private static partial Regex TotalRequests();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")]
    private static partial Regex Non2xx();

    [GeneratedRegex(@"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")]
    private static partial Regex SocketErrors();

    [GeneratedRegex(@"Latency\s+(\S+)")]
    private static partial Regex Latency();
}

/// <summary>
/// The fallback when wrk is missing: keep-alive HttpClient loops, one per connection. It runs in
/// the server's own process and costs far more per request than wrk, so its absolute numbers are
/// lower and its ratio is less telling; the report says so.
/// </summary>
public sealed class HttpClientLoad : ILoadGenerator
{
    public string Description => "built-in HttpClient loop (for the real measurement: apt-get install wrk)";

    public async Task<LoadResult> Run(Uri url, LoadShape shape)
    {
        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = shape.Connections,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
        };
        using var client = new HttpClient(handler);
        if (shape.AcceptEncoding is { } coding)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation("Accept-Encoding", coding);
        }
        var requests = 0L;
        var errors = 0L;
        var latencyTicks = 0L;
        var clock = Stopwatch.StartNew();
        var deadline = shape.Duration;
        async Task Loop()
        {
            var buffer = new byte[64 * 1024];
            while (clock.Elapsed < deadline)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead);
                    await using var body = await response.Content.ReadAsStreamAsync();
                    while (await body.ReadAsync(buffer) > 0)
                    {
                    }
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        Interlocked.Increment(ref errors);
                    }
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref errors);
                }
                Interlocked.Increment(ref requests);
                Interlocked.Add(ref latencyTicks, Stopwatch.GetTimestamp() - started);
            }
        }
        await Task.WhenAll(Enumerable.Range(0, shape.Connections).Select(_ => Task.Run(Loop)));
        var elapsed = clock.Elapsed.TotalSeconds;
        var meanMs = requests == 0 ? 0 : latencyTicks * 1000.0 / Stopwatch.Frequency / requests;
        return new LoadResult(requests / elapsed, requests, errors, meanMs.ToString("0.00", CultureInfo.InvariantCulture) + "ms");
    }
}
