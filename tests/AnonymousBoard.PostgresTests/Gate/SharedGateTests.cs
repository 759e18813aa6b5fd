using System.Net;
using AnonymousBoard.Tests.Support;

namespace AnonymousBoard.Tests.Gate;

/// <summary>
/// Two instances of the board on one PostgreSQL database and one data directory, as two processes
/// behind one onion address would run: whichever instance answers, a ticket is good once and only
/// once, and the posting level is the same. PostgreSQL only: on SQLite one process serves the board.
/// </summary>
public sealed class SharedGateTests : IAsyncLifetime
{
    // The level is measured, not held (BoardServer holds it at calm by default).
    private static readonly string[] Measured = ["--Board:Gate:Level=auto"];

    private readonly BoardServer _a = new();
    private BoardServer _b = null!;

    public async Task InitializeAsync()
    {
        _a.Settings.AddRange(Measured);
        await _a.InitializeAsync();
        // The same data directory, hence (EngineUnderTest) the same database: a second instance of the same board.
        _b = new BoardServer(_a.DataDirectory);
        _b.Settings.AddRange(Measured);
        await _b.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _b.DisposeAsync();
        await _a.DisposeAsync();
    }

    private static async Task<(HttpResponseMessage Response, Page Page)> Send(BoardServer server, string ticket, string body)
    {
        using var client = server.Client();
        using var form = new FormUrlEncodedContent([new("ticket", ticket), new("subject", "two instances"), new("body", body)]);
        var response = await client.PostAsync(new Uri("/b/post", UriKind.Relative), form);
        return (response, await WebBrowser.Read(response, "/b/post"));
    }

    private static async Task<string> Level(BoardServer server) =>
        (await server.Browser().Get("/b/")).Document.QuerySelector(".gate strong")!.TextContent;

    [Fact]
    public async Task A_ticket_from_one_instance_posts_on_the_other_once_and_is_refused_on_both_after()
    {
        var ticket = await _a.Ticket();

        var (posted, _) = await Send(_b, ticket, "served by A, posted through B");
        Assert.Equal(HttpStatusCode.SeeOther, posted.StatusCode);

        foreach (var server in new[] { _a, _b })
        {
            var (again, page) = await Send(server, ticket, "the same ticket, other text");
            Assert.NotEqual(HttpStatusCode.SeeOther, again.StatusCode);
            Assert.Contains("already", page.Document.QuerySelector("[role=alert]")!.TextContent, StringComparison.OrdinalIgnoreCase);
        }

        // The same form sent again (a double click that reached the other instance) posts nothing new.
        var (resent, _) = await Send(_a, ticket, "served by A, posted through B");
        Assert.Equal(posted.Headers.Location, resent.Headers.Location);
    }

    [Fact]
    public async Task Refusals_on_both_instances_raise_the_level_on_both()
    {
        Assert.Equal("calm", await Level(_a));
        Assert.Equal("calm", await Level(_b));

        // 60 refused attempts, 30 through each instance: each alone saw fewer than the 50 that make the board busy.
        for (var i = 0; i < 30; i++)
        {
            Assert.NotEqual(HttpStatusCode.SeeOther, (await Send(_a, "forged", $"refused {i} on A")).Response.StatusCode);
            Assert.NotEqual(HttpStatusCode.SeeOther, (await Send(_b, "forged", $"refused {i} on B")).Response.StatusCode);
        }

        // Each instance adds its counts to the database and reads the board's back at most once a second.
        var levels = (A: "", B: "");
        for (var wait = 0; wait < 10 && levels != ("busy", "busy"); wait++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(1100));
            levels = (await Level(_a), await Level(_b));
        }
        Assert.Equal(("busy", "busy"), levels);
    }
}
