using Microsoft.Data.Sqlite;

namespace AnonymousBoard.Storage.Sqlite;

/// <summary>
/// The board's SQLite file: opens connections with the settings every connection needs and brings
/// the schema up to date from the numbered scripts embedded beside this file.
/// </summary>
public sealed class SqliteDatabase
{
    private readonly string _connectionString;

    public SqliteDatabase(string path)
    {
        Path = path;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            // Writers are serialised in-process; this only covers another process (the CLI).
            DefaultTimeout = 30,
        }.ToString();
    }

    public string Path { get; }

    /// <summary>
    /// One writer at a time inside the process, shared by every store on this file: SQLite allows
    /// one anyway, and waiting on a lock is cheaper and fairer than retrying on SQLITE_BUSY.
    /// </summary>
    internal Lock WriteLock { get; } = new();

    /// <summary>
    /// Closes this file's idle pooled connections, and no other file's: a process that runs many boards
    /// (the tests) must not clear another board's pool while it opens a connection.
    /// </summary>
    internal void ClearPool()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }

    /// <exception cref="StorageException">The file cannot be opened (a read-only or failing disk, say).</exception>
    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
        }
        catch (SqliteException e) when (SqliteUnitOfWork.ProblemOf(e) is { } problem)
        {
            connection.Dispose();
            throw new StorageException(problem, e.Message, e);
        }
        // foreign_keys is per connection. synchronous=FULL: an acknowledged post survives a power
        // cut as well as a killed process; posts are rare enough that the fsync costs nothing.
        Execute(connection, "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;");
        return connection;
    }

    /// <summary>Applies every embedded migration newer than the file's user_version.</summary>
    /// <exception cref="StorageException">The file is damaged, another program's or unreadable; it was not changed.</exception>
    public void Migrate()
    {
        // A file that is not ours (another application's database) or a damaged one must never be written to.
        if (File.Exists(Path) && Problem(Path) is { } problem)
        {
            throw new StorageException(StorageProblem.Unusable, problem);
        }
        try
        {
            ApplyMigrations();
        }
        catch (SqliteException e)
        {
            throw new StorageException(SqliteUnitOfWork.ProblemOf(e) ?? StorageProblem.Unusable,
                $"cannot be used as the board's database ({e.Message}). It was not changed.", e);
        }
    }

    private void ApplyMigrations()
    {
        using var connection = Open();
        Execute(connection, "PRAGMA journal_mode = WAL;");
        var current = Convert.ToInt32(Scalar(connection, "PRAGMA user_version;"), System.Globalization.CultureInfo.InvariantCulture);
        if (current == 5 && Convert.ToInt64(Scalar(connection, "PRAGMA application_id;"), System.Globalization.CultureInfo.InvariantCulture) == 0)
        {
            // A file from before the migrations were numbered without gaps: its 5 (moderation) is today's 4.
            current = 4;
        }
        foreach (var (version, sql) in Migrations())
        {
            if (version <= current)
            {
                continue;
            }
            using var tx = connection.BeginTransaction();
            Execute(connection, sql, tx);
            // PRAGMA takes no parameters; version is an integer parsed from a resource name.
            Execute(connection, $"PRAGMA user_version = {version};", tx);
            tx.Commit();
        }
        // The constant is written here, never input.
        Execute(connection, $"PRAGMA application_id = {ApplicationId};");
    }

    /// <summary>
    /// SQLite's field for which program a file belongs to ("ANON"), written on every migrated file. A
    /// file without it was migrated by a board from before the renumbering (1, 2, 3, 5 became 1 to 4).
    /// </summary>
    internal const int ApplicationId = 0x414E4F4E;

    public static int LatestVersion => Migrations().Max(m => m.Version);

    /// <summary>
    /// Why the file at <paramref name="path"/> cannot be the board's database, or null when it is one
    /// (an empty file counts: the migrations make it one). Opens it read-only. quick_check reads
    /// every page once, a fraction of a second for a hundred megabytes.
    /// </summary>
    public static string? Problem(string path)
    {
        try
        {
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = path,
                Mode = SqliteOpenMode.ReadOnly,
                Pooling = false,
            }.ToString());
            connection.Open();
            var version = Convert.ToInt32(Scalar(connection, "PRAGMA user_version;"), System.Globalization.CultureInfo.InvariantCulture);
            var tables = Convert.ToInt64(Scalar(connection, "SELECT count(*) FROM sqlite_schema WHERE type = 'table';"), System.Globalization.CultureInfo.InvariantCulture);
            if (version == 0 && tables == 0)
            {
                return null;
            }
            if (version == 0)
            {
                return "The database file holds tables but no AnonymousBoard schema version; refusing to touch it.";
            }
            if (version > LatestVersion)
            {
                return $"The database file is at schema version {version}, newer than this program knows ({LatestVersion}).";
            }
            var ours = Convert.ToInt64(Scalar(connection, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN ('boards', 'threads', 'posts');"),
                System.Globalization.CultureInfo.InvariantCulture);
            if (ours != 3)
            {
                return $"The database file has schema version {version} but not the board's tables: it belongs to another program; refusing to touch it.";
            }
            var check = Convert.ToString(Scalar(connection, "PRAGMA quick_check(1);"), System.Globalization.CultureInfo.InvariantCulture);
            return check == "ok" ? null : Damaged(check);
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 11 or 26) // SQLITE_CORRUPT, SQLITE_NOTADB
        {
            return Damaged(e.Message);
        }
    }

    private static string Damaged(string? detail) =>
        $"The database file is damaged or not a database ({detail}); refusing to touch it. Put a backup in its place (README: \"Crashes, backups and full disks\").";

    private static IEnumerable<(int Version, string Sql)> Migrations() => Sql.MigrationScripts.Embedded("AnonymousBoard.Storage.Sqlite.Migrations.");

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100", Justification = "Only SQL text written in this class reaches here; values are always parameters.")]
    internal static void Execute(SqliteConnection connection, string sql, SqliteTransaction? tx = null)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = tx;
        command.ExecuteNonQuery();
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100", Justification = "Only SQL text written in this class reaches here; values are always parameters.")]
    internal static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
