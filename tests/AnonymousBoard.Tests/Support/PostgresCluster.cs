using System.Diagnostics;
using Npgsql;

namespace AnonymousBoard.Tests.Support;

/// <summary>
/// A PostgreSQL cluster of a test's own, in a temporary directory, on a unix socket only: one a
/// test may stop and start again without disturbing the other tests' boards. The benchmark project
/// links this file too (its "engines" run starts one the same way).
/// </summary>
/// <param name="serverSettings">More <c>-c name=value</c> settings for the server (the benchmark loads pg_stat_statements).</param>
public sealed class PostgresCluster : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "anonboard-pg-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly string _settings;

    public PostgresCluster(params string[] serverSettings)
    {
        _settings = string.Concat(serverSettings.Select(setting => $" -c {setting}"));
        RemoveLeftovers();
        Directory.CreateDirectory(_root);
        // PostgreSQL refuses to run as root; as root the cluster belongs to the postgres user the package made.
        if (Environment.UserName == "root")
        {
            Run("chown", "postgres", _root);
        }
        AsServerUser(Path.Combine(Bin, "initdb"), "-D", Data, "-U", "board", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8");
        Start();
    }

    private string Data => Path.Combine(_root, "data");

    /// <summary>A connection string for a new, empty database on this cluster.</summary>
    public string NewDatabase()
    {
        var name = "board_" + Guid.NewGuid().ToString("N")[..16];
        using (var admin = new NpgsqlConnection(ConnectionString("postgres")))
        {
            admin.Open();
            // The name is made here of hex digits, never input.
            using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
            create.ExecuteNonQuery();
        }
        return ConnectionString(name);
    }

    public string ConnectionString(string database) => $"Host={_root};Database={database};Username=board";

    /// <summary>The postmaster's process id (its backends are its children), from postmaster.pid.</summary>
    public int ServerPid => int.Parse(File.ReadLines(Path.Combine(Data, "postmaster.pid")).First(), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The server's programs: those of the newest PostgreSQL that Debian's packages put under /usr/lib/postgresql.</summary>
    public static string Bin =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => d, StringComparer.Ordinal).FirstOrDefault()
              ?? throw new InvalidOperationException("No PostgreSQL server under /usr/lib/postgresql: run .ci/install-system-packages --tests.")
            : throw new InvalidOperationException("PostgreSQL is not installed: run .ci/install-system-packages --tests.");

    public void Start() =>
        AsServerUser(Path.Combine(Bin, "pg_ctl"), "-D", Data, "-l", Path.Combine(_root, "log"), "-w", "-t", "60",
            "-o", $"-k {_root} -c listen_addresses='' -c max_connections=400{_settings}", "start");

    /// <summary>Stops the server at once, as a crash or a pulled cable would; its data stays for <see cref="Start"/>.</summary>
    public void Stop() => AsServerUser(Path.Combine(Bin, "pg_ctl"), "-D", Data, "-m", "immediate", "-w", "stop");

    public void Dispose()
    {
        try
        {
            Stop();
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>
    /// Removes the clusters earlier runs left behind. A test process ended before its exit handler has deleted
    /// its cluster (the shared one holds gigabytes) leaves the directory, and runs add up until the disk is full.
    /// A directory is left behind when no server of it runs and its log has not been written for ten minutes
    /// (a cluster that a test stops for a moment, or that is being made, is younger than that).
    /// </summary>
    private static void RemoveLeftovers()
    {
        foreach (var root in Directory.EnumerateDirectories(Path.GetTempPath(), "anonboard-pg-*"))
        {
            try
            {
                var log = Path.Combine(root, "log");
                var written = File.Exists(log) ? File.GetLastWriteTimeUtc(log) : Directory.GetLastWriteTimeUtc(root);
                if (DateTime.UtcNow - written > TimeSpan.FromMinutes(10) && !Running(Path.Combine(root, "data", "postmaster.pid")))
                {
                    Directory.Delete(root, recursive: true);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Another run's, or going meanwhile: left to the next run.
            }
        }
    }

    private static bool Running(string pidFile) =>
        File.Exists(pidFile) && int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), System.Globalization.CultureInfo.InvariantCulture, out var pid)
        && Directory.Exists($"/proc/{pid}");

    private static void AsServerUser(string program, params string[] args)
    {
        if (Environment.UserName == "root")
        {
            Run("runuser", ["-u", "postgres", "--", program, .. args]);
        }
        else
        {
            Run(program, args);
        }
    }

    private static void Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} failed ({process.ExitCode}): {error}{output.Result}");
        }
    }
}
