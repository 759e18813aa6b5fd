using System.Collections.Concurrent;
using AnonymousBoard.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AnonymousBoard.Benchmarks;

/// <summary>
/// The real board on a loopback port with a fresh data directory, as the tests' BoardServer runs
/// it, plus one route that exists only here: <c>GET /bench/fixed/{name}</c> answers with a fixed
/// byte array. It goes through the same Kestrel, middleware and routing as the pages, so the only
/// difference between the two is the work the page does to produce its bytes.
/// </summary>
public sealed class BenchServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, byte[]> _fixed = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _codings = new(StringComparer.Ordinal);

    public const string HtmlContentType = "text/html; charset=utf-8";

    public string DataDirectory { get; }
    public Uri BaseAddress { get; private set; } = null!;

    private readonly bool _ownsData;

    private BenchServer(WebApplication app, string dataDirectory, bool ownsData)
    {
        _app = app;
        DataDirectory = dataDirectory;
        _ownsData = ownsData;
    }

    /// <param name="dataDirectory">An existing data directory to serve (kept when done); a fresh temporary one (deleted) when null.</param>
    /// <param name="settings">More settings for the board (Board:Database, to serve from PostgreSQL).</param>
    public static async Task<BenchServer> StartAsync(string? dataDirectory = null, IEnumerable<string>? settings = null)
    {
        var ownsData = dataDirectory is null;
        dataDirectory ??= Path.Combine(Path.GetTempPath(), "anonboard-bench-" + Guid.NewGuid().ToString("N"));
        var app = BoardHost.Build([
            "--urls", "http://127.0.0.1:0",
            $"--Board:DataDirectory={dataDirectory}",
            // Seeding posts many similar replies quickly; none of them is a resubmit.
            "--Board:DuplicateWindowSeconds=0",
            // Seeding posts 384 times in a few seconds from one client: the anti-flood gate stays on
            // (every post needs a ticket from its form) but at calm, with no time lock and a board-wide
            // budget that allows it, as the tests run it. Reading is the same at every level.
            "--Board:Gate:TimeLock=false",
            "--Board:Gate:Level=calm",
            "--Board:Gate:CalmPostsPerMinute=100000",
            // A log line per request would be measured too; the shipped default logs only warnings from ASP.NET Core.
            "--Logging:LogLevel:Default=Warning",
            // The fresh temp directory's new, unencrypted key ring is expected here; its warning is not news.
            "--Logging:LogLevel:Microsoft.AspNetCore.DataProtection=Error",
            .. settings ?? [],
        ]);
        var server = new BenchServer(app, dataDirectory, ownsData);
        // Added after Build and before start: WebApplication puts routing around the whole
        // pipeline, so this endpoint sits behind the same middleware as the Razor pages.
        app.MapGet("/bench/fixed/{name}", (string name, HttpContext context) =>
        {
            if (!server._fixed.TryGetValue(name, out var bytes))
            {
                return Results.NotFound();
            }
            // A compressed copy goes with its coding, as the page it copies does.
            if (server._codings.TryGetValue(name, out var coding))
            {
                context.Response.Headers.ContentEncoding = coding;
                context.Response.Headers.Vary = "Accept-Encoding";
            }
            return Results.Bytes(bytes, HtmlContentType);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseAddress = new Uri(address);
        return server;
    }

    /// <summary>Serves <paramref name="bytes"/> (a private copy) at /bench/fixed/<paramref name="name"/>.</summary>
    /// <param name="contentEncoding">The coding <paramref name="bytes"/> are in ("br"), sent as Content-Encoding; null for none.</param>
    public string AddFixed(string name, byte[] bytes, string? contentEncoding = null)
    {
        _fixed[name] = bytes.ToArray();
        if (contentEncoding is not null)
        {
            _codings[name] = contentEncoding;
        }
        return $"/bench/fixed/{name}";
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (!_ownsData)
        {
            return;
        }
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless; the next run uses a new name.
        }
    }
}
