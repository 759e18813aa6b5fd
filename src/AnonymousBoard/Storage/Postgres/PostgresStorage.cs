using System.Collections;
using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using System.Reflection;
using AnonymousBoard.Storage.Sql;
using Dapper;
using Npgsql;

namespace AnonymousBoard.Storage.Postgres;

/// <summary>Units of work on the board's PostgreSQL database.</summary>
public sealed class PostgresStorage(PostgresDatabase database, IEnumerable<ICommitListener> listeners, TimeProvider time) : IStorage
{
    public UnitOfWork Write() => PostgresUnitOfWork.Begin(database, listeners, time, write: true);

    public UnitOfWork Read() => PostgresUnitOfWork.Begin(database, listeners, time, write: false);

    public void Migrate() => database.Migrate();

    public string Name => database.Name;
}

/// <summary>
/// A connection and its transaction. Writes take turns across every instance on the database (a
/// transaction-scoped advisory lock), as SQLite's writers do in one process: post numbers come out
/// unique and in order, and the moderation log stays one chain, whichever instance writes. A read is
/// one snapshot (REPEATABLE READ) and takes no lock. PostgreSQL's errors become <see cref="StorageException"/> here.
/// </summary>
public sealed class PostgresUnitOfWork : SqlUnitOfWork
{
    private readonly NpgsqlConnection _connection;
    private readonly Guid? _announce;

    private PostgresUnitOfWork(NpgsqlConnection connection, NpgsqlTransaction transaction, Lock? writeLock, Guid? announce,
        IEnumerable<ICommitListener> listeners, TimeProvider time) : base(connection, transaction, writeLock, listeners, time)
    {
        _connection = connection;
        _announce = announce;
    }

    internal static PostgresUnitOfWork Begin(PostgresDatabase database, IEnumerable<ICommitListener> listeners, TimeProvider time, bool write)
    {
        var writeLock = write ? database.WriteLock : null;
        writeLock?.Enter();
        NpgsqlConnection? connection = null;
        try
        {
            connection = Translated(database.DataSource.OpenConnection);
            var transaction = Translated(() => connection.BeginTransaction(write ? IsolationLevel.ReadCommitted : IsolationLevel.RepeatableRead));
            if (write)
            {
                Translated(() => connection.Execute($"SELECT pg_advisory_xact_lock({PostgresDatabase.WriteLockKey})", transaction: transaction));
            }
            return new PostgresUnitOfWork(connection, transaction, writeLock, write ? database.Instance : null, listeners, time);
        }
        catch
        {
            connection?.Dispose();
            writeLock?.Exit();
            throw;
        }
    }

    internal static new PostgresUnitOfWork Of(UnitOfWork work) =>
        work as PostgresUnitOfWork ?? throw new ArgumentException("A PostgreSQL store needs a PostgreSQL unit of work.", nameof(work));

    /// <summary>For <c>migrate --to</c>'s binary COPY, which runs inside this transaction.</summary>
    internal NpgsqlConnection NpgsqlConnection => _connection;

    /// <summary>
    /// Runs <paramref name="query"/> and stops it once it has run for <paramref name="budget"/>;
    /// null then. The timeout is the transaction's own (SET LOCAL), so the pooled connection keeps none.
    /// </summary>
    internal T? WithinBudget<T>(TimeSpan budget, Func<T> query) where T : class
    {
        Execute($"SET LOCAL statement_timeout = {(long)Math.Max(1, budget.TotalMilliseconds)}");
        try
        {
            return query();
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.QueryCanceled)
        {
            return null;
        }
    }

    /// <summary>Flags go to PostgreSQL as 0 and 1, the integers its columns hold (as SQLite's do); everything else as it is.</summary>
    protected override object? Bind(object? parameters) => parameters switch
    {
        null or SqlMapper.IDynamicParameters or string => parameters,
        IEnumerable many when many.Cast<object>().FirstOrDefault() is { } first && !ReferenceEquals(BindOne(first), first) =>
            many.Cast<object>().Select(BindOne).ToList(),
        IEnumerable => parameters,
        _ => BindOne(parameters),
    };

    private static readonly ConcurrentDictionary<Type, PropertyInfo[]?> FlagTypes = new();

    private static object BindOne(object parameters)
    {
        // Only the types that carry a flag are rebuilt; the rest go to Dapper untouched.
        var properties = FlagTypes.GetOrAdd(parameters.GetType(), type =>
        {
            var all = type.GetProperties(BindingFlags.Public | BindingFlags.Instance);
            return all.Any(p => p.PropertyType == typeof(bool) || p.PropertyType == typeof(bool?)) ? all : null;
        });
        if (properties is null)
        {
            return parameters;
        }
        var bound = new DynamicParameters();
        foreach (var property in properties)
        {
            var value = property.GetValue(parameters);
            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            bound.Add(property.Name, value is bool flag ? (flag ? 1L : 0L) : value, TypeOf(type));
        }
        return bound;
    }

    private static DbType? TypeOf(Type type) =>
        type == typeof(bool) || type == typeof(long) ? DbType.Int64
        : type == typeof(int) ? DbType.Int32
        : type == typeof(string) ? DbType.String
        : type == typeof(byte[]) ? DbType.Binary
        : type == typeof(double) ? DbType.Double
        : null;

    protected override void CommitTransaction()
    {
        // Announced inside the transaction: PostgreSQL delivers it to the other instances if and only if this commits.
        if (_announce is not null && Pending() is { IsEmpty: false } changes)
        {
            Execute("SELECT pg_notify(@channel, @payload)", new { channel = ChangeFeed.Channel, payload = ChangeFeed.Payload(_announce.Value, changes) });
        }
        base.CommitTransaction();
    }

    protected override T Translate<T>(Func<T> work) => Translated(work);

    internal static T Translated<T>(Func<T> work)
    {
        try
        {
            return work();
        }
        catch (NpgsqlException e) when (ProblemOf(e) is { } problem)
        {
            throw new StorageException(problem, e.Message, e);
        }
        catch (InvalidOperationException e) when (e.InnerException is NpgsqlException inner && ProblemOf(inner) is { } problem)
        {
            throw new StorageException(problem, inner.Message, e);
        }
    }

    /// <summary>PostgreSQL's errors that are a state of the machine (the server away, its disk full), not a bug.</summary>
    internal static StorageProblem? ProblemOf(NpgsqlException e) => e switch
    {
        PostgresException { SqlState: "53100" } => StorageProblem.Full,                         // disk_full
        PostgresException { SqlState: "XX001" or "XX002" } => StorageProblem.Unusable,          // data_corrupted, index_corrupted
        PostgresException p when p.SqlState.StartsWith("08", StringComparison.Ordinal)           // connection exceptions
            || p.SqlState.StartsWith("53", StringComparison.Ordinal)                             // insufficient resources
            || p.SqlState.StartsWith("57P", StringComparison.Ordinal)                            // the server shutting down or starting
            || p.SqlState == "25006" => StorageProblem.Unwritable,                               // read-only (a standby)
        PostgresException => null,                                                                // a bug or a constraint: not a state of the machine
        _ => StorageProblem.Unwritable,                                                           // no answer: the server is away, or the pool exhausted
    };
}
