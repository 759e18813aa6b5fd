using Microsoft.Data.Sqlite;

namespace AnonymousBoard.Storage.Sqlite;

/// <summary>
/// Statements read by position, as the moderation store still does until it moves to per-feature
/// stores mapped by column name like the others. SQLite's machine-state errors become <see cref="StorageException"/>.
/// </summary>
internal static class SqliteCommands
{
    internal static List<T> Query<T>(SqliteConnection connection, SqliteTransaction? tx, string sql, Func<SqliteDataReader, T> read,
        params (string Name, object? Value)[] parameters)
    {
        try
        {
            using var command = Command(connection, tx, sql, parameters);
            using var reader = command.ExecuteReader();
            var rows = new List<T>();
            while (reader.Read())
            {
                rows.Add(read(reader));
            }
            return rows;
        }
        catch (SqliteException e) when (SqliteUnitOfWork.ProblemOf(e) is { } problem)
        {
            throw new StorageException(problem, e.Message, e);
        }
    }

    internal static int Execute(SqliteConnection connection, SqliteTransaction? tx, string sql, (string Name, object? Value)[] parameters)
    {
        try
        {
            using var command = Command(connection, tx, sql, parameters);
            return command.ExecuteNonQuery();
        }
        catch (SqliteException e) when (SqliteUnitOfWork.ProblemOf(e) is { } problem)
        {
            throw new StorageException(problem, e.Message, e);
        }
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100", Justification = "Only SQL text written in the stores reaches here; values are always parameters.")]
    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? tx, string sql, (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = tx;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
        return command;
    }
}
