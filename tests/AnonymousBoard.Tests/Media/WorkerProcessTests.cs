using System.Globalization;
using AnonymousBoard.Media;
using AnonymousBoard.Tests.Faults;

namespace AnonymousBoard.Tests.Media;

/// <summary>
/// A real worker, looked at from outside while it works: which libvips it mapped, the limits it
/// runs under, what it was given of the environment. And the process these tests run in, which
/// hosts the board in the other tests.
/// </summary>
public sealed class WorkerProcessTests : IDisposable
{
    private readonly MediaScratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    /// <summary>Debian's libvips, which the board must never load: it is 8.14, with its CVEs.</summary>
    private static bool IsSystemLibrary(string path) => path.StartsWith("/usr/lib", StringComparison.Ordinal) || path.StartsWith("/lib", StringComparison.Ordinal);

    private static List<string> LibvipsMapped(string maps) =>
        maps.Split('\n')
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(parts => parts.Length >= 6 && Path.GetFileName(parts[5]).StartsWith("libvips", StringComparison.Ordinal))
            .Select(parts => parts[5])
            .Distinct()
            .ToList();

    /// <summary>The libvips of the NuGet package: in the build's runtimes/ folder or the package cache.</summary>
    private static void AssertPackagedLibvipsOnly(List<string> mapped, string who)
    {
        Assert.True(mapped.Count > 0, $"{who} has no libvips mapped");
        Assert.All(mapped, path => Assert.False(IsSystemLibrary(path), $"{who} mapped the system's {path}"));
        Assert.All(mapped, path => Assert.True(
            path.StartsWith(Path.Combine(AppContext.BaseDirectory, "runtimes"), StringComparison.Ordinal) || path.Contains("/.nuget/packages/netvips.native", StringComparison.Ordinal),
            $"{who} mapped {path}, not the NuGet package's libvips"));
    }

    [Fact]
    public async Task A_worker_maps_the_packaged_libvips_never_the_system_one_and_caps_its_address_space()
    {
        var gif = TestImages.NoiseGif(_scratch, "slow.gif", 300, 50);
        var pipeline = new ImagePipeline(_scratch.Runner(timeLimit: TimeSpan.FromSeconds(60)));
        var processing = pipeline.ProcessAsync(new MemoryStream(File.ReadAllBytes(gif)), new ImageLimits(), CancellationToken.None);

        string? maps = null, limits = null, environ = null;
        while (!processing.IsCompleted && (maps is null || LibvipsMapped(maps).Count == 0 || limits is null || limits.Contains("Max address space         unlimited", StringComparison.Ordinal)))
        {
            if (ImageToolFaultTests.WorkerIn(_scratch.JobsDirectory) is not { } pid)
            {
                continue;
            }
            try
            {
                maps = File.ReadAllText($"/proc/{pid}/maps");
                limits = File.ReadAllText($"/proc/{pid}/limits");
                environ = File.ReadAllText($"/proc/{pid}/environ");
            }
            catch (IOException)
            {
                // The worker ended while we looked.
            }
        }

        Assert.IsType<ImageAccepted>(await processing);
        Assert.True(maps is not null && limits is not null && environ is not null, "no worker was seen running");
        AssertPackagedLibvipsOnly(LibvipsMapped(maps), "the worker");
        // A finite address space, set by the worker on itself, and prlimit's CPU limit.
        var addressSpace = limits.Split('\n').Single(l => l.StartsWith("Max address space", StringComparison.Ordinal));
        Assert.DoesNotContain("unlimited", addressSpace, StringComparison.Ordinal);
        Assert.Matches(@"Max cpu time\s+60\s+60\s+seconds", limits);
        var names = environ.Split('\0', StringSplitOptions.RemoveEmptyEntries).Select(v => v.Split('=')[0]).Order(StringComparer.Ordinal);
        Assert.Equal(VipsRunner.WorkerEnvironment("/").Keys.Order(StringComparer.Ordinal), names);
    }

    [Fact]
    public void The_process_that_hosts_the_board_in_tests_maps_no_system_libvips()
    {
        // These tests make their images with NetVips, so libvips is loaded here: it must be the package's.
        using (var image = NetVips.Image.Black(1, 1))
        {
            Assert.Equal(0, image.Avg());
        }

        AssertPackagedLibvipsOnly(LibvipsMapped(File.ReadAllText("/proc/self/maps")), "the test host");
        Assert.StartsWith("8.18.", NetVips.NetVips.Version(0).ToString(CultureInfo.InvariantCulture) + "." + NetVips.NetVips.Version(1).ToString(CultureInfo.InvariantCulture) + ".", StringComparison.Ordinal);
    }
}
