using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using AnonymousBoard.Gate;
using AnonymousBoard.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Xunit;
using Xunit.Abstractions;

namespace AnonymousBoard.Tests.Gate;

/// <summary>
/// End to end through real tor: a private network on 127.0.0.1 carries curl's request to the onion
/// service, tor writes its PROXY line on the Unix socket, and Kestrel with the middleware echoes the
/// circuit id. Slow (about a minute or two), so in its own category: run it alone with
/// <c>dotnet test --filter Category=TorNetwork</c>, leave it out with <c>Category!=TorNetwork</c>.
/// </summary>
[Trait("Category", "TorNetwork")]
[Collection(nameof(TorNetworkTests))]
public class TorNetworkTests(ITestOutputHelper output)
{
    [RequiresToolsFact("tor", "tor-gencert", "curl")]
    public async Task Posts_through_tor_reach_the_board_with_their_circuit_and_each_circuit_has_its_own_budget()
    {
        var directory = Directory.CreateTempSubdirectory("tornet-");
        var socket = Path.Combine(directory.FullName, "board.sock");
        // The real board on its onion socket, PROXY line required; no time lock, so the budgets show at once.
        await using var board = BoardHost.Build([$"--Board:UnixSocket={socket}", $"--Board:DataDirectory={Path.Combine(directory.FullName, "data")}",
            "--Board:Gate:TimeLock=false", "--Board:Gate:Level=calm", "--Logging:LogLevel:Default=Warning"]);
        await board.StartAsync();
        await using var network = new PrivateTorNetwork(directory, socket, output.WriteLine);
        var passed = false;
        try
        {
            var upIn = await network.StartAsync(TimeSpan.FromMinutes(3));
            output.WriteLine($"network up (first answer through the onion) after {upIn.TotalSeconds:0.0} s");
            var gate = board.Services.GetRequiredService<AdmissionGate>();

            // Each form's ticket names the circuit the board saw; two SOCKS users are two circuits.
            async Task<(uint? Circuit, string Ticket)> Form(string user)
            {
                var page = await network.FetchAsync(user, "/b/");
                var ticket = Regex.Match(page, "name=\"ticket\" value=\"([^\"]+)\"").Groups[1].Value;
                return (PostingTicket.Read(ticket, gate.Keys, DateTimeOffset.UtcNow).Ticket?.CircuitId, ticket);
            }
            async Task<int> Post(string user, string body)
            {
                var (_, ticket) = await Form(user);
                return await network.PostAsync(user, "/b/post", ("body", body), ("ticket", ticket));
            }

            var a = await Form("a:x");
            var b = await Form("b:y");
            output.WriteLine($"circuits seen by the board: a:x -> {a.Circuit}, b:y -> {b.Circuit}");
            Assert.NotNull(a.Circuit);
            Assert.NotNull(b.Circuit);
            Assert.NotEqual(a.Circuit, b.Circuit);

            // Calm allows a circuit a burst of three posts, then one per 20 seconds.
            var codes = new List<int>();
            for (var i = 0; i < 4; i++)
            {
                codes.Add(await Post("a:x", $"post {i} through tor"));
            }
            output.WriteLine($"a:x posts: {string.Join(' ', codes)}");
            Assert.Equal([303, 303, 303, 429], codes);
            Assert.Equal(303, await Post("b:y", "another circuit, its own budget"));
            passed = true;
        }
        finally
        {
            if (!passed)
            {
                network.WriteLogTails();
            }
            await board.StopAsync();
        }
    }
}

/// <summary>Runs the network test on its own, after the others: tor's timers are sensitive to a busy CPU.</summary>
[CollectionDefinition(nameof(TorNetworkTests), DisableParallelization = true)]
public sealed class TorNetworkRunsAlone;

