using System.Text;
using System.Text.RegularExpressions;
using AnonymousBoard.Tests.Support;
using Npgsql;

namespace AnonymousBoard.Benchmarks;

/// <summary>The engines benchmark's profile of where posting time goes: perf buckets and PostgreSQL's statements.</summary>
internal static partial class EnginesBench
{
    /// <summary>The profile of one board under the posters, in buckets that follow a post's way through the board.</summary>
    private static async Task<string> Profile(Target target, PostgresCluster cluster, EnginesOptions options)
    {
        var threads = await NewThreads(target, 1000);
        if (target.Postgres)
        {
            Admin(cluster, "SELECT pg_stat_statements_reset()");
        }
        var sessionsBefore = target.Database is { } name ? Sessions(cluster, name) : default;
        var duration = TimeSpan.FromSeconds(options.DurationSeconds);
        var recording = PerfProfile.RecordAsync(target.Instances[0].Pid, duration);
        var run = await Post(target, cluster, options.Posters, threads, duration);
        var profile = await recording;
        var text = new System.Text.StringBuilder();
        text.AppendLine(Invariant($"{target.Name}: {run.PerSecond:0.0} posts/s while sampled; board CPU {run.BoardCpuMs:0.0} ms per post") +
            (target.Postgres ? Invariant($", PostgreSQL CPU {run.PgCpuMs:0.0} ms per post") : "") +
            Invariant($"; {profile.Samples:N0} samples of the board's threads{(target.Instances.Length > 1 ? " (the first instance's; ms per post from both instances' CPU)" : "")}, the most frequent methods of the larger buckets beside:"));
        foreach (var (bucket, share, top) in profile.Split(Buckets, top: 3))
        {
            text.AppendLine(Invariant($"     {share * 100,5:0.0}%  {share * run.BoardCpuMs,5:0.00} ms/post  {bucket}"));
            foreach (var (method, part) in share >= 0.08 ? top : [])
            {
                text.AppendLine(Invariant($"                               {part * 100,5:0.0}%  {method}"));
            }
        }
        if (target.Database is { } database)
        {
            // The sessions' times reach pg_stat_database when a backend goes idle, at most once a second.
            await Task.Delay(TimeSpan.FromSeconds(2));
            var sessions = Sessions(cluster, database);
            var posts = Math.Max(1, run.Posts);
            text.AppendLine(Invariant($"   PostgreSQL's sessions on this database (pg_stat_database): {(sessions.Commits - sessionsBefore.Commits) / (double)posts:0.0} transactions per post; ") +
                Invariant($"per post {(sessions.ActiveMs - sessionsBefore.ActiveMs) / posts:0.00} ms executing statements, {(sessions.IdleInTransactionMs - sessionsBefore.IdleInTransactionMs) / posts:0.00} ms inside a transaction waiting for the board (its round trips and its work between statements)"));
            text.AppendLine("   PostgreSQL's statements (pg_stat_statements; execution time includes waiting for locks):");
            text.Append(Statements(cluster, database, run.Posts));
        }
        Console.Write(text.ToString());
        return text.ToString();
    }

    /// <summary>
    /// A post's way through the board, innermost first where they nest: the first bucket whose test a
    /// sample passes takes it. The POST's own work, then the form's page (the GET before each post),
    /// then what every request shares.
    /// </summary>
    private static readonly (string, Func<string, string[], bool>)[] Buckets =
    [
        ("garbage collection (GC threads)", (thread, _) => thread.StartsWith(".NET Server GC", StringComparison.Ordinal) || thread.StartsWith(".NET BGC", StringComparison.Ordinal) || thread.StartsWith(".NET Background", StringComparison.Ordinal)),
        ("JIT compiling (tiered compilation thread)", (thread, f) => thread.StartsWith(".NET Tiered", StringComparison.Ordinal) || PerfProfile.Has(f, "libclrjit")),
        ("POST: the gate (checking and spending the ticket)", (_, f) => PerfProfile.Has(f, "AdmissionGate::Admit")),
        ("POST: write transaction, SQL (driver, Dapper, engine)", (_, f) => InWrite(f) && PerfProfile.Has(f, "Npgsql", "Microsoft.Data.Sqlite", "sqlite3", "Dapper", "SqlUnitOfWork")),
        ("POST: write transaction, rendering the post's markup", (_, f) => InWrite(f) && PerfProfile.Has(f, "AnonymousBoard.Markup.")),
        ("POST: write transaction, the rest (the batch, the commit and its listeners: page cache)", (_, f) => InWrite(f)),
        ("POST: reading the form, rules, filters, bans, the 303", (_, f) => PerfProfile.Has(f, "PostingPages+<Submit>", "PostingService", "PostRequest")),
        ("form GET: a ticket for the form", (_, f) => PerfProfile.Has(f, "AdmissionGate::IssueTicket")),
        ("form GET: reading the thread from the database to rebuild its page", (_, f) => PerfProfile.Has(f, "BoardReader", "SqlReadingStore")),
        ("form GET: rendering the page (templates, page cache)", (_, f) => PerfProfile.Has(f, "BoardPages", "AnonymousBoard.Reading.", "RazorSlices")),
        ("PostgreSQL change feed, the gate's shared state (other threads)", (_, f) => PerfProfile.Has(f, "ChangeFeed", "GateState")),
        ("HTTP: Kestrel, middleware, sockets (both requests)", (_, f) => PerfProfile.Has(f, "Microsoft.AspNetCore", "System.Net.Sockets", "Kestrel", "AnonymousBoard.Hosting", "AnonymousBoard.Gate.CircuitRateLimit", "sys_sendto", "sys_recvfrom", "tcp_")),
    ];

    /// <summary>Inside the write transaction: the posts of a group commit's batch (GroupCommit) or the post's own write.</summary>
    private static bool InWrite(string[] frames) => PerfProfile.Has(frames, "PostingService::Write(", "GroupCommit");

    /// <summary>The statements on one board's database by total execution time, per post.</summary>
    private static string Statements(PostgresCluster cluster, string database, int posts)
    {
        var text = new System.Text.StringBuilder();
        using var connection = new NpgsqlConnection(cluster.ConnectionString("postgres"));
        connection.Open();
        using var command = new NpgsqlCommand("""
            SELECT s.calls, s.total_exec_time, s.query
            FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
            WHERE d.datname = @database
            ORDER BY s.total_exec_time DESC
            """, connection);
        command.Parameters.AddWithValue("database", database);
        using var reader = command.ExecuteReader();
        var rows = new List<(long Calls, double Ms, string Query)>();
        while (reader.Read())
        {
            rows.Add((reader.GetInt64(0), reader.GetDouble(1), reader.GetString(2)));
        }
        var perPost = Math.Max(1, posts);
        text.AppendLine(Invariant($"     all statements: {rows.Sum(r => r.Ms) / perPost:0.00} ms per post, {rows.Sum(r => r.Calls) / (double)perPost:0.0} statements per post"));
        foreach (var (calls, ms, query) in rows.Take(8))
        {
            var oneLine = Regex.Replace(query, @"\s+", " ");
            text.AppendLine(Invariant($"     {ms / perPost,6:0.00} ms/post {calls / (double)perPost,5:0.0} calls/post  {(oneLine.Length > 90 ? oneLine[..90] + "…" : oneLine)}"));
        }
        return text.ToString();
    }
}
