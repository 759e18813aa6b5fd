using System.Globalization;
using AnonymousBoard.Settings;
using AnonymousBoard.Storage;
using Microsoft.Data.Sqlite;

namespace AnonymousBoard.Storage.Sqlite;

/// <summary>
/// <c>backup FILE</c>: a consistent copy of the database while the board serves (SQLite's online
/// backup API reads one snapshot; WAL lets posting go on meanwhile). <c>restore FILE</c>: puts a
/// checked backup in place of the database of a stopped board, keeping the file it replaces.
/// Neither copies the keys or media/: see README, "Crashes, backups and full disks".
/// </summary>
public static class BackupCommand
{
    private const string AlsoCopy =
        "The backup holds the database only. Also keep, once, copies of secure-tripcode.key and modlog-ed25519.key from the data directory, "
        + "and copy media/ after each backup (e.g. rsync -a, without --delete).";

    /// <summary>What backup and restore say on a board whose database is PostgreSQL.</summary>
    private const string OnPostgres =
        "this board's database is PostgreSQL: back it up with pg_dump (e.g. pg_dump -Fc -f board.dump DATABASE) and restore with pg_restore "
        + "into an empty database; keep copies of the data directory's key files and of media/ as for SQLite (README, \"More than one machine\").";

    public static int Backup(CommandContext context, string[] args)
    {
        if (context.Options.OnPostgres)
        {
            return context.Fail(OnPostgres);
        }
        if (args.Length != 1)
        {
            return context.Usage("usage: backup FILE   (a new file: a backup never overwrites one)");
        }
        var target = Path.GetFullPath(args[0]);
        var live = Path.GetFullPath(context.Options.DatabasePath);
        if (File.Exists(target) || Directory.Exists(target))
        {
            return context.Fail($"{target} already exists; a backup never overwrites a file. Choose a new name, e.g. board-{DateTime.UtcNow:yyyyMMdd-HHmm}.db.");
        }
        if (!File.Exists(live))
        {
            return context.Fail($"there is no database at {live} to back up (is --Board:DataDirectory right?).");
        }
        var directory = Path.GetDirectoryName(target)!;
        if (!Directory.Exists(directory))
        {
            return context.Fail($"the directory {directory} does not exist.");
        }
        // Written under a name nobody takes for a backup, and renamed only once complete and checked.
        var partial = Path.Combine(directory, $".{Path.GetFileName(target)}.partial-{Guid.NewGuid():N}");
        try
        {
            Copy(live, partial);
            if (SqliteDatabase.Problem(partial) is { } problem)
            {
                return context.Fail($"the copy failed its check and was not kept: {problem}");
            }
            File.Move(partial, target, overwrite: false);
            FileSync.Directory(directory);
            context.Out.WriteLine($"backup: {target} ({Describe(target)}); quick_check ok.");
            context.Out.WriteLine(AlsoCopy);
            return 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or SqliteException)
        {
            return context.Fail($"cannot write the backup to {target}: {e.Message}");
        }
        finally
        {
            File.Delete(partial);
        }
    }

    /// <summary>One snapshot of <paramref name="live"/> into a new file that stands alone (no -wal beside it), flushed to disk.</summary>
    private static void Copy(string live, string destination)
    {
        using (var source = Open(live, SqliteOpenMode.ReadWrite))
        using (var copy = Open(destination, SqliteOpenMode.ReadWriteCreate))
        {
            source.BackupDatabase(copy);
            SqliteDatabase.Execute(copy, "PRAGMA journal_mode = DELETE;");
        }
        using var file = new FileStream(destination, FileMode.Open, FileAccess.ReadWrite);
        file.Flush(flushToDisk: true);
    }

    public static int Restore(CommandContext context, string[] args)
    {
        if (context.Options.OnPostgres)
        {
            return context.Fail(OnPostgres);
        }
        if (args.Length != 1)
        {
            return context.Usage("usage: restore FILE   (with the board stopped)");
        }
        var backup = Path.GetFullPath(args[0]);
        var live = Path.GetFullPath(context.Options.DatabasePath);
        if (!File.Exists(backup))
        {
            return context.Fail($"{backup} does not exist.");
        }
        if (SqliteDatabase.Problem(backup) is { } problem)
        {
            return context.Fail($"{backup} cannot be restored: {problem}");
        }
        if (Describe(backup) is null)
        {
            return context.Fail($"{backup} holds no board: it is not a backup.");
        }
        if (File.Exists(live) && InUse(live))
        {
            return context.Fail($"the board is running on {live}; stop it, then restore. Nothing was changed.");
        }
        var directory = Path.GetDirectoryName(live)!;
        Directory.CreateDirectory(directory);
        var staging = live + ".restoring";
        try
        {
            File.Copy(backup, staging, overwrite: true);
            using (var file = new FileStream(staging, FileMode.Open, FileAccess.ReadWrite))
            {
                file.Flush(flushToDisk: true);
            }
            if (SqliteDatabase.Problem(staging) is { } copyProblem)
            {
                File.Delete(staging);
                return context.Fail($"the copy of {backup} failed its check; nothing was changed: {copyProblem}");
            }
            string? kept = null;
            if (File.Exists(live))
            {
                // The database being replaced is kept with its write-ahead log, so it stays whole.
                kept = $"{live}.replaced-{DateTime.UtcNow:yyyyMMdd-HHmmss}";
                File.Move(live, kept);
                if (File.Exists(live + "-wal"))
                {
                    File.Move(live + "-wal", kept + "-wal");
                }
                File.Delete(live + "-shm");
            }
            File.Move(staging, live);
            FileSync.Directory(directory);
            context.Out.WriteLine($"restored {backup} to {live} ({Describe(live)}).");
            if (kept is not null)
            {
                context.Out.WriteLine($"The database it replaced is kept as {kept}.");
            }
            context.Out.WriteLine("Start the board. Posts made after the backup are not in it; images that no post shows are removed at start-up.");
            return 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return context.Fail($"cannot restore into {directory}: {e.Message}");
        }
    }

    /// <summary>"12 posts on 2 boards", or null for a database with no board schema yet.</summary>
    private static string? Describe(string path)
    {
        using var connection = Open(path, SqliteOpenMode.ReadOnly);
        if (Convert.ToInt64(SqliteDatabase.Scalar(connection, "PRAGMA user_version;"), CultureInfo.InvariantCulture) == 0)
        {
            return null;
        }
        var posts = Convert.ToInt64(SqliteDatabase.Scalar(connection, "SELECT count(*) FROM posts;"), CultureInfo.InvariantCulture);
        var boards = Convert.ToInt64(SqliteDatabase.Scalar(connection, "SELECT count(*) FROM boards;"), CultureInfo.InvariantCulture);
        return string.Create(CultureInfo.InvariantCulture, $"{posts} posts on {boards} boards, {new FileInfo(path).Length / 1024} KiB");
    }

    /// <summary>
    /// True while a process (the board) has the database open: every SQLite connection using the
    /// write-ahead log holds a shared lock on the wal-index's "DMS" byte, offset 128 of the -shm
    /// file (sqlite.org/walformat.html), so an exclusive lock on it is refused then.
    /// </summary>
    internal static bool InUse(string path)
    {
        var shm = path + "-shm";
        if (!OperatingSystem.IsLinux() || !File.Exists(shm))
        {
            return false;
        }
        using var file = new FileStream(shm, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        try
        {
            file.Lock(128, 1);
            file.Unlock(128, 1);
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    private static SqliteConnection Open(string path, SqliteOpenMode mode)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = mode,
            Pooling = false,
        }.ToString());
        connection.Open();
        return connection;
    }
}