/// <summary>
/// A throwaway tor network: three directory authorities (keys from tor-gencert), three relays, an
/// onion service pointed at a Unix socket, and a client with a SOCKS port, all on 127.0.0.1 with
/// ports picked free at start, in one temporary directory. Every tor is started with
/// __OwningControllerProcess set to this process, so even if the test host dies they exit by
/// themselves; Dispose kills them and deletes the directory.
/// </summary>
internal sealed class PrivateTorNetwork(DirectoryInfo directory, string boardSocket, Action<string> log) : IAsyncDisposable
{
    private const int Authorities = 3;
    private const int Relays = 3;

    // Fast voting so a consensus exists within seconds (TestingTorNetwork allows intervals this short).
    private static readonly string[] AuthorityOptions =
    [
        "AuthoritativeDirectory 1",
        "V3AuthoritativeDirectory 1",
        "AssumeReachable 1",
        "TestingV3AuthInitialVotingInterval 5",
        "TestingV3AuthInitialVoteDelay 2",
        "TestingV3AuthInitialDistDelay 2",
        "V3AuthVotingInterval 10",
        "V3AuthVoteDelay 2",
        "V3AuthDistDelay 2",
        // Every relay gets the flags an onion service needs, without the usual waiting for uptime.
        "TestingDirAuthVoteGuard *",
        "TestingDirAuthVoteHSDir *",
        "ExitPolicy reject *:*",
    ];

    private readonly List<Process> processes = [];
    private readonly List<string> dataDirectories = [];
    private readonly Lock directoriesLock = new();
    private string? onion;
    private int socksPort;

    public async Task<TimeSpan> StartAsync(TimeSpan deadline)
    {
        var clock = Stopwatch.StartNew();
        var ports = FreePorts(Authorities * 2 + Relays + 1);
        // Authorities: their keys take seconds (3072-bit RSA), so the three are made side by side.
        var authorities = await Task.WhenAll(Enumerable.Range(0, Authorities)
            .Select(i => PrepareAuthorityAsync(i, ports[2 * i], ports[2 * i + 1])));
        var next = 2 * Authorities;
        var authorityLines = authorities.Select(a => a.DirAuthorityLine).ToList();
        var authorityConfigs = authorities.Select(a => (a.Dir, a.Lines)).ToList();
        log($"{clock.Elapsed.TotalSeconds:0.0} s: authority keys made");
        foreach (var (dir, lines) in authorityConfigs)
        {
            Start(WriteTorrc(dir, [.. lines, .. authorityLines]), dir);
        }
        for (var i = 0; i < Relays; i++)
        {
            var dir = NewDataDirectory($"relay{i}");
            Start(WriteTorrc(dir, [.. Common(dir, $"relay{i}"), "Address 127.0.0.1", $"ORPort 127.0.0.1:{ports[next++]}",
                "SocksPort 0", "AssumeReachable 1", "ExitPolicy reject *:*", .. authorityLines]), dir);
        }

        // The onion service, configured like torrc.sample (sandbox, PoW, stream limits, circuit ids).
        var service = NewDataDirectory("service");
        var serviceDir = Path.Combine(service, "onion");
        Start(WriteTorrc(service, [.. Common(service, "service"), "SocksPort 0", "Sandbox 1",
            $"HiddenServiceDir {serviceDir}",
            $"HiddenServicePort 80 unix:{boardSocket}",
            "HiddenServiceExportCircuitID haproxy",
            "HiddenServiceMaxStreams 20",
            "HiddenServiceMaxStreamsCloseCircuit 1",
            "HiddenServicePoWDefensesEnabled 1",
            "HiddenServiceEnableIntroDoSDefense 1",
            .. authorityLines]), service);

        var client = NewDataDirectory("client");
        socksPort = ports[next++];
        // IsolateSOCKSAuth is on by default: each SOCKS username and password gets its own circuits.
        Start(WriteTorrc(client, [.. Common(client, "client"), $"SocksPort 127.0.0.1:{socksPort} IsolateSOCKSAuth", .. authorityLines]), client);

        var hostname = Path.Combine(serviceDir, "hostname");
        while (!File.Exists(hostname))
        {
            CheckDeadline(clock, deadline, "the onion service never wrote its hostname");
            await Task.Delay(200);
        }
        onion = (await File.ReadAllTextAsync(hostname)).Trim();
        log($"{clock.Elapsed.TotalSeconds:0.0} s: onion address {onion}, SOCKS port {socksPort}, directory {directory.FullName}");

        // Up means a request made it all the way; before that every layer is still bootstrapping.
        while (true)
        {
            CheckDeadline(clock, deadline, "no answer through the onion service in time");
            var (exit, body, _) = await CurlAsync("probe:probe", TimeSpan.FromSeconds(15));
            if (exit == 0 && body.Contains("<!DOCTYPE html>", StringComparison.Ordinal))
            {
                return clock.Elapsed;
            }
            log($"{clock.Elapsed.TotalSeconds:0} s: not yet (curl exit {exit})");
            await Task.Delay(2000);
        }
    }

