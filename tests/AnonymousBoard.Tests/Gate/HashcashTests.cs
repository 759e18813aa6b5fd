using AnonymousBoard.Gate;
using Xunit;

namespace AnonymousBoard.Tests.Gate;

public class HashcashTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Minted_stamp_verifies_with_its_bits()
    {
        var stamp = Hashcash.Mint("ticket-id_1", 12, Now);

        var result = Hashcash.Verify(stamp, "ticket-id_1", 12, Now);

        Assert.Null(result.Reason);
        Assert.Equal(12, result.Bits);
        Assert.StartsWith("1:12:260301:ticket-id_1::", stamp, StringComparison.Ordinal);
        Assert.True(Hashcash.LeadingZeroBits(stamp) >= 12);
    }

    [Fact]
    public void Zero_bit_stamp_is_accepted_when_nothing_is_required()
    {
        Assert.Equal(0, Hashcash.Verify(Hashcash.Mint("r", 0, Now), "r", 0, Now).Bits);
    }

    [Fact]
    public void Stamp_claiming_fewer_bits_than_required_is_refused()
    {
        var stamp = Hashcash.Mint("r", 8, Now);

        Assert.Contains("claims 8 bits, 12 are required", Hashcash.Verify(stamp, "r", 12, Now).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Stamp_that_lies_about_its_bits_is_refused()
    {
        // A valid 8-bit stamp relabelled as 20 bits; search for one whose hash really has fewer than 20.
        string lie;
        do
        {
            lie = Hashcash.Mint("r", 8, Now).Replace("1:8:", "1:20:", StringComparison.Ordinal);
        }
        while (Hashcash.LeadingZeroBits(lie) >= 20);

        Assert.Contains("claims 20 bits but its SHA-1 has only", Hashcash.Verify(lie, "r", 8, Now).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Stamp_for_another_resource_is_refused()
    {
        var stamp = Hashcash.Mint("ticket-a", 8, Now);

        Assert.Contains("another resource", Hashcash.Verify(stamp, "ticket-b", 8, Now).Reason, StringComparison.Ordinal);
        Assert.Contains("another resource", Hashcash.Verify(stamp, "TICKET-A", 8, Now).Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "no hashcash stamp")]
    [InlineData("   ", "no hashcash stamp")]
    [InlineData("1:8:260301:r::abc", "6 colon-separated fields")]
    [InlineData("1:8:260301:r::abc:1:2", "8 colon-separated fields")]
    [InlineData("0:8:260301:r::abc:1", "version 0")]
    [InlineData("1:x:260301:r::abc:1", "bits field")]
    [InlineData("1:-8:260301:r::abc:1", "bits field")]
    [InlineData("1:8:2603011:r::abc:1", "date")]
    [InlineData("1:8:261301:r::abc:1", "date")]
    [InlineData("1:8:26030125:r::abc:1", "date")]
    [InlineData("1:8:260301:r:::1", "random or counter")]
    [InlineData("1:8:260301:r::abc:", "random or counter")]
    [InlineData("1:8:260301:r::a bc:1", "spaces")]
    [InlineData("1:8:260301:r::abc:1\u00e9", "outside ASCII")]
    public void Malformed_stamps_are_refused_with_their_own_reason(string? stamp, string reasonPart)
    {
        Assert.Contains(reasonPart, Hashcash.Verify(stamp, "r", 8, Now).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Overlong_stamp_is_refused_before_hashing()
    {
        var stamp = "1:8:260301:" + new string('r', 300) + "::abc:1";

        Assert.Contains("longer than 256", Hashcash.Verify(stamp, "r", 8, Now).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Date_window_counts_a_day_only_date_as_the_whole_day()
    {
        var stamp = Hashcash.Mint("r", 4, Now);
        var window = new HashcashWindow(TimeSpan.FromHours(1), TimeSpan.FromHours(1));

        // Dated 260301: fine until 1 hour after that day ends, and from 1 hour before it starts.
        Assert.True(Hashcash.Verify(stamp, "r", 4, new DateTimeOffset(2026, 3, 2, 0, 59, 0, TimeSpan.Zero), window).IsValid);
        Assert.Contains("too old", Hashcash.Verify(stamp, "r", 4, new DateTimeOffset(2026, 3, 2, 1, 1, 0, TimeSpan.Zero), window).Reason, StringComparison.Ordinal);
        Assert.True(Hashcash.Verify(stamp, "r", 4, new DateTimeOffset(2026, 2, 28, 23, 1, 0, TimeSpan.Zero), window).IsValid);
        Assert.Contains("future", Hashcash.Verify(stamp, "r", 4, new DateTimeOffset(2026, 2, 28, 22, 59, 0, TimeSpan.Zero), window).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Header_form_from_hashcash_dash_X_is_accepted()
    {
        var stamp = Hashcash.Mint("r", 6, Now);

        Assert.True(Hashcash.Verify("X-Hashcash: " + stamp, "r", 6, Now).IsValid);
    }

    [RequiresToolsFact("hashcash")]
    public async Task Stamps_minted_by_the_hashcash_tool_are_accepted()
    {
        // Ticket ids are lower-case hex, like this resource. The tool dates stamps YYMMDD in local time
        // by default; -u makes it UTC, -z 10 and -z 12 add hhmm and hhmmss.
        foreach (var extra in new[] { Array.Empty<string>(), ["-u", "-z", "12"], ["-u", "-z", "10"] })
        {
            var (exit, output, error) = await Tools.RunAsync("hashcash", ["-m", "-q", "-b", "16", .. extra, "0123abcd-ef_9"], TimeSpan.FromSeconds(60));
            Assert.True(exit == 0, error);
            var stamp = output.Trim();

            var result = Hashcash.Verify(stamp, "0123abcd-ef_9", 16, DateTimeOffset.UtcNow);

            Assert.True(result.IsValid, $"{stamp}: {result.Reason}");
            Assert.Contains(":0123abcd-ef_9::", stamp, StringComparison.Ordinal); // the empty extension field
            Assert.Contains("claims 16 bits, 17 are required", Hashcash.Verify(stamp, "0123abcd-ef_9", 17, DateTimeOffset.UtcNow).Reason, StringComparison.Ordinal);
            Assert.Contains("another resource", Hashcash.Verify(stamp, "0123abcd-ef_8", 16, DateTimeOffset.UtcNow).Reason, StringComparison.Ordinal);
        }
    }

    [RequiresToolsFact("hashcash")]
    public async Task The_tool_lower_cases_resources_which_is_why_ticket_ids_are_lower_case()
    {
        var (_, output, _) = await Tools.RunAsync("hashcash", ["-m", "-q", "-b", "4", "AbC"], TimeSpan.FromSeconds(30));

        Assert.Contains(":abc::", output, StringComparison.Ordinal);
        Assert.Matches("^[0-9a-f]{32}$", PostingTicket.Create("b", null, DateTimeOffset.UtcNow, TimeSpan.Zero, TimeSpan.FromMinutes(1)).PowResource);
    }

    [RequiresToolsFact("hashcash")]
    public async Task Our_stamps_pass_the_hashcash_tool_check()
    {
        var directory = Directory.CreateTempSubdirectory("hashcash-");
        try
        {
            var stamp = Hashcash.Mint("AbC-def_123", 16, DateTimeOffset.UtcNow);
            var database = Path.Combine(directory.FullName, "spent.sdb");
            string[] check = ["-c", "-d", "-f", database, "-b", "16", "-r", "AbC-def_123", stamp];

            var (exit, output, error) = await Tools.RunAsync("hashcash", check, TimeSpan.FromSeconds(30));
            Assert.True(exit == 0, output + error);

            // The tool's own double-spend database now refuses it, and it refuses more bits than we made.
            Assert.NotEqual(0, (await Tools.RunAsync("hashcash", check, TimeSpan.FromSeconds(30))).ExitCode);
            Assert.NotEqual(0, (await Tools.RunAsync("hashcash", ["-c", "-y", "-b", "40", "-r", "AbC-def_123", stamp], TimeSpan.FromSeconds(30))).ExitCode);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
