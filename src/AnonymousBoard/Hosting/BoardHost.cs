using System.Net;
using AnonymousBoard.Boards;
using AnonymousBoard.Settings;
using AnonymousBoard.Storage;
using AnonymousBoard.Gate;
using AnonymousBoard.Identity;
using AnonymousBoard.Media;
using AnonymousBoard.Moderation;
using AnonymousBoard.Posting;
using AnonymousBoard.Reading;
using AnonymousBoard.Storage.Sqlite;
using AnonymousBoard.Markup;
using Microsoft.AspNetCore.DataProtection;

namespace AnonymousBoard.Hosting;


/// <summary>Composes the web board: configuration, services, the request pipeline and the routes.</summary>
public static class BoardHost
{
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            // appsettings.json is found beside the program, wherever it is started from.
            ApplicationName = typeof(BoardHost).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        var options = builder.Configuration.GetSection(BoardOptions.Section).Get<BoardOptions>() ?? new BoardOptions();
        options.DataDirectory = Path.GetFullPath(options.DataDirectory);
        ConfigureListening(builder, options);
        // The host's request log says who asked for what (never wanted here), and while it is on at any level the
        // host also opens an Activity and a log scope for every request: a tenth of a cached page's cost.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);

        var services = builder.Services;
        services.Configure<BoardOptions>(o =>
        {
            builder.Configuration.GetSection(BoardOptions.Section).Bind(o);
            o.DataDirectory = options.DataDirectory;
        });
        services.AddBoardStorage(options);
        services.AddSingleton<IdentityService>();
        services.AddSingleton<SignedPosts>();
        var gateOptions = options.Gate.ToOptions();
        var fixedLevel = options.Gate.FixedLevel();
        services.AddSingleton(sp =>
        {
            var gate = new AdmissionGate(gateOptions, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IGateStore>().Open("posts", gateOptions));
            gate.ForceLevel(fixedLevel);
            return gate;
        });
        var reportOptions = options.Gate.ToReportOptions();
        services.AddSingleton(sp =>
        {
            var reports = new AdmissionGate(reportOptions, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IGateStore>().Open("reports", reportOptions));
            reports.ForceLevel(fixedLevel);
            return new ReportGate(reports, sp.GetRequiredService<TimeProvider>());
        });
        services.AddSingleton(sp => new CircuitRateLimiter(new RateLimiterOptions { MaxCircuits = options.Gate.MaxCircuits },
            sp.GetRequiredService<TimeProvider>()));
        services.AddHostedService<GateStats>();
        services.AddSingleton<MediaService>();
        services.AddSingleton<ICommitListener>(sp => sp.GetRequiredService<MediaService>());
        services.AddSingleton<PostingService>();
        services.AddSingleton<GroupCommit>();
        services.AddSingleton<PostForms>();
        services.AddSingleton<IPageForms>(sp => sp.GetRequiredService<PostForms>());
        services.AddSingleton<Api.JsonApi>();
        services.AddSingleton<Feeds.AtomFeeds>();
        services.AddSingleton<Search.SearchService>();
        services.AddSingleton<Search.SearchAdmission>();
        ModLogKey logKey;
        try
        {
            logKey = ModLogKey.LoadOrCreate(options.DataDirectory);
        }
        catch (Exception e) when (e is InvalidOperationException or InvalidDataException or IOException or UnauthorizedAccessException)
        {
            throw new StartupException(e.Message);
        }
        services.AddSingleton(logKey);
        services.AddSingleton<ModPaths>();
        services.AddSingleton<StaffSessions>();
        var mod = options.Moderation;
        services.AddSingleton(sp => new SignInThrottle(sp.GetRequiredService<TimeProvider>(), mod.SignInFailuresPerAccount,
            mod.SignInFailuresGlobal, TimeSpan.FromMinutes(mod.SignInWindowMinutes)));
        services.AddSingleton<Bans>();
        services.AddSingleton<Filters>();
        services.AddSingleton<BoardPolicies>();
        services.AddSingleton<Reports>();
        services.AddSingleton<ThreadMove>();
        services.AddSingleton<PostModeration>();
        services.AddSingleton<BanModeration>();
        services.AddSingleton<FilterModeration>();
        services.AddSingleton<BoardModeration>();
        var modSegment = new ModPaths(Microsoft.Extensions.Options.Options.Create(options)).Segment;
        services.AddRouting(o => o.ConstraintMap["slug"] = typeof(SlugRouteConstraint));
        // Public forms carry no antiforgery token: a cookie would let the server link one reader's
        // posts together. The staff pages (Moderation/StaffPage) check their forms' token themselves.
        services.AddAntiforgery(o =>
        {
            // Sent only to the staff pages, never cross-site, never readable by a page.
            o.Cookie.Name = "ab_staff_af";
            o.Cookie.Path = "/" + modSegment;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.HttpOnly = true;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.FormFieldName = "__staff_token";
            o.SuppressXFrameOptionsHeader = true; // SecurityHeaders sends DENY on every response
        });
        // A request for another host gets a bare 400: the default page would name (and link) a host.
        services.Configure<Microsoft.AspNetCore.HostFiltering.HostFilteringOptions>(o => o.IncludeFailureMessage = false);
        services.AddDataProtection().PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(options.DataDirectory, "keys")));

        var app = builder.Build();
        Start(app.Services, options);

        app.UseSecurityHeaders();
        app.UseCircuitRateLimit();
        app.UseExceptionHandler("/error/500");
        app.UseStatusCodePagesWithReExecute("/error/{0}");
        app.UseRequestLimits();
        app.UseRequestText();
        app.UseStaffSessions();
        Routes.MapEndpoints(app, modSegment);
        return app;
    }

    private static void ConfigureListening(WebApplicationBuilder builder, BoardOptions options)
    {
        var configured = builder.Configuration["urls"];
        var urls = (configured ?? (options.UnixSocket is null ? ListenGuard.DefaultUrl : ""))
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (ListenGuard.Check(urls, options.AllowPublicListen) is { } refusal)
        {
            throw new StartupException(refusal);
        }
        RequestLimits.Check(options.Limits);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            RequestLimits.Apply(kestrel.Limits, options.Limits);
        });
        if (options.UnixSocket is null)
        {
            builder.WebHost.UseUrls(urls);
            return;
        }
        // Explicit endpoints replace --urls in Kestrel, so the TCP ones are added here too.
        var socket = Path.GetFullPath(options.UnixSocket);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            Directory.CreateDirectory(Path.GetDirectoryName(socket)!);
            File.Delete(socket); // left over from a previous run; Kestrel will not bind over it
            // tor starts every connection with a PROXY line naming its circuit: the gate's per-circuit part.
            kestrel.ListenUnixSocket(socket, listen => listen.UseTorCircuitId(requireHeader: options.Gate.RequireCircuitHeader));
            foreach (var url in urls)
            {
                var uri = new Uri(url);
                var address = uri.Host == "localhost" ? IPAddress.Loopback : IPAddress.Parse(uri.Host.Trim('[', ']'));
                kestrel.Listen(address, uri.Port);
            }
        });
    }

    private static readonly Action<ILogger, string, Exception?> NoStaffYet = LoggerMessage.Define<string>(LogLevel.Warning, new EventId(1, "NoStaff"),
        "This board has no staff yet. Add the first admin with: AnonymousBoard staff add NAME --role admin --password-stdin "
        + "(e.g. `printf '%s\\n' \"$PASSWORD\" | dotnet run --project src/AnonymousBoard -- staff add alice --role admin --password-stdin`), "
        + "then sign in at {ModPath}/login.");

    private static readonly Action<ILogger, int, Exception?> SweptFiles = LoggerMessage.Define<int>(LogLevel.Information, new EventId(2, "Swept"),
        "Removed {Count} unused image(s) left by an interrupted run.");

    /// <summary>Opens the database (creating it and board /b/ on first start) before any request.</summary>
    private static void Start(IServiceProvider services, BoardOptions options)
    {
        Directory.CreateDirectory(options.DataDirectory);
        try
        {
            services.GetRequiredService<IStorage>().Migrate();
        }
        catch (StorageException e)
        {
            throw new StartupException($"{services.GetRequiredService<IStorage>().Name}: {e.Message}");
        }
        var boards = services.GetRequiredService<BoardDirectory>();
        if (boards.All.Count == 0)
        {
            using var work = services.GetRequiredService<IStorage>().Write();
            boards.Create(work, "b", "General", "Anything that is not against the rules.", new BoardSettings());
            work.Commit();
        }
        services.GetRequiredService<PostRendering>().RerenderOutdated(services.GetRequiredService<IStorage>());
        // Not on PostgreSQL: the data directory is shared there, and what looks left over may be another
        // instance's upload in flight or an image whose post is about to commit. Leftovers only take space.
        if (!options.OnPostgres && services.GetRequiredService<MediaService>().Sweep() is > 0 and var swept)
        {
            SweptFiles(services.GetRequiredService<ILoggerFactory>().CreateLogger("AnonymousBoard.Media"), swept, null);
        }

        using (var work = services.GetRequiredService<IStorage>().Write())
        {
            services.GetRequiredService<IPosterIdentityStore>().ForgetCircuits(work,
                DateTimeOffset.UtcNow - TimeSpan.FromHours(options.Moderation.CircuitRetentionHours));
            work.Commit();
        }
        if (services.GetRequiredService<StaffAccounts>().Count() == 0)
        {
            // Said at every start until there is someone to moderate the board.
            NoStaffYet(services.GetRequiredService<ILoggerFactory>().CreateLogger("AnonymousBoard.Moderation"),
                new ModPaths(Microsoft.Extensions.Options.Options.Create(options)).Base, null);
        }
    }
}

/// <summary>Route constraint: a board name as <see cref="BoardRules.CheckSlug"/> allows it.</summary>
public sealed class SlugRouteConstraint : IRouteConstraint
{
    public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection) =>
        values.TryGetValue(routeKey, out var value) && value is string slug && BoardRules.CheckSlug(slug) is null;
}
