using AnonymousBoard.Hosting;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace AnonymousBoard.Tests.Durability;

/// <summary><c>backup FILE</c> while people post, and <c>restore FILE</c> into a board that then starts on it.</summary>
public sealed class BackupTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("anonboard-backup-").FullName;

    private string DataDirectory => Path.Combine(_root, "data");

    private string BackupFile => Path.Combine(_root, "board-backup.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_root, recursive: true);
    }

    private (int Code, string Output) Cli(params string[] args)
    {
        using var text = new StringWriter();
        var code = Commands.Run([.. args, $"--Board:DataDirectory={DataDirectory}"], text, text, TextReader.Null);
        SqliteConnection.ClearAllPools();
        return (code, text.ToString());
    }

    [Fact]
    public async Task A_backup_taken_while_people_post_holds_every_post_acknowledged_before_it_and_a_board_starts_on_it_after_restore()
    {
        DurableBoard.CreateBoards(DataDirectory);
        var posters = new Posters(DurableBoard.MakeImages(_root), Random.Shared.Next());
        List<AckedPost> before, byTheEnd;
        HashSet<AckedPost> byTheBackup;
        int sentAfter;
        using (var board = await BoardProcess.StartAsync(DataDirectory))
        {
            using var stop = new CancellationTokenSource();
            var posting = posters.RunAsync(board.BaseAddress, 6, stop.Token);
            await WaitFor(() => posters.Acked.Count(a => a.Image is not null) >= 2 && posters.Acked.Count >= 20, "20 posts, 2 of them with images");

            before = [.. posters.Acked];
            var (code, text) = await BoardProcess.RunCommandAsync("backup", BackupFile, $"--Board:DataDirectory={DataDirectory}");
            byTheBackup = [.. posters.Acked];
            // A post committed before the snapshot may be answered after the backup ended (a busy machine delays the 303):
            // only what was sent after it ended is surely not in it.
            var sentByTheEnd = posters.Attempts;
            Assert.True(code == 0, text);
            Assert.Contains("quick_check ok", text, StringComparison.Ordinal);
            Assert.Contains("secure-tripcode.key", text, StringComparison.Ordinal);

            var (refused, why) = await BoardProcess.RunCommandAsync("restore", BackupFile, $"--Board:DataDirectory={DataDirectory}");
            Assert.Equal(1, refused);
            Assert.Contains("the board is running", why, StringComparison.Ordinal);

            await WaitFor(() => posters.Acked.Count(a => a.Sent > sentByTheEnd) >= 5, "5 more posts sent after the backup");
            sentAfter = sentByTheEnd;
            await stop.CancelAsync();
            await posting;
            Assert.Empty(posters.Faults);
            byTheEnd = [.. posters.Acked];
            board.Kill();
            output.WriteLine($"{before.Count} posts acknowledged before the backup, {byTheBackup.Count - before.Count} while it ran, {byTheEnd.Count} by the end");
        }

        using (var copy = new SqliteConnection($"Data Source={BackupFile};Mode=ReadOnly;Pooling=False"))
        {
            copy.Open();
            using var check = copy.CreateCommand();
            check.CommandText = "PRAGMA integrity_check";
            Assert.Equal("ok", check.ExecuteScalar());
        }
        Assert.False(File.Exists(BackupFile + "-wal"), "a backup stands alone, without a write-ahead log beside it");

        // Restored in place, over the newer database; media/ stays, holding every file of the backup and more.
        var (restoredCode, restored) = Cli("restore", BackupFile);
        Assert.True(restoredCode == 0, restored);
        Assert.Single(Directory.GetFiles(DataDirectory, "board.db.replaced-*"), f => !f.EndsWith("-wal", StringComparison.Ordinal));
        using var again = await BoardProcess.StartAsync(DataDirectory);
        using var client = again.Client();
        var problems = await BoardAudit.CheckAsync(DataDirectory, client, before);
        Assert.True(problems.Count == 0, string.Join('\n', problems));

        // The backup is a snapshot: what was posted after it finished is not in it.
        var browser = new Support.WebBrowser(client);
        foreach (var later in byTheEnd.Where(a => a.Sent > sentAfter))
        {
            var page = await browser.Get($"/{later.Board}/thread/{later.ThreadNo}");
            Assert.DoesNotContain(later.Marker, page.Html, StringComparison.Ordinal);
        }
    }

    private static async Task WaitFor(Func<bool> condition, string what)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!condition())
        {
            await Task.Delay(50, timeout.Token).ContinueWith(t => Assert.False(t.IsCanceled, $"waited a minute for {what}"), TaskScheduler.Default);
        }
    }

    [Fact]
    public void A_backup_never_overwrites_a_file()
    {
        DurableBoard.CreateBoards(DataDirectory);
        File.WriteAllText(BackupFile, "yesterday's backup");

        var (code, text) = Cli("backup", BackupFile);

        Assert.Equal(1, code);
        Assert.Contains("already exists", text, StringComparison.Ordinal);
        Assert.Equal("yesterday's backup", File.ReadAllText(BackupFile));
    }

    [Fact]
    public void A_backup_into_a_missing_directory_or_of_a_missing_database_says_so()
    {
        var (code, text) = Cli("backup", BackupFile);
        Assert.Equal(1, code);
        Assert.Contains("there is no database", text, StringComparison.Ordinal);

        DurableBoard.CreateBoards(DataDirectory);
        (code, text) = Cli("backup", Path.Combine(_root, "no-such-directory", "b.db"));
        Assert.Equal(1, code);
        Assert.Contains("does not exist", text, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_root, "*.partial-*", SearchOption.AllDirectories));
    }

    [Fact]
    public void Restore_refuses_files_that_are_not_a_sound_board_database_and_changes_nothing()
    {
        DurableBoard.CreateBoards(DataDirectory);
        var live = File.ReadAllBytes(Path.Combine(DataDirectory, "board.db"));
        var garbage = Path.Combine(_root, "garbage.db");
        File.WriteAllBytes(garbage, System.Security.Cryptography.RandomNumberGenerator.GetBytes(16 * 1024));
        var foreign = Path.Combine(_root, "foreign.db");
        using (var c = new SqliteConnection($"Data Source={foreign};Pooling=False"))
        {
            c.Open();
            using var create = c.CreateCommand();
            create.CommandText = "CREATE TABLE accounts (x INTEGER); PRAGMA user_version = 3;";
            create.ExecuteNonQuery();
        }
        var empty = Path.Combine(_root, "empty.db");
        File.WriteAllBytes(empty, []);

        foreach (var (file, reason) in new[] { (garbage, "not a database"), (foreign, "another program"), (empty, "holds no board"), (Path.Combine(_root, "missing.db"), "does not exist") })
        {
            var (code, text) = Cli("restore", file);
            Assert.Equal(1, code);
            Assert.Contains(reason, text, StringComparison.Ordinal);
        }
        Assert.Equal(live, File.ReadAllBytes(Path.Combine(DataDirectory, "board.db")));
        Assert.Equal(["board.db"], Directory.GetFiles(DataDirectory, "board.db*").Select(Path.GetFileName));
    }
}
