using System.Data.Common;
using AnonymousBoard.Storage.Sql;
using Microsoft.Data.Sqlite;

namespace AnonymousBoard.Storage.Sqlite;

/// <summary>Units of work on the board's SQLite file.</summary>
public sealed class SqliteStorage(SqliteDatabase database, IEnumerable<ICommitListener> listeners, TimeProvider time) : IStorage
{
    public SqliteStorage(SqliteDatabase database) : this(database, [], TimeProvider.System) { }

    public UnitOfWork Write() => SqliteUnitOfWork.Begin(database, listeners, time, write: true);

    public UnitOfWork Read() => SqliteUnitOfWork.Begin(database, listeners, time, write: false);

    public void Migrate() => database.Migrate();

    public string Name => database.Path;
}

/// <summary>
/// A connection and its transaction. A write holds the database's write lock until disposed: SQLite
/// allows one writer anyway, and waiting on a lock is cheaper and fairer than retrying on SQLITE_BUSY.
/// Every statement goes through here, so SQLite's errors become <see cref="StorageException"/> in one place.
/// </summary>
public sealed class SqliteUnitOfWork : SqlUnitOfWork
{
    private readonly SqliteConnection _connection;

    private SqliteUnitOfWork(SqliteConnection connection, SqliteTransaction transaction, Lock? writeLock, IEnumerable<ICommitListener> listeners,
        TimeProvider time)
        : base(connection, transaction, writeLock, listeners, time) => _connection = connection;

    internal static SqliteUnitOfWork Begin(SqliteDatabase database, IEnumerable<ICommitListener> listeners, TimeProvider time, bool write)
    {
        var writeLock = write ? database.WriteLock : null;
        writeLock?.Enter();
        SqliteConnection? connection = null;
        try
        {
            connection = Translated(database.Open);
            // A write takes SQLite's write lock at once (IMMEDIATE); a read is one snapshot (DEFERRED).
            var transaction = Translated(() => connection.BeginTransaction(deferred: !write));
            return new SqliteUnitOfWork(connection, transaction, writeLock, listeners, time);
        }
        catch
        {
            connection?.Dispose();
            writeLock?.Exit();
            throw;
        }
    }

    /// <summary>The engine's own unit of work; a store of another engine's cannot use it.</summary>
    internal static new SqliteUnitOfWork Of(UnitOfWork work) =>
        work as SqliteUnitOfWork ?? throw new ArgumentException("A SQLite store needs a SQLite unit of work.", nameof(work));


    /// <summary>
    /// Runs <paramref name="query"/> on this connection and stops it once it has run for
    /// <paramref name="budget"/>; null then. SQLite calls the progress handler every thousand
    /// virtual-machine steps, and a non-zero answer interrupts the statement.
    /// </summary>
    internal T? WithinBudget<T>(TimeSpan budget, Func<T> query) where T : class
    {
        var handle = _connection.Handle!;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        SQLitePCL.raw.sqlite3_progress_handler(handle, 1000, _ => clock.Elapsed > budget ? 1 : 0, null);
        try
        {
            return query();
        }
        catch (SqliteException e) when (e.SqliteErrorCode == SQLitePCL.raw.SQLITE_INTERRUPT)
        {
            return null;
        }
        finally
        {
            // The connection goes back to the pool: its next user must not inherit the handler.
            SQLitePCL.raw.sqlite3_progress_handler(handle, 0, null, null);
        }
    }

    protected override T Translate<T>(Func<T> work) => Translated(work);

    private static T Translated<T>(Func<T> work)
    {
        try
        {
            return work();
        }
        catch (SqliteException e) when (ProblemOf(e) is { } problem)
        {
            throw new StorageException(problem, e.Message, e);
        }
    }

    /// <summary>SQLite's result codes that are a state of the machine, not a bug.</summary>
    internal static StorageProblem? ProblemOf(SqliteException e) => e.SqliteErrorCode switch
    {
        13 => StorageProblem.Full,                  // SQLITE_FULL
        8 or 10 or 14 => StorageProblem.Unwritable, // SQLITE_READONLY, SQLITE_IOERR, SQLITE_CANTOPEN
        11 or 26 => StorageProblem.Unusable,        // SQLITE_CORRUPT, SQLITE_NOTADB
        _ => null,
    };
}
