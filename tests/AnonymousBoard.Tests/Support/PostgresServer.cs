namespace AnonymousBoard.Tests.Support;

/// <summary>
/// A real PostgreSQL server (Debian's postgresql package, installed by .ci/install-system-packages
/// --tests) for this test run: one cluster initialised in a temporary directory, listening on a unix
/// socket only, started on first use and dropped when the test process ends. Each board gets a
/// database of its own in it.
/// </summary>
public static class PostgresServer
{
    private static readonly Lazy<PostgresCluster> Shared = new(() =>
    {
        var cluster = new PostgresCluster();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.Dispose();
        return cluster;
    });

    /// <summary>A connection string for a new, empty database on the shared server.</summary>
    public static string NewDatabase() => Shared.Value.NewDatabase();
}

/// <summary>
/// The engine this test assembly runs the board on: SQLite here; AnonymousBoard.PostgresTests
/// compiles the same tests with POSTGRES defined, so each board gets a database on <see cref="PostgresServer"/>.
/// </summary>
public static class EngineUnderTest
{
#if POSTGRES
    public static bool Postgres { get; } = true;
#else
    public static bool Postgres { get; }
#endif

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> Databases = new();

    /// <summary>The settings that put the board with <paramref name="dataDirectory"/> on the engine under test (the same database on a restart).</summary>
    public static string[] Settings(string dataDirectory) =>
        Postgres ? [$"--Board:Database={Databases.GetOrAdd(Path.GetFullPath(dataDirectory), _ => PostgresServer.NewDatabase())}"] : [];
}
