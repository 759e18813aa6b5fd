using Microsoft.Playwright;

namespace AnonymousBoard.Tests.Clients;

/// <summary>
/// Debian's Chromium, driven by Playwright, started once for all client tests. Playwright cannot
/// download its own browser here, so it is pointed at the system one.
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var executable = ClientTools.Chromium;
        _playwright = await Playwright.CreateAsync();
        // Playwright gives the browser a fresh temporary profile (--user-data-dir) of its own.
        Browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = executable,
            Headless = true,
            Timeout = 60_000,
            Args =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
            ],
        });
    }

    /// <summary>
    /// A reader as on Tor Browser's Safest level: JavaScript off. Each call is a new, empty profile
    /// (no cookies, no cache), like a new Tor Browser identity.
    /// </summary>
    public Task<IBrowserContext> Reader(Uri board, ColorScheme scheme = ColorScheme.Light) =>
        Browser.NewContextAsync(new()
        {
            BaseURL = board.ToString(),
            JavaScriptEnabled = false,
            ColorScheme = scheme,
            ViewportSize = new() { Width = 1000, Height = 800 },
            Locale = "en-US",
            TimezoneId = "UTC",
        });

    /// <summary>
    /// A context where scripts run and the board's CSP is set aside: only for the test's own
    /// checkers (axe-core) looking at a copy of a page, never for the board's pages as served.
    /// </summary>
    public Task<IBrowserContext> Inspector(Uri board, ColorScheme scheme) =>
        Browser.NewContextAsync(new()
        {
            BaseURL = board.ToString(),
            JavaScriptEnabled = true,
            BypassCSP = true,
            ColorScheme = scheme,
            ViewportSize = new() { Width = 1000, Height = 800 },
        });

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }
        _playwright?.Dispose();
    }
}

/// <summary>
/// The client tests share one Chromium and one sample board, and run one after another: two cores
/// are enough for a browser, a checker and a server, not for several of each.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ClientSuite : ICollectionFixture<Chromium>, ICollectionFixture<SampleBoard>
{
    public const string Name = "Clients";
}
