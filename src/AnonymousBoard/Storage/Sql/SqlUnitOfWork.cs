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
    private bool _disposed;

    /// <param name="writeLock">The engine's in-process write lock, already entered for a write; released at disposal.</param>
    protected SqlUnitOfWork(DbConnection connection, DbTransaction transaction, Lock? writeLock, IEnumerable<ICommitListener> listeners)
        : base(listeners)
    {
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
    protected virtual object? Bind(object? parameters) => parameters;

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
