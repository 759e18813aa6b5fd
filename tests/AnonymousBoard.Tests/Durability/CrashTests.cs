using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace AnonymousBoard.Tests.Durability;

/// <summary>
/// The board killed with SIGKILL at random moments while people post, then started again on the
/// same data: no post it acknowledged with a 303 may be lost or changed, nothing may be
/// half-written, no file left unused, no number handed out twice. ANONBOARD_CRASH_KILLS sets the
/// number of kills (5 by default; README: the long run), ANONBOARD_CRASH_SEED replays a run.
/// </summary>
public sealed partial class CrashTests(ITestOutputHelper output) : IDisposable
{
    private const int PostersAtOnce = 6;

    private readonly string _root = Directory.CreateTempSubdirectory("anonboard-crash-").FullName;

    private string DataDirectory => Path.Combine(_root, "data");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task No_acknowledged_post_is_lost_or_half_written_when_the_board_is_killed_again_and_again()
    {
        var kills = int.TryParse(Environment.GetEnvironmentVariable("ANONBOARD_CRASH_KILLS"), CultureInfo.InvariantCulture, out var k) ? k : 5;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("ANONBOARD_CRASH_SEED"), CultureInfo.InvariantCulture, out var s) ? s : Random.Shared.Next();
        output.WriteLine($"seed {seed} (ANONBOARD_CRASH_SEED={seed} replays the same choices), {kills} kills");
        var random = new Random(seed);
        var posters = new Posters(DurableBoard.MakeImages(_root), seed);
        DurableBoard.CreateBoards(DataDirectory);

        var board = await BoardProcess.StartAsync(DataDirectory);
        var sweptByKills = 0;
        var checkedPosts = 0;
        try
        {
            for (var kill = 1; kill <= kills; kill++)
            {
                // The first page a fresh process serves is slow (JIT); the random moment counts from after it.
                using (var warm = board.Client())
                {
                    Assert.Equal(System.Net.HttpStatusCode.OK, (await warm.GetAsync(new Uri("/b/", UriKind.Relative))).StatusCode);
                }
                var before = posters.Attempts;
                var ackedBefore = posters.Acked.Count;
                var posting = posters.RunAsync(board.BaseAddress, PostersAtOnce, CancellationToken.None);
                // A random moment once the round is under way; before the first kill, also an image
                // post and a quoting reply through, so a slow machine still tests them.
                await WaitFor(posting, () => posters.Acked.Count >= ackedBefore + 2
                    && (kill > 1 || (posters.Acked.Any(a => a.Image is not null) && posters.Acked.Any(a => a.Quotes is not null))));
                await Task.Delay(random.Next(0, 2500));
                board.Kill();
                // Every poster stops at its first refused connection.
                await posting;
                var planted = PlantLeftovers(random);
                board.Dispose();

                board = await BoardProcess.StartAsync(DataDirectory);
                sweptByKills += Swept(board.Output) - planted;
                using var client = board.Client();
                var acked = posters.Acked;
                var problems = await BoardAudit.CheckAsync(DataDirectory, client, acked);
                Assert.True(problems.Count == 0, $"after kill {kill} (seed {seed}):\n" + string.Join('\n', problems.Take(40)));
                checkedPosts += acked.Count;
                output.WriteLine($"kill {kill}: {posters.Attempts - before} posts sent this round, {acked.Count} acknowledged so far ({acked.Count(a => a.Image is not null)} with images), all intact");
            }
        }
        finally
        {
            board.Dispose();
        }
        Assert.True(posters.Faults.Count == 0, string.Join('\n', posters.Faults.Take(20)));
        var all = posters.Acked;
        Assert.True(all.Count >= kills, $"only {all.Count} posts were acknowledged in {kills} rounds: the harness did not post");
        Assert.Contains(all, a => a.Image is not null);
        Assert.Contains(all, a => a.Quotes is not null);
        output.WriteLine($"{kills} kills survived; {posters.Attempts} posts sent, {all.Count} acknowledged "
            + $"({all.Count(a => a.No == a.ThreadNo)} threads, {all.Count(a => a.Image is not null)} with images, {all.Count(a => a.Quotes is not null)} quoting); "
            + $"{checkedPosts} post checks in all; {sweptByKills} unused image(s) left by kills removed at start-up");
    }

    private static async Task WaitFor(Task posting, Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (!condition())
        {
            if (posting.IsCompleted)
            {
                await posting; // the posters stopped on their own: show why
                Assert.Fail("every poster stopped while the board was running");
            }
            Assert.True(DateTime.UtcNow < deadline, "the posters made no progress for two minutes");
            await Task.Delay(20);
        }
    }

    /// <summary>
    /// What a crash can leave besides the database: an image stored for a post that was never
    /// written, a half-written file, a spooled upload. The start-up sweep must remove them all (the
    /// audit finds any that stay). Returns how many unused images were planted.
    /// </summary>
    private int PlantLeftovers(Random random)
    {
        var hash = Convert.ToHexStringLower(BitConverter.GetBytes(random.NextInt64()).Concat(new byte[24]).ToArray());
        var media = Directory.CreateDirectory(Path.Combine(DataDirectory, "media", hash[..2])).FullName;
        File.WriteAllBytes(Path.Combine(media, hash + ".png"), [1, 2, 3]);
        File.WriteAllBytes(Path.Combine(media, hash + "-thumb.webp"), [1, 2, 3]);
        File.WriteAllBytes(Path.Combine(Directory.CreateDirectory(Path.Combine(DataDirectory, "media-incoming")).FullName, Guid.NewGuid().ToString("N")), [1]);
        File.WriteAllBytes(Path.Combine(Directory.CreateDirectory(Path.Combine(DataDirectory, "uploads")).FullName, Guid.NewGuid().ToString("N") + ".upload"), [1]);
        return 1;
    }

    private static int Swept(string log) =>
        SweptLine().Match(log) is { Success: true } m ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;

    [GeneratedRegex(@"Removed (\d+) unused image", RegexOptions.CultureInvariant)]
    private static partial Regex SweptLine();
}
