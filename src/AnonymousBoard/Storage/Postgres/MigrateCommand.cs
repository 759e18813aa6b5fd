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

    /// <summary>What the copy refuses, with the reason an operator reads; nothing was changed.</summary>
    private sealed class Refused(string message) : Exception(message);

    /// <summary>A table as both engines hold it: its columns in PostgreSQL's order, PostgreSQL's type for each, SQLite's key for reading in order.</summary>
    private sealed record Table(string Name, IReadOnlyList<string> Columns, IReadOnlyList<string> Types, IReadOnlyList<string> Key);

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
        catch (Refused e)
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
            (var tables, skipped) = Schemas(lite, work.NpgsqlConnection);
            foreach (var table in tables)
            {
                var copied = Copy(lite, work.NpgsqlConnection, table);
                var inSource = Count(lite, table.Name);
                var inTarget = work.One<long>($"SELECT count(*) FROM {Quote(table.Name)}");
                if (copied != inSource || inTarget != inSource)
                {
                    throw new Refused($"{table.Name}: {inSource} rows in SQLite, {copied} copied, {inTarget} in PostgreSQL. Nothing was committed.");
                }
                counts.Add((table.Name, inTarget));
            }
            ResetIdentities(work);
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
            var rows = Convert.ToInt64(Scalar(connection, $"SELECT count(*) FROM {Quote(table)}"), CultureInfo.InvariantCulture);
            if (rows > 0)
            {
                occupied.Add(string.Create(CultureInfo.InvariantCulture, $"{table} ({rows})"));
            }
        }
        if (occupied.Count > 0)
        {
            throw new Refused($"the database already holds a board: {string.Join(", ", occupied)}. migrate copies into an empty database only (createdb a new one, owned by the board's role). Nothing was changed.");
        }
    }

    /// <summary>
    /// The tables to copy, parents before children (by PostgreSQL's foreign keys), with the columns
    /// both schemas hold; refused when the two disagree on a table or a column, which would otherwise
    /// be dropped or left at its default without a word. Also the SQLite tables left out (full-text search).
    /// </summary>
    private static (IReadOnlyList<Table> Tables, string[] Skipped) Schemas(SqliteConnection lite, NpgsqlConnection pg)
    {
        var all = SqliteStrings(lite, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid");
        var virtualTables = SqliteStrings(lite, "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'");
        // A virtual table's shadow tables (post_search_data, ...) go with it.
        var skipped = all.Where(t => virtualTables.Any(v => t == v || t.StartsWith(v + "_", StringComparison.Ordinal))).ToArray();
        var sourceTables = all.Except(skipped).ToList();

        var targetColumns = new Dictionary<string, List<(string Column, string Type)>>(StringComparer.Ordinal);
        using (var command = new NpgsqlCommand("""
            SELECT table_name, column_name, data_type FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name <> 'anonymousboard_schema'
              AND table_name IN (SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE')
            ORDER BY table_name, ordinal_position
            """, pg))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                var table = reader.GetString(0);
                if (!targetColumns.TryGetValue(table, out var columns))
                {
                    targetColumns[table] = columns = [];
                }
                columns.Add((reader.GetString(1), reader.GetString(2)));
            }
        }

        var problems = new List<string>();
        problems.AddRange(sourceTables.Where(t => !targetColumns.ContainsKey(t)).Select(t => $"table {t} is in SQLite only"));
        // The gate's shared state (tickets, counts) lives only where instances share it, and starts empty.
        problems.AddRange(targetColumns.Keys.Where(t => !sourceTables.Contains(t) && !t.StartsWith("gate_", StringComparison.Ordinal))
            .Select(t => $"table {t} is in PostgreSQL only"));
        var tables = new Dictionary<string, Table>(StringComparer.Ordinal);
        foreach (var name in sourceTables.Where(targetColumns.ContainsKey))
        {
            var sourceColumns = SqliteStrings(lite, "SELECT name FROM pragma_table_info($table) ORDER BY cid", name);
            var target = targetColumns[name];
            problems.AddRange(sourceColumns.Where(c => target.All(t => t.Column != c)).Select(c => $"column {name}.{c} is in SQLite only"));
            problems.AddRange(target.Where(t => !sourceColumns.Contains(t.Column)).Select(t => $"column {name}.{t.Column} is in PostgreSQL only"));
            problems.AddRange(target.Where(t => t.Type is not ("bigint" or "text" or "bytea")).Select(t => $"column {name}.{t.Column} is of type {t.Type}, which migrate does not know how to copy"));
            var key = SqliteStrings(lite, "SELECT name FROM pragma_table_info($table) WHERE pk > 0 ORDER BY pk", name);
            tables[name] = new Table(name, [.. target.Select(t => t.Column)], [.. target.Select(t => t.Type)], key);
        }
        if (problems.Count > 0)
        {
            throw new Refused($"the SQLite and PostgreSQL schemas differ ({string.Join("; ", problems)}); a copy would lose data. Nothing was copied.");
        }
        return (InDependencyOrder(pg, sourceTables, tables), skipped);
    }

    /// <summary>Every table after the tables its foreign keys name; otherwise in SQLite's order of creation.</summary>
    private static List<Table> InDependencyOrder(NpgsqlConnection pg, List<string> creationOrder, Dictionary<string, Table> tables)
    {
        var parents = creationOrder.ToDictionary(t => t, _ => new HashSet<string>(StringComparer.Ordinal), StringComparer.Ordinal);
        using (var command = new NpgsqlCommand("""
            SELECT child.relname, parent.relname FROM pg_constraint c
            JOIN pg_class child ON child.oid = c.conrelid JOIN pg_class parent ON parent.oid = c.confrelid
            WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace
            """, pg))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                var (child, parent) = (reader.GetString(0), reader.GetString(1));
                if (child != parent && parents.TryGetValue(child, out var set))
                {
                    set.Add(parent);
                }
            }
        }
        var ordered = new List<Table>();
        var done = new HashSet<string>(StringComparer.Ordinal);
        while (done.Count < creationOrder.Count)
        {
            var next = creationOrder.FirstOrDefault(t => !done.Contains(t) && parents[t].All(done.Contains))
                ?? throw new Refused("the PostgreSQL schema's foreign keys form a cycle; migrate cannot order the tables. Nothing was copied.");
            done.Add(next);
            ordered.Add(tables[next]);
        }
        return ordered;
    }

    /// <summary>One table by binary COPY, in its key's order (the log's chain must go in by seq); returns the rows copied.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100", Justification = "Table and column names come from the two schemas' catalogs, quoted; no input.")]
    private static long Copy(SqliteConnection lite, NpgsqlConnection pg, Table table)
    {
        var columns = string.Join(", ", table.Columns.Select(Quote));
        using var select = lite.CreateCommand();
        var order = table.Key.Count > 0 ? $" ORDER BY {string.Join(", ", table.Key.Select(Quote))}" : "";
        var sql = $"SELECT {columns} FROM {Quote(table.Name)}{order}";
        select.CommandText = sql;
        using var reader = select.ExecuteReader();
        using var import = pg.BeginBinaryImport($"COPY {Quote(table.Name)} ({columns}) FROM STDIN (FORMAT BINARY)");
        import.Timeout = TimeSpan.FromMinutes(30);
        long rows = 0;
        while (reader.Read())
        {
            import.StartRow();
            for (var i = 0; i < table.Columns.Count; i++)
            {
                if (reader.IsDBNull(i))
                {
                    import.WriteNull();
                    continue;
                }
                switch (table.Types[i])
                {
                    case "bigint": import.Write(reader.GetInt64(i), NpgsqlDbType.Bigint); break;
                    case "text": import.Write(reader.GetString(i), NpgsqlDbType.Text); break;
                    default: import.Write(reader.GetFieldValue<byte[]>(i), NpgsqlDbType.Bytea); break;
                }
            }
            rows++;
        }
        import.Complete();
        return rows;
    }

    /// <summary>Each identity column's sequence continues after the largest id copied, so the board's next row takes a new one.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100", Justification = "Table and column names come from PostgreSQL's catalog, quoted; no input.")]
    private static void ResetIdentities(PostgresUnitOfWork work)
    {
        var identities = work.Query<(string Table, string Column)>(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() AND is_identity = 'YES'");
        foreach (var (table, column) in identities)
        {
            work.One<long>($"SELECT setval(pg_get_serial_sequence(@table, @column), coalesce(max({Quote(column)}), 0) + 1, false) FROM {Quote(table)}",
                new { table = Quote(table), column });
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
            throw new Refused("the moderation log read back from PostgreSQL differs from SQLite's. Nothing was committed.");
        }
        if (copied.Count == 0)
        {
            return copied;
        }
        if (!File.Exists(Path.Combine(context.Options.DataDirectory, ModLogKey.FileName)))
        {
            throw new Refused($"the moderation log has {copied.Count} entries but the data directory holds no {ModLogKey.FileName} to check their signatures (is --Board:DataDirectory right?). Nothing was committed.");
        }
        var key = ModLogKey.LoadOrCreate(context.Options.DataDirectory);
        var verdict = ModLogVerifier.Verify(new ModLogCopy(key.PublicKeyHex, copied, null), key.PublicKeyHex);
        if (!verdict.Ok)
        {
            throw new Refused($"the moderation log does not verify on PostgreSQL at entry {verdict.Seq}: {verdict.Message}. Nothing was committed.");
        }
        return copied;
    }

    private static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100", Justification = "The table name comes from SQLite's catalog, quoted; no input.")]
    private static long Count(SqliteConnection lite, string table)
    {
        using var command = lite.CreateCommand();
        var sql = $"SELECT count(*) FROM {Quote(table)}";
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100", Justification = "Only SQL text written in this class reaches here; the table name is a parameter.")]
    private static List<string> SqliteStrings(SqliteConnection lite, string sql, string? table = null)
    {
        using var command = lite.CreateCommand();
        command.CommandText = sql;
        if (table is not null)
        {
            command.Parameters.AddWithValue("$table", table);
        }
        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read())
        {
            values.Add(reader.GetString(0));
        }
        return values;
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
