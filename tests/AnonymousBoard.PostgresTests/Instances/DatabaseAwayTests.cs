using System.Net;
using AnonymousBoard.Tests.Support;
using Npgsql;

namespace AnonymousBoard.Tests.Instances;

/// <summary>
/// The PostgreSQL server goes away under a running board (stopped at once, as a crash or a pulled
/// cable would) and comes back: on a cluster of this test's own, so no other test's board notices.
/// </summary>
public sealed class DatabaseAwayTests : IAsyncLifetime, IDisposable
{
    private readonly PostgresCluster _cluster = new();
    private BoardServer _server = null!;
    private string _database = "";

    public async Task InitializeAsync()
    {
        _database = _cluster.NewDatabase();
        _server = new BoardServer();
        // Given last, so it wins over the shared server's database the test run would give the board.
        _server.Settings.Add($"--Board:Database={_database}");
        // Search's admission (Search/SearchAdmission.cs) would refuse most of a burst as busy before it reached the
        // pool, the more so on a loaded machine; opened wide here, so that the pool's bound is what the burst meets.
        _server.Settings.AddRange(["--Board:Search:Concurrent=128", "--Board:Search:Share=1", "--Board:Search:BurstMilliseconds=600000",
            "--Board:Search:WaitMilliseconds=120000"]);
        await _server.InitializeAsync();
    }

    public Task DisposeAsync() => _server.DisposeAsync();

    public void Dispose() => _cluster.Dispose();

    [Fact]
    public async Task Posting_is_refused_with_the_text_kept_while_cached_pages_are_served_and_works_again_when_the_server_is_back()
    {
        var browser = _server.Browser();
        var (posted, thread) = await browser.Submit(await browser.Get("/b/"), "/b/post", new Dictionary<string, string?> { ["body"] = "before the outage" });
        Assert.Equal(HttpStatusCode.SeeOther, posted.StatusCode);
        var threadPath = posted.Headers.Location!.OriginalString.Split('#')[0];
        var form = await browser.Get(threadPath);
        Assert.Contains("before the outage", form.Html, StringComparison.Ordinal);

        _cluster.Stop();
        try
        {
            // The cached thread page is still served, form and ticket included.
            var cached = await browser.Get(threadPath);
            Assert.Equal(HttpStatusCode.OK, cached.Status);
            Assert.Contains("before the outage", cached.Html, StringComparison.Ordinal);

            var (refused, page) = await browser.Submit(cached, "/b/post", new Dictionary<string, string?> { ["body"] = "typed during the outage" });
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            var said = System.Text.RegularExpressions.Regex.Replace(page!.Document.Body!.TextContent, @"\s+", " ");
            Assert.True(said.Contains("Not posted: the board cannot write to its storage right now", StringComparison.Ordinal), said);
            Assert.Equal("typed during the outage", page.Document.QuerySelector("textarea[name='body']")!.TextContent);
        }
        finally
        {
            _cluster.Start();
        }

        var again = await browser.Get(threadPath);
        var (accepted, _) = await browser.Submit(again, "/b/post", new Dictionary<string, string?> { ["body"] = "after the outage" });
        Assert.Equal(HttpStatusCode.SeeOther, accepted.StatusCode);
        var after = await browser.Get(threadPath);
        Assert.Contains("after the outage", after.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("typed during the outage", after.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_burst_of_requests_needing_the_database_opens_no_more_connections_than_the_pool_allows()
    {
        using var client = _server.Client();
        // Searches are never cached: each one reads the database.
        var answers = await Task.WhenAll(Enumerable.Range(0, 120).Select(i => client.GetAsync(new Uri($"/b/search?q=word{i}", UriKind.Relative))));
        Assert.All(answers, a => Assert.True(a.StatusCode is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, a.StatusCode.ToString()));

        await using var admin = new NpgsqlConnection(_cluster.ConnectionString("postgres"));
        await admin.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE datname = @name", admin);
        count.Parameters.AddWithValue("name", new NpgsqlConnectionStringBuilder(_database).Database!);
        var connections = (long)(await count.ExecuteScalarAsync())!;
        Assert.InRange(connections, 1, 32);
    }
}
