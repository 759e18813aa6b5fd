using System.Diagnostics;
using System.Reflection;

namespace AnonymousBoard.Tests.Clients;

/// <summary>Thrown when a program the client tests drive is not installed; names the script that installs it.</summary>
public sealed class ClientToolMissingException(string message) : Exception(message);

/// <summary>What a program printed and how it ended.</summary>
public sealed record ProcessResult(int ExitCode, string Output, string Errors);

/// <summary>
/// The programs the client tests drive, all installed by <see cref="InstallScript"/>. A missing one
/// fails the test and names that script: CI runs it first, and a test that skipped itself would
/// let a gap through unnoticed.
/// </summary>
public static class ClientTools
{
    public const string InstallScript = ".ci/install-test-tools";

    public static string RepoRoot { get; } = typeof(ClientTools).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepoRoot").Value!;

    /// <summary>Pinned npm packages (package.json beside this file), installed into a git-ignored folder.</summary>
    public static string NodeModules => Path.Combine(RepoRoot, "tests", "AnonymousBoard.Tests", "Clients", "node_modules");

    /// <summary>Where screenshots go for a person to look at; git-ignored like every TestResults folder.</summary>
    public static string ScreenshotFolder { get; } = Path.Combine(RepoRoot, "tests", "AnonymousBoard.Tests", "TestResults", "screenshots");

    /// <summary>Debian's Chromium; BOARD_TEST_CHROMIUM names another build of it.</summary>
    public static string Chromium => RequireFile(Environment.GetEnvironmentVariable("BOARD_TEST_CHROMIUM") ?? "/usr/bin/chromium", "Chromium (Debian package chromium)");

    public static string Lynx => RequireOnPath("lynx", "lynx (Debian package lynx)");

    public static string Java => RequireOnPath("java", "Java (Debian package default-jre-headless)");

    public static string VnuJar => RequireFile(Path.Combine(NodeModules, "vnu-jar", "build", "dist", "vnu.jar"), "the Nu HTML checker (npm package vnu-jar)");

    public static string AxeScript => RequireFile(Path.Combine(NodeModules, "axe-core", "axe.min.js"), "axe-core (npm package axe-core)");

    private static string RequireFile(string path, string what) =>
        File.Exists(path) ? path : throw Missing(what, path);

    private static string RequireOnPath(string program, string what)
    {
        var found = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program)).FirstOrDefault(File.Exists);
        return found ?? throw Missing(what, $"{program} on PATH");
    }

    private static ClientToolMissingException Missing(string what, string where) =>
        new($"{what} is not installed (looked for {where}). Run `{InstallScript}` from the repository root first; CI runs it before the tests.");

    /// <summary>Runs a program to completion with its input, output and errors redirected; kills it at the timeout.</summary>
    public static async Task<ProcessResult> Run(string program, IEnumerable<string> args, TimeSpan timeout,
        string? input = null, IDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
        }
        process.StandardInput.Close();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(program)} {string.Join(' ', start.ArgumentList)} did not finish within {timeout.TotalSeconds} s.");
        }
        return new ProcessResult(process.ExitCode, await output, await errors);
    }
}
