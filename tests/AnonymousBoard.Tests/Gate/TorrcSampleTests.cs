using Xunit;

namespace AnonymousBoard.Tests.Gate;

/// <summary>The shipped torrc.sample is valid for the installed tor and keeps the choices the board relies on.</summary>
public class TorrcSampleTests
{
    private static string SamplePath()
    {
        // torrc.sample lives at the repository's top level; walk up from the test binaries to find it.
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "torrc.sample");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new FileNotFoundException("torrc.sample not found above " + AppContext.BaseDirectory);
    }

    private static List<string> ActiveLines() =>
        File.ReadAllLines(SamplePath()).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();

    [Theory]
    [InlineData("SocksPort 0")]
    [InlineData("Sandbox 1")]
    [InlineData("HiddenServicePort 80 unix:/run/anonboard/board.sock")]
    [InlineData("HiddenServiceExportCircuitID haproxy")]
    [InlineData("HiddenServicePoWDefensesEnabled 1")]
    [InlineData("HiddenServiceMaxStreamsCloseCircuit 1")]
    [InlineData("HiddenServiceEnableIntroDoSDefense 1")]
    public void Sample_keeps_the_settings_the_board_relies_on(string line)
    {
        Assert.Contains(line, ActiveLines());
    }

    [Fact]
    public void Sample_never_enables_single_hop_mode()
    {
        Assert.DoesNotContain(ActiveLines(), l => l.StartsWith("HiddenServiceSingleHopMode", StringComparison.OrdinalIgnoreCase)
            || l.StartsWith("HiddenServiceNonAnonymousMode", StringComparison.OrdinalIgnoreCase));
    }

    [RequiresToolsFact("tor")]
    public async Task Sample_passes_tor_verify_config()
    {
        var (exit, output, error) = await VerifyAsync(SamplePath());

        Assert.True(exit == 0, output + error);
        Assert.Contains("Configuration was valid", output, StringComparison.Ordinal);
    }

    [RequiresToolsFact("tor")]
    public async Task The_several_instances_variant_passes_tor_verify_config()
    {
        // The commented lines for several instances, used as the sample says: instead of the single one.
        var lines = File.ReadAllLines(SamplePath());
        var instances = lines.Where(l => l.StartsWith("# HiddenServicePort 80 unix:", StringComparison.Ordinal)).Select(l => l[2..]).ToList();
        Assert.Equal(2, instances.Count);
        var variant = Path.GetTempFileName();
        try
        {
            await File.WriteAllLinesAsync(variant, lines.SelectMany(l => l == "HiddenServicePort 80 unix:/run/anonboard/board.sock" ? instances : [l]));

            var (exit, output, error) = await VerifyAsync(variant);

            Assert.True(exit == 0, output + error);
            Assert.Equal(2, (await File.ReadAllLinesAsync(variant)).Count(l => l.StartsWith("HiddenServicePort 80 ", StringComparison.Ordinal)));
        }
        finally
        {
            File.Delete(variant);
        }
    }

    [RequiresToolsFact("tor")]
    public async Task Verify_config_does_catch_a_mistake()
    {
        // Guards the test above: a bad value must fail, or "valid" would prove nothing.
        var broken = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(broken, (await File.ReadAllTextAsync(SamplePath())).Replace("HiddenServicePoWQueueRate 25", "HiddenServicePoWQueueRate lots", StringComparison.Ordinal));

            var (exit, _, _) = await VerifyAsync(broken);

            Assert.NotEqual(0, exit);
        }
        finally
        {
            File.Delete(broken);
        }
    }

    private static async Task<(int ExitCode, string Output, string Error)> VerifyAsync(string torrc)
    {
        // An empty defaults file, so a torrc-defaults on this machine cannot change the verdict.
        var defaults = Path.GetTempFileName();
        try
        {
            return await Tools.RunAsync("tor", ["--verify-config", "--defaults-torrc", defaults, "-f", torrc], TimeSpan.FromSeconds(60));
        }
        finally
        {
            File.Delete(defaults);
        }
    }
}
