using System.Globalization;
using AnonymousBoard.Tests.Support;
using Npgsql;

namespace AnonymousBoard.Benchmarks;

/// <summary>What PostgreSQL reports of itself: its processes' CPU, its sessions' time in transactions.</summary>
internal static partial class EnginesBench
{
    private static double PostgresCpu(PostgresCluster cluster)
    {
        var postmaster = cluster.ServerPid;
        var (own, children, _) = BoardProcess.CpuTimeOf(postmaster);
        var total = own + children;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }
            try
            {
                var (childOwn, childChildren, parent) = BoardProcess.CpuTimeOf(pid);
                if (parent == postmaster)
                {
                    total += childOwn + childChildren;
                }
            }
            catch (IOException)
            {
                // The process ended meanwhile: its time is in the postmaster's children's now.
            }
        }
        return total.TotalMilliseconds;
    }

    /// <summary>A database's committed transactions and its sessions' time executing and idle inside a transaction, from pg_stat_database.</summary>
    private static (long Commits, double ActiveMs, double IdleInTransactionMs) Sessions(PostgresCluster cluster, string database)
    {
        using var connection = new NpgsqlConnection(cluster.ConnectionString("postgres"));
        connection.Open();
        using var command = new NpgsqlCommand("SELECT xact_commit, active_time, idle_in_transaction_time FROM pg_stat_database WHERE datname = @database", connection);
        command.Parameters.AddWithValue("database", database);
        using var reader = command.ExecuteReader();
        return reader.Read() ? (reader.GetInt64(0), reader.GetDouble(1), reader.GetDouble(2)) : default;
    }

    private static void Admin(PostgresCluster cluster, string sql)
    {
        using var connection = new NpgsqlConnection(cluster.ConnectionString("postgres"));
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }
}
