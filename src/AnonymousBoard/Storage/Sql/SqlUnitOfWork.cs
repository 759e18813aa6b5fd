using System.Data.Common;
using Dapper;

namespace AnonymousBoard.Storage.Sql;

/// <summary>
/// A unit of work on a SQL engine reached through ADO.NET: one connection, one transaction, rows
/// moved by Dapper and mapped by column name. The stores in this folder speak the SQL that SQLite
/// and PostgreSQL share; each engine derives its unit of work from this one and turns its own
/// errors into <see cref="StorageException"/> in <see cref="Translate{T}"/>, so no store sees them.
/// </summary>
public abstract class SqlUnitOfWork : UnitOfWork
{
    private readonly Lock? _writeLock;
    private readonly TimeProvider _time;
    private bool _disposed;

    /// <param name="writeLock">The engine's in-process write lock, already entered for a write; released at disposal.</param>
    protected SqlUnitOfWork(DbConnection connection, DbTransaction transaction, Lock? writeLock, IEnumerable<ICommitListener> listeners,
        TimeProvider time)
        : base(listeners)
    {
        _time = time;
        Connection = connection;
        Transaction = transaction;
        _writeLock = writeLock;
    }

    static SqlUnitOfWork()
    {
        // Rows map to their types by column name: thread_no fills ThreadNo.
        DefaultTypeMap.MatchNamesWithUnderscores = true;
    }

    protected DbConnection Connection { get; }

    protected DbTransaction Transaction { get; }

    /// <summary>The shared stores' unit of work; another engine's cannot be used here.</summary>
    public static SqlUnitOfWork Of(UnitOfWork work) =>
        work as SqlUnitOfWork ?? throw new ArgumentException("A SQL store needs a SQL unit of work.", nameof(work));

    public List<T> Query<T>(string sql, object? parameters = null) =>
        Translate(() => Connection.Query<T>(sql, Bind(parameters), Transaction).AsList());

    public T? First<T>(string sql, object? parameters = null) =>
        Translate(() => Connection.QueryFirstOrDefault<T>(sql, Bind(parameters), Transaction));

    public T One<T>(string sql, object? parameters = null) =>
        Translate(() => Connection.QuerySingle<T>(sql, Bind(parameters), Transaction));

    public int Execute(string sql, object? parameters = null) =>
        Translate(() => Connection.Execute(sql, Bind(parameters), Transaction));

    public bool Exists(string sql, object? parameters = null) =>
        Translate(() => Connection.ExecuteScalar(sql, Bind(parameters), Transaction)) is not null;

    /// <summary>The parameters as the engine takes them (PostgreSQL stores flags as 0 and 1, as SQLite does).</summary>
    protected override void StampChanges(IReadOnlyList<ThreadRef> threads, IReadOnlyList<long> boards)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        // The clock's time, or one past the previous one if the clock has not moved on (CASE: both engines).
        const string Later = "CASE WHEN changed_at + 1 > @now THEN changed_at + 1 ELSE @now END";
        // A deleted or pruned thread has no row left to stamp; its board's time says the board changed.
        foreach (var thread in threads)
        {
            Execute($"UPDATE threads SET changed_at = {Later} WHERE board_id = @BoardId AND no = @ThreadNo", new { now, thread.BoardId, thread.ThreadNo });
        }
        foreach (var board in boards)
        {
            Execute($"UPDATE threads SET changed_at = {Later} WHERE board_id = @board", new { now, board });
        }
        foreach (var board in threads.Select(t => t.BoardId).Concat(boards).Distinct())
        {
            Execute($"UPDATE boards SET changed_at = {Later} WHERE id = @board", new { now, board });
        }
    }

    protected virtual object? Bind(object? parameters) => parameters;

    // Savepoints are the same statements on both engines, and nest.
    protected override void BeginPart() => Execute("SAVEPOINT part");

    protected override void EndPart() => Execute("RELEASE SAVEPOINT part");

    protected override void UndoPart()
    {
        Execute("ROLLBACK TO SAVEPOINT part");
        Execute("RELEASE SAVEPOINT part");
    }

    protected override void CommitTransaction() => Translate(() =>
    {
        Transaction.Commit();
        return true;
    });

    protected sealed override void Dispose(bool disposing)
    {
        if (!disposing || _disposed)
        {
            return;
        }
        _disposed = true;
        try
        {
            Transaction.Dispose();
            Connection.Dispose();
        }
        finally
        {
            _writeLock?.Exit();
        }
    }

    /// <summary>Runs <paramref name="work"/>, turning the engine's errors that are a state of the machine into <see cref="StorageException"/>.</summary>
    protected abstract T Translate<T>(Func<T> work);
}