    private async Task<(string Dir, List<string> Lines, string DirAuthorityLine)> PrepareAuthorityAsync(int i, int orPort, int dirPort)
    {
        var dir = NewDataDirectory($"auth{i}");
        var keys = Directory.CreateDirectory(Path.Combine(dir, "keys")).FullName;
        await RunToolAsync("tor-gencert", ["--create-identity-key", "-m", "12", "-a", $"127.0.0.1:{dirPort}",
            "-i", Path.Combine(keys, "authority_identity_key"), "-s", Path.Combine(keys, "authority_signing_key"),
            "-c", Path.Combine(keys, "authority_certificate"), "--passphrase-fd", "0"], dir, standardInput: "\n");
        var v3Ident = File.ReadLines(Path.Combine(keys, "authority_certificate"))
            .First(l => l.StartsWith("fingerprint ", StringComparison.Ordinal))["fingerprint ".Length..].Trim();

        var lines = Common(dir, $"auth{i}").Concat(
        [
            "Address 127.0.0.1",
            $"ORPort 127.0.0.1:{orPort}",
            $"DirPort 127.0.0.1:{dirPort}",
            "SocksPort 0",
            $"ContactInfo auth{i}@example.invalid",
            .. AuthorityOptions,
        ]).ToList();
        var torrc = WriteTorrc(dir, lines);
        // TestingTorNetwork refuses to start without DirAuthority lines, which need this very
        // fingerprint: a placeholder line lets --list-fingerprint create the keys and print it.
        var listed = await RunToolAsync("tor", ["--list-fingerprint", "-f", torrc, "--DirAuthority",
            $"placeholder orport={orPort} no-v2 v3ident={v3Ident} 127.0.0.1:{dirPort} {new string('0', 40)}"], dir);
        var fingerprint = listed.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last().Trim()
            .Split(' ', 2)[1].Replace(" ", "", StringComparison.Ordinal);
        return (dir, lines, $"DirAuthority auth{i} orport={orPort} no-v2 v3ident={v3Ident} 127.0.0.1:{dirPort} {fingerprint}");
    }

    /// <summary>GET a page of the onion through the client, as one SOCKS user; returns the body.</summary>
    public async Task<string> FetchAsync(string socksUser, string path = "/")
    {
        var (exit, body, error) = await CurlAsync(socksUser, TimeSpan.FromSeconds(60), path);
        return exit == 0 ? body : throw new InvalidOperationException($"curl exit {exit}: {error}");
    }

    /// <summary>POSTs form fields as curl does (url-encoded); returns the HTTP status.</summary>
    public async Task<int> PostAsync(string socksUser, string path, params (string Name, string Value)[] fields)
    {
        var data = fields.SelectMany(f => new[] { "--data-urlencode", $"{f.Name}={f.Value}" });
        var (exit, status, error) = await CurlAsync(socksUser, TimeSpan.FromSeconds(60), path, ["--output", "/dev/null", "--write-out", "%{http_code}", .. data]);
        return exit == 0 ? int.Parse(status, CultureInfo.InvariantCulture) : throw new InvalidOperationException($"curl exit {exit}: {error}");
    }

