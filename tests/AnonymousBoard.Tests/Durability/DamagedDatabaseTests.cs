using AnonymousBoard.Hosting;
using Microsoft.Data.Sqlite;

namespace AnonymousBoard.Tests.Durability;

/// <summary>The built program, started on a database file it must not use: it says why, exits, and changes nothing.</summary>
public sealed class DamagedDatabaseTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("anonboard-damaged-").FullName;

    private string DbPath => Path.Combine(_data, "board.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_data, recursive: true);
    }

    private async Task<(int Code, string Output)> StartBoard() =>
        await BoardProcess.RunCommandAsync("--urls", "http://127.0.0.1:0", $"--Board:DataDirectory={_data}");

    [Fact]
    public async Task A_truncated_database_stops_the_board_with_a_message_and_stays_as_it_was()
    {
        Assert.Equal(0, Commands.Run(["boards", "create", "b", "General", $"--Board:DataDirectory={_data}"], TextWriter.Null, TextWriter.Null, TextReader.Null));
        SqliteConnection.ClearAllPools();
        using (var file = new FileStream(DbPath, FileMode.Open))
        {
            file.SetLength(file.Length / 2);
        }
        var before = await File.ReadAllBytesAsync(DbPath);

        var (code, output) = await StartBoard();

        Assert.Equal(1, code);
        Assert.Contains("AnonymousBoard cannot start", output, StringComparison.Ordinal);
        Assert.Contains("damaged", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal); // a message, not a stack trace
        Assert.Equal(before, await File.ReadAllBytesAsync(DbPath));
    }

    [Fact]
    public async Task A_port_already_in_use_stops_the_board_with_a_message()
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;

        var (code, output) = await BoardProcess.RunCommandAsync("--urls", $"http://127.0.0.1:{port}", $"--Board:DataDirectory={_data}");

        Assert.Equal(1, code);
        Assert.Contains("AnonymousBoard cannot start", output, StringComparison.Ordinal);
        // Kestrel's own log line before it (with its exception) stays; the board's last word is a plain sentence.
        var last = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];
        Assert.StartsWith("AnonymousBoard cannot start", last, StringComparison.Ordinal);
        Assert.Contains("address already in use", last, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Garbage_in_place_of_the_database_stops_the_board_with_a_message_and_stays_as_it_was()
    {
        await File.WriteAllBytesAsync(DbPath, System.Security.Cryptography.RandomNumberGenerator.GetBytes(32 * 1024));
        var before = await File.ReadAllBytesAsync(DbPath);

        var (code, output) = await StartBoard();

        Assert.Equal(1, code);
        Assert.Contains("AnonymousBoard cannot start", output, StringComparison.Ordinal);
        Assert.Contains("not a database", output, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllBytesAsync(DbPath));
    }
}
