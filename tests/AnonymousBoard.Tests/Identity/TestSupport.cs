using System.Diagnostics;
using Xunit;

namespace AnonymousBoard.Tests.Identity;

/// <summary>The vector files, copied next to the test assembly from tests/AnonymousBoard.Tests/Vectors.</summary>
internal static class Vectors
{
    public static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "Vectors", name);

    public static string Text(string name) => File.ReadAllText(PathOf(name));

    /// <summary>Tab-separated rows, skipping '#' comments and, when asked, a header line. Empty fields are kept.</summary>
    public static IEnumerable<string[]> Rows(string name, bool hasHeader)
    {
        IEnumerable<string> lines = File.ReadAllLines(PathOf(name)).Where(line => line.Length > 0 && !line.StartsWith('#'));
        return (hasHeader ? lines.Skip(1) : lines).Select(line => line.Split('\t'));
    }
}

/// <summary>A fresh directory under /tmp, removed afterwards.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "anonboard-identity-" + Guid.NewGuid().ToString("N"));

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}

/// <summary>Runs the real OpenSSH ssh-keygen, the reference our formats must agree with.</summary>
internal static class SshKeygen
{
    public const string Program = "/usr/bin/ssh-keygen";

    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static Result Run(string workingDirectory, string? stdin, params string[] args)
    {
        var start = new ProcessStartInfo(Program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using Process process = Process.Start(start) ?? throw new InvalidOperationException("ssh-keygen did not start");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write(stdin ?? "");
        process.StandardInput.Close();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill();
            throw new TimeoutException("ssh-keygen took over a minute");
        }
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Makes a key with no passphrase; returns the private key path (the public one adds ".pub").</summary>
    public static string NewKey(TempDirectory directory, string type, string name)
    {
        string path = directory.File(name);
        string[] args = type == "rsa"
            ? ["-q", "-t", "rsa", "-b", "2048", "-N", "", "-C", "test", "-f", path]
            : ["-q", "-t", type, "-N", "", "-C", "test", "-f", path];
        Result result = Run(directory.Path, null, args);
        Assert.True(result.ExitCode == 0, result.Stderr);
        return path;
    }

    /// <summary>Signs a file with ssh-keygen -Y sign; returns the armored signature it wrote to FILE.sig.</summary>
    public static string Sign(TempDirectory directory, string keyPath, string signatureNamespace, string file)
    {
        Result result = Run(directory.Path, null, "-Y", "sign", "-n", signatureNamespace, "-f", keyPath, file);
        Assert.True(result.ExitCode == 0, result.Stderr);
        return System.IO.File.ReadAllText(file + ".sig");
    }
}
