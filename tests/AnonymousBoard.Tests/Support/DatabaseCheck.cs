using Microsoft.Data.Sqlite;
using Npgsql;

namespace AnonymousBoard.Tests.Support;

/// <summary>Whether a board's database is sound after a test has thrown hostile input at it.</summary>
public static class DatabaseCheck
{
    /// <summary>
    /// "ok" when sound. SQLite: PRAGMA integrity_check over every page and index. PostgreSQL has no
    /// such check; its own invariants (types, constraints, indexes) hold or the write failed, so what
    /// is checked is what a deferred foreign key would hide until commit: every post in a thread that exists.
    /// </summary>
    public static string Integrity(BoardServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        if (EngineUnderTest.Postgres)
        {
            using var postgres = new NpgsqlConnection(EngineUnderTest.Settings(server.DataDirectory)[0].Split('=', 2)[1]);
            postgres.Open();
            using var orphans = new NpgsqlCommand(
                "SELECT count(*) FROM posts p WHERE NOT EXISTS (SELECT 1 FROM threads t WHERE t.board_id = p.board_id AND t.no = p.thread_no)", postgres);
            var count = (long)orphans.ExecuteScalar()!;
            return count == 0 ? "ok" : $"{count} posts outside any thread";
        }
        using var connection = new SqliteConnection($"Data Source={Path.Combine(server.DataDirectory, "board.db")};Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA integrity_check";
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(reader.GetString(0));
        }
        return string.Join("; ", rows);
    }
}
