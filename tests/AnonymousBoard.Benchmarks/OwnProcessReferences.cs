using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace AnonymousBoard.Benchmarks;

/// <summary>
/// The read path's ceilings, each in a process of its own with the same bytes as files in one directory:
/// a bare Kestrel app (this program's hidden <c>bare-kestrel DIR</c> mode: one route, no board middleware)
/// and nginx serving them as static files. The in-process fixed array shares the board's process and
/// middleware; these do not, so the ratios against them say what the whole board costs.
/// </summary>
public sealed class OwnProcessReferences : IAsyncDisposable
{
    private readonly List<Process> _processes = [];
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "anonboard-refs-" + Guid.NewGuid().ToString("N"));

    /// <summary>The bare Kestrel app, its base address; null when it could not start.</summary>
    public Uri? Bare { get; private set; }
    /// <summary>nginx, its base address; null when there is no nginx (see <see cref="Missing"/>).</summary>
    public Uri? Nginx { get; private set; }
    public List<string> Missing { get; } = [];

    /// <summary>Writes each document as a file named by its key and starts both servers on it.</summary>
    public static async Task<OwnProcessReferences> StartAsync(IReadOnlyDictionary<string, byte[]> documents)
    {
        var references = new OwnProcessReferences();
        Directory.CreateDirectory(references._directory);
        foreach (var (name, bytes) in documents)
        {
            await File.WriteAllBytesAsync(Path.Combine(references._directory, name + ".html"), bytes);
        }
        references.Bare = await references.StartBareAsync();
        references.Nginx = await references.StartNginxAsync();
        return references;
    }

    /// <summary>The <c>bare-kestrel DIR</c> mode: every file of DIR at <c>/NAME</c>, until stdin closes.</summary>
    public static async Task<int> ServeBareAsync(string directory)
    {
        await using var bare = await BareKestrel.StartAsync();
        var paths = Directory.GetFiles(directory).ToDictionary(f => Path.GetFileName(f), f => bare.Add(Path.GetFileName(f), File.ReadAllBytes(f), "text/html; charset=utf-8"));
        foreach (var (file, path) in paths)
        {
            Console.WriteLine($"{file} {path}");
        }
        Console.WriteLine($"ready {bare.BaseAddress}");
        await Console.In.ReadToEndAsync();
        return 0;
    }

    /// <summary>The path that serves <paramref name="name"/>'s bytes on <paramref name="server"/>.</summary>
    public string PathOf(Uri server, string name) => server == Bare ? _barePaths[name + ".html"] : $"/{name}.html";

    private readonly Dictionary<string, string> _barePaths = new(StringComparer.Ordinal);

    private async Task<Uri?> StartBareAsync()
    {
        var self = Path.Combine(AppContext.BaseDirectory, "AnonymousBoard.Benchmarks");
        var start = File.Exists(self) ? new ProcessStartInfo(self) : new ProcessStartInfo("dotnet") { ArgumentList = { Path.Combine(AppContext.BaseDirectory, "AnonymousBoard.Benchmarks.dll") } };
        start.ArgumentList.Add("bare-kestrel");
        start.ArgumentList.Add(_directory);
        start.RedirectStandardInput = true;
        start.RedirectStandardOutput = true;
        start.UseShellExecute = false;
        var process = Process.Start(start)!;
        _processes.Add(process);
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            var (first, rest) = (line.Split(' ')[0], line[(line.IndexOf(' ', StringComparison.Ordinal) + 1)..]);
            if (first == "ready")
            {
                return new Uri(rest);
            }
            _barePaths[first] = rest;
        }
        Missing.Add("the bare Kestrel process ended before it was ready");
        return null;
    }

    private async Task<Uri?> StartNginxAsync()
    {
        if (await FindNginx() is not { } nginx)
        {
            Missing.Add("no nginx: neither installed nor fetched with apt-get download nginx");
            return null;
        }
        var port = FreePort();
        var prefix = Path.Combine(_directory, ".nginx");
        Directory.CreateDirectory(prefix);
        // As an operator would serve static files: sendfile, keep-alive, no access log; no gzip (the same bytes as the board's uncompressed answer).
        var config = $$"""
            daemon off;
            worker_processes auto;
            pid {{prefix}}/nginx.pid;
            error_log {{prefix}}/error.log warn;
            events { worker_connections 1024; }
            http {
                access_log off;
                sendfile on;
                tcp_nopush on;
                keepalive_requests 1000000;
                types { text/html html; }
                client_body_temp_path {{prefix}}/body;
                proxy_temp_path {{prefix}}/proxy;
                fastcgi_temp_path {{prefix}}/fastcgi;
                uwsgi_temp_path {{prefix}}/uwsgi;
                scgi_temp_path {{prefix}}/scgi;
                server {
                    listen 127.0.0.1:{{port.ToString(CultureInfo.InvariantCulture)}};
                    root {{_directory}};
                }
            }
            """;
        var configPath = Path.Combine(prefix, "nginx.conf");
        await File.WriteAllTextAsync(configPath, config);
        var start = new ProcessStartInfo(nginx) { ArgumentList = { "-p", prefix, "-c", configPath, "-e", Path.Combine(prefix, "error.log") }, UseShellExecute = false };
        _processes.Add(Process.Start(start)!);
        var address = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
        using var client = new HttpClient();
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var response = await client.GetAsync(address);
                return address;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(50);
            }
        }
        Missing.Add("nginx did not answer within 5 s");
        return null;
    }

    private static readonly string[] SystemNginx = ["/usr/sbin/nginx", "/usr/bin/nginx"];

    /// <summary>
    /// The system's nginx, or Debian's package unpacked (not installed) into a cache directory: installing it would
    /// run its scripts, which start a server on port 80 of every address, and a board's machine must not answer there.
    /// </summary>
    private static async Task<string?> FindNginx()
    {
        if (SystemNginx.FirstOrDefault(File.Exists) is { } installed)
        {
            return installed;
        }
        var cache = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "anonboard-bench", "nginx");
        var unpacked = Path.Combine(cache, "root", "usr", "sbin", "nginx");
        if (!File.Exists(unpacked))
        {
            Directory.CreateDirectory(cache);
            var fetch = new ProcessStartInfo("bash", ["-c", "apt-get download nginx >/dev/null 2>&1 && dpkg-deb -x nginx_*.deb root && rm nginx_*.deb"])
            {
                WorkingDirectory = cache, UseShellExecute = false,
            };
            using var process = Process.Start(fetch)!;
            await process.WaitForExitAsync();
        }
        return File.Exists(unpacked) ? unpacked : null;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
            process.Dispose();
        }
        Directory.Delete(_directory, recursive: true);
    }
}
