using System.Diagnostics;
using System.Globalization;

namespace AnonymousBoard.Benchmarks;

/// <summary>
/// A sampling profile of a board process taken from the outside with Linux perf (Debian package
/// linux-perf): call stacks by frame pointers, the JIT-compiled methods named through the map the
/// runtime writes with DOTNET_PerfMapEnabled=1 (and DOTNET_EnableWriteXorExecute=0, without which
/// the code runs from a double mapping perf cannot match). Nothing is added to the board.
/// </summary>
public sealed class PerfProfile
{
    /// <summary>What a board must be started with for its profile to name its methods.</summary>
    public static readonly IReadOnlyDictionary<string, string> BoardEnvironment = new Dictionary<string, string>
    {
        ["DOTNET_PerfMapEnabled"] = "1",
        ["DOTNET_EnableWriteXorExecute"] = "0",
    };

    public static string? Perf => File.Exists("/usr/bin/perf") ? "/usr/bin/perf" : null;

    private readonly List<(string Thread, string[] Frames)> _samples;

    private PerfProfile(List<(string Thread, string[] Frames)> samples) => _samples = samples;

    public int Samples => _samples.Count;

    /// <summary>Samples <paramref name="pid"/> (all its threads) for <paramref name="duration"/>, 299 times a second.</summary>
    public static async Task<PerfProfile> RecordAsync(int pid, TimeSpan duration)
    {
        var data = Path.Combine(Path.GetTempPath(), $"anonboard-perf-{Guid.NewGuid():N}.data");
        try
        {
            await Run(Perf ?? "perf", ["record", "-F", "299", "-g", "-p", pid.ToString(CultureInfo.InvariantCulture), "-o", data, "--",
                "sleep", ((int)Math.Ceiling(duration.TotalSeconds)).ToString(CultureInfo.InvariantCulture)], null);
            var samples = new List<(string, string[])>();
            string? thread = null;
            var frames = new List<string>();
            // A sample is its thread's name on a line, then one line per frame ("\t<address> <symbol> (<file>)"), then an empty line.
            await Run(Perf ?? "perf", ["script", "-i", data, "-F", "comm,ip,sym,dso"], line =>
            {
                if (line.StartsWith('\t'))
                {
                    var frame = line.Trim();
                    var space = frame.IndexOf(' ', StringComparison.Ordinal);
                    frames.Add(space < 0 ? frame : frame[(space + 1)..]);
                    return;
                }
                if (thread is not null)
                {
                    samples.Add((thread, [.. frames]));
                }
                thread = line.Length == 0 ? null : line.Trim();
                frames.Clear();
            });
            return new PerfProfile(samples);
        }
        finally
        {
            File.Delete(data);
        }
    }

    /// <summary>
    /// Puts each sample in the first bucket whose test it passes (the thread's name and the stack,
    /// innermost frame first), or in "other"; returns each bucket's share of the samples, in the
    /// buckets' order.
    /// </summary>
    /// <returns>
    /// Each bucket's share of the samples, in the buckets' order, and its <paramref name="top"/> methods: in each
    /// sample the innermost of the board's own methods and the innermost managed frame, with their shares of all samples.
    /// </returns>
    public IReadOnlyList<(string Bucket, double Share, IReadOnlyList<(string Method, double Share)> Top)> Split(
        IReadOnlyList<(string Bucket, Func<string, string[], bool> Test)> buckets, int top)
    {
        var methods = Enumerable.Range(0, buckets.Count + 1).Select(_ => new Dictionary<string, int>(StringComparer.Ordinal)).ToArray();
        var counts = new int[buckets.Count + 1];
        foreach (var (thread, frames) in _samples)
        {
            var i = 0;
            while (i < buckets.Count && !buckets[i].Test(thread, frames))
            {
                i++;
            }
            counts[i]++;
            // The board's innermost method, and where it was when sampled (the innermost managed frame) when that is elsewhere.
            var own = frames.FirstOrDefault(f => f.Contains("[AnonymousBoard]", StringComparison.Ordinal));
            var leaf = frames.FirstOrDefault(f => f.Contains("::", StringComparison.Ordinal));
            if (own is not null || leaf is not null)
            {
                var method = own is null ? MethodName(leaf!) : leaf is null || leaf == own ? MethodName(own) : $"{MethodName(own)} > {MethodName(leaf)}";
                methods[i][method] = methods[i].GetValueOrDefault(method) + 1;
            }
        }
        var total = (double)Math.Max(1, _samples.Count);
        return [.. buckets.Select(b => b.Bucket).Append("other (thread pool, timers, idle spinning)").Select((name, i) => (name, counts[i] / total,
            (IReadOnlyList<(string, double)>)[.. methods[i].OrderByDescending(m => m.Value).Take(top).Select(m => (m.Key, m.Value / total))]))];
    }

    /// <summary>"instance void [AnonymousBoard] AnonymousBoard.Posting.PostRequest+&lt;ReadAsync&gt;d__4::MoveNext()[QuickJitted] (/tmp/perf-1.map)" as "PostRequest+&lt;ReadAsync&gt;d__4::MoveNext".</summary>
    private static string MethodName(string frame)
    {
        var at = frame.IndexOf("::", StringComparison.Ordinal);
        if (at < 0)
        {
            var paren = frame.IndexOf(" (", StringComparison.Ordinal);
            return paren < 0 ? frame : frame[..paren];
        }
        var start = frame.LastIndexOf(' ', at) + 1;
        var end = frame.IndexOf('(', at);
        var name = frame[start..(end < 0 ? frame.Length : end)];
        // Namespaces off the type (generic arguments may hold dots of their own).
        var type = name[..name.IndexOf("::", StringComparison.Ordinal)];
        var lastDot = type.IndexOf('`', StringComparison.Ordinal) is var tick && tick >= 0 ? type.LastIndexOf('.', tick) : type.LastIndexOf('.');
        return lastDot < 0 ? name : name[(lastDot + 1)..];
    }

    /// <summary>Whether any frame's name contains one of <paramref name="parts"/>.</summary>
    public static bool Has(string[] frames, params string[] parts) =>
        frames.Any(f => parts.Any(p => f.Contains(p, StringComparison.Ordinal)));

    private static async Task Run(string program, string[] args, Action<string>? onLine)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        var errors = process.StandardError.ReadToEndAsync();
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            onLine?.Invoke(line);
        }
        onLine?.Invoke("");
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {args[0]} failed ({process.ExitCode}): {await errors}");
        }
    }
}
