using AnonymousBoard.Boards;
using AnonymousBoard.Markup;
using AnonymousBoard.Media;
using AnonymousBoard.Moderation;
using AnonymousBoard.Posting;
using AnonymousBoard.Reading;
using AnonymousBoard.Removal;
using AnonymousBoard.Settings;
using AnonymousBoard.Storage;
using AnonymousBoard.Storage.Postgres;
using AnonymousBoard.Storage.Sql;
using AnonymousBoard.Storage.Sqlite;

namespace AnonymousBoard.Hosting;

/// <summary>
/// The services the web board and the command-line subcommands share: the storage engine, each
/// feature's store, and the features' rules that work inside a unit of work. The one place an
/// engine is chosen.
/// </summary>
public static class Composition
{
    public static IServiceCollection AddBoardStorage(this IServiceCollection services, BoardOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton(TimeProvider.System);
        // Listeners are looked up at the first commit, not now: some of them read through the storage themselves.
        if (options.OnPostgres)
        {
            // Made by a factory, so the container disposes it (and closes its pooled connections) with the board.
            services.AddSingleton(_ => new PostgresDatabase(options.Database!));
            services.AddSingleton<IStorage>(sp => new PostgresStorage(sp.GetRequiredService<PostgresDatabase>(), Listeners(sp), sp.GetRequiredService<TimeProvider>()));
            services.AddSingleton<Search.ISearchStore, PostgresSearchStore>();
            // Other instances' writes reach this one's page cache and board list.
            services.AddHostedService(sp => new ChangeFeed(sp.GetRequiredService<PostgresDatabase>(), () => Listeners(sp),
                sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<ChangeFeed>>()));
            // Several instances may serve one board: tickets, spent tickets and the flood level's counts are shared in the database.
            services.AddSingleton<Gate.IGateStore>(sp => new PostgresGateStore(sp.GetRequiredService<PostgresDatabase>(), sp.GetRequiredService<TimeProvider>()));
        }
        else
        {
            // Made by a factory, so the container disposes it with the board: a clean stop leaves the note that spares the next start a full check.
            services.AddSingleton(_ => new SqliteDatabase(options.DatabasePath));
            services.AddSingleton<IStorage>(sp => new SqliteStorage(sp.GetRequiredService<SqliteDatabase>(), Listeners(sp), sp.GetRequiredService<TimeProvider>()));
            services.AddSingleton<Search.ISearchStore, SqliteSearchStore>();
            // One process serves a SQLite board: the gate keeps its state in memory.
            services.AddSingleton<Gate.IGateStore, Gate.MemoryGateStore>();
        }
        services.AddSingleton<IBoardsStore, SqlBoardsStore>();
        services.AddSingleton<IReadingStore, SqlReadingStore>();
        services.AddSingleton<IPostingStore, SqlPostingStore>();
        services.AddSingleton<IRemovalStore, SqlRemovalStore>();
        services.AddSingleton<Identity.ISignedPostStore, SqlSignedPostStore>();
        services.AddSingleton<IMarkupStore, SqlMarkupStore>();
        services.AddSingleton<IMediaStore, SqlMediaStore>();
        services.AddSingleton<IStaffStore, SqlStaffStore>();
        services.AddSingleton<IStaffSessionStore, SqlStaffSessionStore>();
        services.AddSingleton<IModLogStore, SqlModLogStore>();
        services.AddSingleton<IPostActionStore, SqlPostActionStore>();
        services.AddSingleton<IThreadMoveStore, SqlThreadMoveStore>();
        services.AddSingleton<IReportStore, SqlReportStore>();
        services.AddSingleton<IBanStore, SqlBanStore>();
        services.AddSingleton<Gate.IActiveBanStore, SqlBanStore>();
        services.AddSingleton<IFilterStore, SqlFilterStore>();
        services.AddSingleton<Gate.IFilterRuleStore, SqlFilterStore>();
        services.AddSingleton<IBoardPolicyStore, SqlBoardPolicyStore>();
        services.AddSingleton<IPosterIdentityStore, SqlPosterIdentityStore>();
        services.AddSingleton(sp => ModLogKey.LoadOrCreate(options.DataDirectory));

        services.AddSingleton<BoardDirectory>();
        services.AddSingleton<ICommitListener>(sp => sp.GetRequiredService<BoardDirectory>());
        services.AddSingleton(_ => new PageCache(Microsoft.Extensions.Options.Options.Create(options)));
        services.AddSingleton<ICommitListener>(sp => sp.GetRequiredService<PageCache>());
        services.AddSingleton<BoardReader>();
        services.AddSingleton<ReadDocuments>();
        services.AddSingleton<PostRendering>();
        services.AddSingleton<PostRemoval>();
        services.AddSingleton<ModLogWriter>();
        services.AddSingleton<ModLogReader>();
        services.AddSingleton<StaffAccounts>();
        return services;
    }

    /// <summary>Every listener, resolved when first enumerated (at a commit).</summary>
    private static IEnumerable<ICommitListener> Listeners(IServiceProvider services)
    {
        foreach (var listener in services.GetServices<ICommitListener>())
        {
            yield return listener;
        }
    }
}
