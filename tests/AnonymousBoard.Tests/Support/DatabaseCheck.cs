using System.Data.Common;
using System.Text;
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
            using var postgres = Open(server);
            using var orphans = postgres.CreateCommand();
            orphans.CommandText = "SELECT count(*) FROM posts p WHERE NOT EXISTS (SELECT 1 FROM threads t WHERE t.board_id = p.board_id AND t.no = p.thread_no)";
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

    /// <summary>A connection straight to the board's database, around the board, as someone holding the server would have.</summary>
    public static DbConnection Open(BoardServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        DbConnection connection = EngineUnderTest.Postgres
            ? new NpgsqlConnection(EngineUnderTest.Settings(server.DataDirectory)[0].Split('=', 2)[1])
            : new SqliteConnection($"Data Source={Path.Combine(server.DataDirectory, "board.db")}");
        connection.Open();
        return connection;
    }

    /// <summary>Runs <paramref name="sql"/> (parameters written @name) with <paramref name="parameters"/>; the rows changed.</summary>
    public static int Execute(DbConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }
        return command.ExecuteNonQuery();
    }

    /// <summary>
    /// Everything the board's database holds, as text: what a copy of it would give away. SQLite:
    /// the file's bytes. PostgreSQL: every row of every table of the board's schema, as text.
    /// </summary>
    public static string EverythingStored(BoardServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        if (!EngineUnderTest.Postgres)
        {
            return Encoding.UTF8.GetString(File.ReadAllBytes(Path.Combine(server.DataDirectory, "board.db")));
        }
        using var connection = Open(server);
        var tables = new List<string>();
        using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()";
            using var reader = list.ExecuteReader();
            while (reader.Read())
            {
                tables.Add(reader.GetString(0));
            }
        }
        var text = new StringBuilder();
        foreach (var table in tables)
        {
            using var rows = connection.CreateCommand();
            // Names come from pg_tables itself, quoted as identifiers.
            rows.CommandText = $"SELECT t::text FROM \"{table.Replace("\"", "\"\"", StringComparison.Ordinal)}\" t";
            using var reader = rows.ExecuteReader();
            while (reader.Read())
            {
                text.AppendLine(reader.GetString(0));
            }
        }
        return text.ToString();
    }
}
