using Microsoft.Data.Sqlite;

namespace AnonymousBoard.Storage.Sqlite;

/// <summary>
/// The board's SQLite file: opens connections with the settings every connection needs and brings
/// the schema up to date from the numbered scripts embedded beside this file.
/// </summary>
/// <remarks>
/// Disposed with the board (a clean stop): its pooled connections close, the last one folds the WAL into the file,
/// and a note beside the file (<c>board.db.closed</c>) records the file's length and time of last change, so the
/// next start knows whether anything touched the file since (<see cref="Migrate"/>).
/// </remarks>
public sealed class SqliteDatabase : IDisposable
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
        // cache_size: every pooled connection has a page cache of its own, and a dozen of them at SQLite's
        // default 2 MB held the same hot pages a dozen times, 14 MB of a big board's memory (README, "Size
        // benchmark"); the file's pages stay in the system's cache, one copy for every connection.
        Execute(connection, "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL; PRAGMA cache_size = -512;");
        return connection;
    }

    /// <summary>
    /// Applies every embedded migration newer than the file's user_version, after checking the file: always that it
    /// is the board's (its schema), and every page of it (quick_check) unless the board closed it cleanly last time
    /// and it is as the board left it.
    /// </summary>
    /// <remarks>
    /// Reading every page grows with the board (about 3 s of the start for half a gigabyte on a loaded 2-core machine,
    /// four times that for a million posts) and finds what happened to the file while the board was not running
    /// cleanly on it: a crash or power cut on a disk that lies about its syncs, a copy or restore cut short, someone
    /// else's write. A file closed cleanly and unchanged since (same length and time of last change, no WAL beside it)
    /// had none of these; damage that changes neither (a disk that rots in place) is found by SQLite when it reads the
    /// page (SQLITE_CORRUPT, the board's "unusable"), as it would be after a full check at start anyway.
    /// </remarks>
    /// <exception cref="StorageException">The file is damaged, another program's or unreadable; it was not changed.</exception>
    public void Migrate()
    {
        // The note goes before anything opens the file: a run that does not end cleanly leaves none behind it.
        var unchanged = UnchangedSinceClosed();
        // A file that is not ours (another application's database) or a damaged one must never be written to.
        if (File.Exists(Path) && Problem(Path, whole: !unchanged) is { } problem)
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
    /// (an empty file counts: the migrations make it one). Opens it read-only. With <paramref name="whole"/>,
    /// quick_check reads every page once: about 0.6 s of CPU per hundred megabytes.
    /// </summary>
    public static string? Problem(string path, bool whole = true)
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
            if (!whole)
            {
                return null;
            }
            var check = Convert.ToString(Scalar(connection, "PRAGMA quick_check(1);"), System.Globalization.CultureInfo.InvariantCulture);
            return check == "ok" ? null : Damaged(check);
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 11 or 26) // SQLITE_CORRUPT, SQLITE_NOTADB
        {
            return Damaged(e.Message);
        }
    }

    /// <summary>The note a clean stop leaves beside the file.</summary>
    private string ClosedNote => Path + ".closed";

    /// <summary>The file as a clean stop leaves it: its length and time of last change; null when there is none.</summary>
    private string? Fingerprint()
    {
        var file = new FileInfo(Path);
        return file.Exists ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{file.Length} {file.LastWriteTimeUtc.Ticks}") : null;
    }

    /// <summary>
    /// Whether the board closed the file cleanly last time and nothing changed it since; the note is removed either
    /// way, so only a clean stop after this start writes the next one.
    /// </summary>
    private bool UnchangedSinceClosed()
    {
        try
        {
            var note = File.Exists(ClosedNote) ? File.ReadAllText(ClosedNote) : null;
            File.Delete(ClosedNote);
            // A WAL beside the file: someone opened it after the note was written and did not close it cleanly.
            return note is not null && !File.Exists(Path + "-wal") && note == Fingerprint();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A note that cannot be read or removed cannot be trusted: the whole file is read.
            return false;
        }
    }

    /// <summary>
    /// The board stops: the pooled connections close, the last one folding the WAL into the file and removing it, and
    /// the note says the file was closed cleanly. A connection still open elsewhere (the CLI's, another process's)
    /// keeps the WAL, and then no note is written.
    /// </summary>
    public void Dispose()
    {
        ClearPool();
        if (File.Exists(Path + "-wal") || Fingerprint() is not { } closed)
        {
            return;
        }
        try
        {
            File.WriteAllText(ClosedNote, closed);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Without the note the next start reads the whole file, as it would after a crash.
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
