using System.Globalization;
using Npgsql;

namespace AnonymousBoard.Storage.Postgres;

/// <summary>
/// The board's PostgreSQL database (Board:Database): a bounded pool of connections, and the schema
/// brought up to date from the numbered scripts beside this file, numbered as SQLite's are. Several
/// board instances may share it; they take turns migrating, and writing (<see cref="PostgresUnitOfWork"/>).
/// </summary>
public sealed class PostgresDatabase : IDisposable
{
    /// <summary>The advisory-lock key every instance's writers and migrations take turns on ("ANON").</summary>
    internal const long WriteLockKey = 0x414E4F4E;

    public PostgresDatabase(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        // Bounded unless the operator says otherwise: a stalled server must not let requests open connections without end.
        if (!HasSetting(connectionString, "Maximum Pool Size", "MaxPoolSize", "Max Pool Size"))
        {
            builder.MaxPoolSize = 32;
        }
        // A board whose database is away says so in seconds rather than holding the poster for Npgsql's default 15.
        if (!HasSetting(connectionString, "Timeout"))
        {
            builder.Timeout = 5;
        }
        Name = $"PostgreSQL database \"{builder.Database}\" on {builder.Host}";
        DataSource = NpgsqlDataSource.Create(builder.ConnectionString);
    }

    /// <summary>What messages call the database (never its password).</summary>
    public string Name { get; }

    internal NpgsqlDataSource DataSource { get; }

    /// <summary>This process among the instances sharing the database: it does not need to hear its own changes.</summary>
    internal Guid Instance { get; } = Guid.NewGuid();

    /// <summary>
    /// One writer at a time inside this instance: a second waits here for its turn rather than
    /// holding a pooled connection while it waits for the database-wide lock.
    /// </summary>
    internal Lock WriteLock { get; } = new();

    private static bool HasSetting(string connectionString, params string[] names) =>
        connectionString.Split(';').Select(p => p.Split('=')[0].Trim())
            .Any(key => names.Any(n => string.Equals(key, n, StringComparison.OrdinalIgnoreCase)));

    public static int LatestVersion => Migrations().Max(m => m.Version);

    /// <summary>Applies every script newer than the database's version, one instance at a time.</summary>
    /// <exception cref="StorageException">The server cannot be reached, or the database is another program's or newer; it was not changed.</exception>
    public void Migrate() => PostgresUnitOfWork.Translated(() =>
    {
        using var connection = DataSource.OpenConnection();
        Execute(connection, $"SELECT pg_advisory_lock({WriteLockKey})");
        try
        {
            var current = Version(connection);
            foreach (var (version, sql) in Migrations().Where(m => m.Version > current))
            {
                using var tx = connection.BeginTransaction();
                Execute(connection, sql, tx);
                // The version is an integer parsed from a resource name, never input.
                Execute(connection, $"UPDATE anonymousboard_schema SET version = {version}", tx);
                tx.Commit();
            }
        }
        finally
        {
            Execute(connection, $"SELECT pg_advisory_unlock({WriteLockKey})");
        }
        return true;
    });

    /// <summary>The schema's version, made 0 on an empty database; refuses one that holds tables of some other program, or a newer schema.</summary>
    private static int Version(NpgsqlConnection connection)
    {
        if (Scalar(connection, "SELECT to_regclass('anonymousboard_schema')::text") is null or DBNull)
        {
            var tables = Convert.ToInt64(Scalar(connection, "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()"), CultureInfo.InvariantCulture);
            if (tables > 0)
            {
                throw new StorageException(StorageProblem.Unusable,
                    "The database holds tables but no AnonymousBoard schema version: it belongs to another program; refusing to touch it. Give the board an empty database of its own.");
            }
            Execute(connection, "CREATE TABLE anonymousboard_schema (version bigint NOT NULL); INSERT INTO anonymousboard_schema VALUES (0);");
            return 0;
        }
        var version = Convert.ToInt32(Scalar(connection, "SELECT version FROM anonymousboard_schema"), CultureInfo.InvariantCulture);
        if (version > LatestVersion)
        {
            throw new StorageException(StorageProblem.Unusable,
                $"The database is at schema version {version}, newer than this program knows ({LatestVersion}); refusing to touch it.");
        }
        return version;
    }

    private static IEnumerable<(int Version, string Sql)> Migrations() => Sql.MigrationScripts.Embedded("AnonymousBoard.Storage.Postgres.Migrations.");

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100", Justification = "Only SQL text written in this class or its scripts reaches here; no input.")]
    internal static void Execute(NpgsqlConnection connection, string sql, NpgsqlTransaction? tx = null)
    {
        using var command = new NpgsqlCommand(sql, connection, tx);
        command.ExecuteNonQuery();
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100", Justification = "Only SQL text written in this class reaches here; no input.")]
    private static object? Scalar(NpgsqlConnection connection, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection);
        return command.ExecuteScalar();
    }

    public void Dispose() => DataSource.Dispose();
}
