using System.Data.Common;
using Dapper;

namespace AnonymousBoard.Storage.Sql;

/// <summary>
/// A unit of work on a SQL engine reached through ADO.NET: one connection, one transaction, rows
/// moved by Dapper and mapped by column name. The stores in this folder speak the SQL that SQLite
/// and PostgreSQL share; each engine derives its unit of work from this one and turns its own
/// errors into <see cref="StorageException"/> in <see cref="Translate{T}"/>, so no store sees them.
/// </summary>
public abstract class SqlUnitOfWork(IEnumerable<ICommitListener> listeners, TimeProvider? time = null) : UnitOfWork(listeners)
{
    static SqlUnitOfWork()
    {
        // Rows map to their types by column name: thread_no fills ThreadNo.
        DefaultTypeMap.MatchNamesWithUnderscores = true;
    }

    protected abstract DbConnection Connection { get; }

    protected abstract DbTransaction Transaction { get; }

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
        var now = (time ?? TimeProvider.System).GetUtcNow().ToUnixTimeMilliseconds();
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

    /// <summary>Runs <paramref name="work"/>, turning the engine's errors that are a state of the machine into <see cref="StorageException"/>.</summary>
    protected abstract T Translate<T>(Func<T> work);
}
