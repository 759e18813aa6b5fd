using System.Diagnostics;
using System.Globalization;
using AnonymousBoard.Moderation;
using AnonymousBoard.Settings;
using AnonymousBoard.Storage.Sql;
using AnonymousBoard.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace AnonymousBoard.Storage.Postgres;

/// <summary>
/// <c>migrate --to CONNECTION_STRING</c>: copies the board's SQLite database into an empty PostgreSQL
/// database, ids and all, in one transaction, then checks it. The tables and columns are read from
/// both schemas, not listed here, so a column added to both engines is copied without a change here
/// and one added to only one of them stops the copy before it starts.
/// </summary>
public static class MigrateCommand
{
    private const string Help = "usage: migrate --to CONNECTION_STRING   (with the board stopped; e.g. --to \"Host=/run/postgresql;Database=board;Username=board\")";

    public static int Run(CommandContext context, string[] args)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(args);
        string? to = args switch
        {
            ["--to", var value] => value,
            [var one] when one.StartsWith("--to=", StringComparison.Ordinal) => one["--to=".Length..],
            _ => null,
        };
        if (string.IsNullOrWhiteSpace(to))
        {
            return context.Usage(Help);
        }
        if (context.Options.OnPostgres)
        {
            return context.Fail("this board is already on PostgreSQL (Board:Database is set). migrate copies the SQLite database of --Board:DataDirectory: run it without Board:Database.");
        }
        var source = Path.GetFullPath(context.Options.DatabasePath);
        if (!File.Exists(source))
        {
            return context.Fail($"there is no database at {source} to copy (is --Board:DataDirectory right?).");
        }
        if (BackupCommand.InUse(source))
        {
            return context.Fail($"the board is running on {source}; stop it first, so that no post made during the copy is left behind. Nothing was changed.");
        }
        try
        {
            _ = new NpgsqlConnectionStringBuilder(to);
        }
        catch (ArgumentException e)
        {
            return context.Usage($"--to is not a PostgreSQL connection string in Npgsql's form ({e.Message}).\n{Help}");
        }

