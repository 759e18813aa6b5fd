using AnonymousBoard.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace AnonymousBoard.Tests.Support;

/// <summary>
/// The real board on a loopback port with a fresh data directory (a real SQLite file), as an
/// operator would run it. Each test class that uses it as a fixture gets its own board.
/// </summary>
public sealed class BoardServer : IAsyncLifetime
{
    private WebApplication? _app;

    public BoardServer()
        : this(Path.Combine(Path.GetTempPath(), "anonboard-test-" + Guid.NewGuid().ToString("N")))
    {
    }

    /// <summary>A board over an existing data directory: a restart of an earlier one. It deletes nothing it did not make.</summary>
    public BoardServer(string dataDirectory)
    {
        DataDirectory = dataDirectory;
        _ownsData = !Directory.Exists(dataDirectory);
    }

    private readonly bool _ownsData;

    public string DataDirectory { get; }
    public Uri BaseAddress { get; private set; } = null!;
    public IServiceProvider Services => _app!.Services;

    /// <summary>Extra command-line settings, e.g. "--Board:DuplicateWindowSeconds=0".</summary>
    public List<string> Settings { get; } = [];

    public async Task InitializeAsync()
    {
        // The gate stays on (tickets, budgets), held at calm with no time lock so tests need not wait.
        _app = BoardHost.Build(["--urls", "http://127.0.0.1:0", $"--Board:DataDirectory={DataDirectory}", "--Logging:LogLevel:Default=Warning",
            "--Board:Gate:TimeLock=false", "--Board:Gate:Level=calm", "--Board:Gate:CalmPostsPerMinute=100000",
            "--Board:Gate:CalmReportsPerMinute=100000", .. EngineUnderTest.Settings(DataDirectory), .. Settings]);
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First(a => !a.Contains("unix:", StringComparison.Ordinal));
        BaseAddress = new Uri(address);
    }

    /// <summary>A client that, like a browser without JavaScript, sees every redirect itself.</summary>
    public HttpClient Client() => new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = BaseAddress };

    public WebBrowser Browser() => new(Client());

    /// <summary>A fresh posting ticket for <paramref name="board"/>, as a script gets one: from the form.</summary>
    public async Task<string> Ticket(string board = "b")
    {
        var page = await Browser().Get($"/{board}/");
        return page.Field($"/{board}/post", "ticket") ?? throw new InvalidOperationException("The form has no ticket.");
    }

    /// <summary>A browser that keeps cookies, as a staff member's does (public pages must not need one).</summary>
    public WebBrowser StaffBrowser() =>
        new(new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new System.Net.CookieContainer() })
        {
            BaseAddress = BaseAddress,
        });

    /// <summary>Runs a subcommand with <paramref name="input"/> on its standard input (e.g. --password-stdin).</summary>
    public (int Code, string Output) RunCliWithInput(string input, params string[] args)
    {
        var output = new StringWriter();
        var code = Commands.Run([.. args, $"--Board:DataDirectory={DataDirectory}", .. EngineUnderTest.Settings(DataDirectory)], output, output, new StringReader(input));
        Services.GetRequiredService<AnonymousBoard.Boards.BoardDirectory>().Invalidate();
        return (code, output.ToString());
    }

    /// <summary>Runs a command-line subcommand against this board's data directory, as an operator would.</summary>
    public (int Code, string Output) RunCli(params string[] args)
    {
        var output = new StringWriter();
        var code = Commands.Run([.. args, $"--Board:DataDirectory={DataDirectory}", .. EngineUnderTest.Settings(DataDirectory)], output, output, TextReader.Null);
        // The running board rereads its board list every few seconds; a test need not wait.
        Services.GetRequiredService<AnonymousBoard.Boards.BoardDirectory>().Invalidate();
        return (code, output.ToString());
    }

    public async Task DisposeAsync()
    {
        // This board's pool only: clearing every pool raced with other boards of the run opening theirs
        // ("Cannot access a disposed object: SQLitePCL.sqlite3").
        var database = _app?.Services.GetService<AnonymousBoard.Storage.Sqlite.SqliteDatabase>();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        database?.ClearPool();
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
