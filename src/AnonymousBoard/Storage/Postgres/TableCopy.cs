using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace AnonymousBoard.Storage.Postgres;

/// <summary>
/// Migrate's rows: the tables both schemas hold, matched column for column and ordered parents first,
/// each copied by binary COPY in its key's order.
/// </summary>
internal static class TableCopy
{
    /// <summary>A table as both engines hold it: its columns in PostgreSQL's order, PostgreSQL's type for each, SQLite's key for reading in order.</summary>
    internal sealed record Table(string Name, IReadOnlyList<string> Columns, IReadOnlyList<string> Types, IReadOnlyList<string> Key);

    /// <summary>
    /// The tables to copy, parents before children (by PostgreSQL's foreign keys), with the columns
    /// both schemas hold; refused when the two disagree on a table or a column, which would otherwise
    /// be dropped or left at its default without a word. Also the SQLite tables left out (full-text search).
    /// </summary>
    internal static (IReadOnlyList<Table> Tables, string[] Skipped) Schemas(SqliteConnection lite, NpgsqlConnection pg)
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
            throw new MigrateRefused($"the SQLite and PostgreSQL schemas differ ({string.Join("; ", problems)}); a copy would lose data. Nothing was copied.");
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
                ?? throw new MigrateRefused("the PostgreSQL schema's foreign keys form a cycle; migrate cannot order the tables. Nothing was copied.");
            done.Add(next);
            ordered.Add(tables[next]);
        }
        return ordered;
    }

    /// <summary>One table by binary COPY, in its key's order (the log's chain must go in by seq); returns the rows copied.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100", Justification = "Table and column names come from the two schemas' catalogs, quoted; no input.")]
    internal static long Copy(SqliteConnection lite, NpgsqlConnection pg, Table table)
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
    internal static void ResetIdentities(PostgresUnitOfWork work)
    {
        var identities = work.Query<(string Table, string Column)>(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() AND is_identity = 'YES'");
        foreach (var (table, column) in identities)
        {
            work.One<long>($"SELECT setval(pg_get_serial_sequence(@table, @column), coalesce(max({Quote(column)}), 0) + 1, false) FROM {Quote(table)}",
                new { table = Quote(table), column });
        }
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100", Justification = "The table name comes from SQLite's catalog, quoted; no input.")]
    internal static long Count(SqliteConnection lite, string table)
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

    internal static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