        using var target = new PostgresDatabase(to);
        try
        {
            // The source is brought to the schema the PostgreSQL scripts mirror, as the board does at start.
            var sqlite = new SqliteDatabase(source);
            sqlite.Migrate();
            return Migrate(context, sqlite, target);
        }
        catch (MigrateRefused e)
        {
            return context.Fail($"{target.Name}: {e.Message}");
        }
        catch (StorageException e)
        {
            return context.Fail($"{target.Name}: {e.Message}");
        }
        catch (NpgsqlException e)
        {
            return context.Fail($"{target.Name}: {e.Message} Nothing was committed.");
        }
        catch (SqliteException e)
        {
            return context.Fail($"{source}: cannot be read ({e.Message}). Nothing was committed to the {target.Name}.");
        }
    }

    private static int Migrate(CommandContext context, SqliteDatabase sqlite, PostgresDatabase target)
    {
        var clock = Stopwatch.StartNew();
        // Refused before the schema scripts run, so a board's database (or another program's) is left exactly as it was.
        using (var connection = PostgresUnitOfWork.Translated(target.DataSource.OpenConnection))
        {
            RefuseIfOccupied(connection);
        }
        target.Migrate();

        var storage = new PostgresStorage(target, [], TimeProvider.System);
        var counts = new List<(string Table, long Rows)>();
        IReadOnlyList<LogEntry> log;
        string[] skipped;
        // One transaction holding the board's write lock: no instance started on the target meanwhile can write between the check and the copy.
        using (var work = (PostgresUnitOfWork)storage.Write())
        {
            RefuseIfOccupied(work.NpgsqlConnection);
            using var lite = sqlite.Open();
            // One snapshot of the source for every table. BEGIN by hand rather than BeginTransaction(),
            // which would make every command below carry the transaction object.
            SqliteDatabase.Execute(lite, "BEGIN DEFERRED;");
            (var tables, skipped) = TableCopy.Schemas(lite, work.NpgsqlConnection);
            foreach (var table in tables)
            {
                var copied = TableCopy.Copy(lite, work.NpgsqlConnection, table);
                var inSource = TableCopy.Count(lite, table.Name);
                var inTarget = work.One<long>($"SELECT count(*) FROM {TableCopy.Quote(table.Name)}");
                if (copied != inSource || inTarget != inSource)
                {
                    throw new MigrateRefused($"{table.Name}: {inSource} rows in SQLite, {copied} copied, {inTarget} in PostgreSQL. Nothing was committed.");
                }
                counts.Add((table.Name, inTarget));
            }
            TableCopy.ResetIdentities(work);
            log = CheckLog(context, sqlite, work);
            work.Commit();
        }

        // What the board will serve as /modlog.txt, read back after the commit through its own reader, verifies with the board's key.
        if (log.Count > 0)
        {
            var key = ModLogKey.LoadOrCreate(context.Options.DataDirectory);
            var served = ModLogVerifier.Verify(ModLogVerifier.Parse(new ModLogReader(storage, new SqlModLogStore(), key).Export()), key.PublicKeyHex);
            if (!served.Ok)
            {
                return context.Fail($"{target.Name}: the copy was committed but its moderation log does not verify at entry {served.Seq}: {served.Message}");
            }
        }

        var o = context.Out;
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"migrated {sqlite.Path} to the {target.Name} in {clock.Elapsed.TotalSeconds:0.0} s, in one transaction:"));
        foreach (var (table, rows) in counts)
        {
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {table,-16} {rows,9} rows (the same in both)"));
        }
        if (skipped.Length > 0)
        {
            o.WriteLine($"  not copied: {string.Join(", ", skipped)} (SQLite's full-text index; PostgreSQL indexes the posts' text itself)");
        }
        o.WriteLine(log.Count == 0
            ? "moderation log: empty"
            : string.Create(CultureInfo.InvariantCulture, $"moderation log: {log.Count} entries, the chain and every signature verified on PostgreSQL; head {log[^1].Hash}"));
        o.WriteLine("identity sequences set past the largest ids copied.");
        o.WriteLine();
        o.WriteLine("Next:");
        o.WriteLine("  1. Start the board with Board:Database set to the same connection string (--Board:Database=... or the Board__Database");
        o.WriteLine($"     variable) and the same --Board:DataDirectory ({Path.GetFullPath(context.Options.DataDirectory)}): its key files");
        o.WriteLine($"     ({SecureTripcodeFile}, {ModLogKey.FileName}, keys/) and media/ stay there; every instance needs the same ones.");
        o.WriteLine($"  2. Keep {sqlite.Path} until you are satisfied: the board no longer writes to it.");
        return 0;
    }

    private const string SecureTripcodeFile = Identity.SecureTripcode.SecretFileName;

    /// <summary>Refuses a database that holds any row of any table: migrate fills an empty board only.</summary>
    private static void RefuseIfOccupied(NpgsqlConnection connection)
    {
        if (Scalar(connection, "SELECT to_regclass('anonymousboard_schema')::text") is null or DBNull)
        {
            // Tables of another program are refused by PostgresDatabase.Migrate, which says so.
            return;
        }
        var occupied = new List<string>();
        foreach (var table in Strings(connection, "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> 'anonymousboard_schema' ORDER BY table_name"))
        {
            var rows = Convert.ToInt64(Scalar(connection, $"SELECT count(*) FROM {TableCopy.Quote(table)}"), CultureInfo.InvariantCulture);
            if (rows > 0)
            {
                occupied.Add(string.Create(CultureInfo.InvariantCulture, $"{table} ({rows})"));
            }
        }
        if (occupied.Count > 0)
        {
            throw new MigrateRefused($"the database already holds a board: {string.Join(", ", occupied)}. migrate copies into an empty database only (createdb a new one, owned by the board's role). Nothing was changed.");
        }
    }

    /// <summary>
    /// The log as copied, read through the board's own store on both engines: entry for entry the
    /// same as SQLite's, and its chain and signatures verified by the board's verifier with the data
    /// directory's key, before anything is committed.
    /// </summary>
    private static IReadOnlyList<LogEntry> CheckLog(CommandContext context, SqliteDatabase sqlite, PostgresUnitOfWork work)
    {
        var store = new SqlModLogStore();
        var copied = store.ReadAll(work);
        IReadOnlyList<LogEntry> original;
        using (var read = new SqliteStorage(sqlite).Read())
        {
            original = store.ReadAll(read);
        }
        if (!copied.SequenceEqual(original))
        {
            throw new MigrateRefused("the moderation log read back from PostgreSQL differs from SQLite's. Nothing was committed.");
        }
        if (copied.Count == 0)
        {
            return copied;
        }
        if (!File.Exists(Path.Combine(context.Options.DataDirectory, ModLogKey.FileName)))
        {
            throw new MigrateRefused($"the moderation log has {copied.Count} entries but the data directory holds no {ModLogKey.FileName} to check their signatures (is --Board:DataDirectory right?). Nothing was committed.");
        }
        var key = ModLogKey.LoadOrCreate(context.Options.DataDirectory);
        var verdict = ModLogVerifier.Verify(new ModLogCopy(key.PublicKeyHex, copied, null), key.PublicKeyHex);
        if (!verdict.Ok)
        {
            throw new MigrateRefused($"the moderation log does not verify on PostgreSQL at entry {verdict.Seq}: {verdict.Message}. Nothing was committed.");
        }
        return copied;
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100", Justification = "Only SQL text written in this class reaches here; table names from PostgreSQL's catalog, quoted.")]
    private static object? Scalar(NpgsqlConnection connection, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection);
        return command.ExecuteScalar();
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100", Justification = "Only SQL text written in this class reaches here.")]
    private static List<string> Strings(NpgsqlConnection connection, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection);
        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read())
        {
            values.Add(reader.GetString(0));
        }
        return values;
    }
}

/// <summary>What migrate refuses, with the reason an operator reads; nothing was changed.</summary>
internal sealed class MigrateRefused(string message) : Exception(message);