    public void WriteLogTails()
    {
        foreach (var dir in dataDirectories)
        {
            var path = Path.Combine(dir, "notice.log");
            if (File.Exists(path))
            {
                log($"--- {Path.GetFileName(dir)}/notice.log (last lines)");
                foreach (var line in File.ReadLines(path).TakeLast(8))
                {
                    log(line);
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in processes)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }
            }
            catch (InvalidOperationException)
            {
                // Exited between the check and the kill.
            }
        }
        foreach (var process in processes)
        {
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await process.WaitForExitAsync(wait.Token);
            process.Dispose();
        }
        try
        {
            directory.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A file still being written by a dying tor; the temp directory is cleaned later anyway.
        }
    }

    private Task<(int ExitCode, string Output, string Error)> CurlAsync(string socksUser, TimeSpan maxTime, string path = "/", string[]? extra = null) =>
        Tools.RunAsync("curl", ["--silent", "--show-error", "--max-time", ((int)maxTime.TotalSeconds).ToString(CultureInfo.InvariantCulture),
            "--socks5-hostname", $"127.0.0.1:{socksPort}", "--proxy-user", socksUser, .. extra ?? [], $"http://{onion}{path}"], maxTime + TimeSpan.FromSeconds(10));

    private static IEnumerable<string> Common(string dir, string nickname) =>
    [
        "TestingTorNetwork 1",
        $"DataDirectory {dir}",
        $"Nickname {nickname}",
        $"Log notice file {Path.Combine(dir, "notice.log")}",
        "SafeLogging 0",
        "ShutdownWaitLength 0",
        // Exit with the test process, whatever happens to it.
        $"__OwningControllerProcess {Environment.ProcessId}",
    ];

    private string NewDataDirectory(string name)
    {
        var dir = Directory.CreateDirectory(Path.Combine(directory.FullName, name)).FullName;
        // Tor refuses a DataDirectory that others can read. (Tor runs on Unix here; this never runs on Windows.)
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        lock (directoriesLock)
        {
            dataDirectories.Add(dir);
        }
        return dir;
    }

    private static string WriteTorrc(string dir, IEnumerable<string> lines)
    {
        var path = Path.Combine(dir, "torrc");
        File.WriteAllLines(path, lines);
        return path;
    }

    private void Start(string torrc, string dir)
    {
        var start = new ProcessStartInfo(Tools.Find("tor")!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = dir,
        };
        start.ArgumentList.Add("-f");
        start.ArgumentList.Add(torrc);
        // No torrc-defaults from this machine.
        start.ArgumentList.Add("--defaults-torrc");
        start.ArgumentList.Add(Path.Combine(dir, "no-defaults"));
        var process = Process.Start(start) ?? throw new InvalidOperationException("tor did not start");
        processes.Add(process);
        // Drain the console copies of the log so a full pipe never stalls tor.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    private static async Task<string> RunToolAsync(string program, string[] arguments, string dir, string? standardInput = null)
    {
        var start = new ProcessStartInfo(Tools.Find(program)!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = dir,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        await process.StandardInput.WriteAsync(standardInput ?? "");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed: {await output}{await error}");
        }
        return await output;
    }

    private static List<int> FreePorts(int count)
    {
        // Held open together so the same port is not handed out twice; closed just before tor binds them.
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        foreach (var listener in listeners)
        {
            listener.Start();
        }
        var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToList();
        foreach (var listener in listeners)
        {
            listener.Stop();
            listener.Dispose();
        }
        return ports;
    }

    private static void CheckDeadline(Stopwatch clock, TimeSpan deadline, string what)
    {
        if (clock.Elapsed > deadline)
        {
            throw new TimeoutException($"{what} (after {clock.Elapsed.TotalSeconds:0} s)");
        }
    }
}
