using System.Net;
using AnonymousBoard.Search;
using AnonymousBoard.Tests.Moderation;
using AnonymousBoard.Tests.Support;

namespace AnonymousBoard.Tests.Search;

/// <summary>
/// Search's share of the machine (Search/SearchAdmission.cs) on a board where it is all but used up:
/// one search at a time, no waiting, no burst, and a share so small that after the first search every
/// other is refused. Each answer is then either results or the "search is busy" page (503, with
/// Retry-After and the query kept in the form), never a 500.
/// </summary>
public sealed class SearchBusyTests : IAsyncLifetime
{
    private readonly BoardServer _server = new();

    public async Task InitializeAsync()
    {
        _server.Settings.AddRange(["--Board:Search:Concurrent=1", "--Board:Search:WaitMilliseconds=0", "--Board:Search:BurstMilliseconds=0",
            "--Board:Search:Share=0.000001"]);
        await _server.InitializeAsync();
        await StaffKit.Post(_server, "b", "The quick brown fox jumps over the lazy dog");
    }

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task Many_searches_at_once_get_results_or_the_busy_page_with_their_query_never_a_500()
    {
        var browser = _server.Browser();
        // Each its own query, to see that each refusal keeps its own.
        var queries = Enumerable.Range(0, 16).Select(i => $"quick -zz{i}").ToList();
        var pages = await Task.WhenAll(queries.Select(q => browser.Get($"/b/search?q={Uri.EscapeDataString(q)}")));
        Assert.All(pages, page => Assert.True(page.Status is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, $"{page.Path}: {page.Status}"));
        Assert.Contains(pages, page => page.Status == HttpStatusCode.OK);
        var busy = pages.Where(page => page.Status == HttpStatusCode.ServiceUnavailable).ToList();
        Assert.NotEmpty(busy);
        foreach (var (page, query) in pages.Zip(queries))
        {
            Assert.Equal(query, page.Field("/b/search", "q"));
            if (page.Status == HttpStatusCode.ServiceUnavailable)
            {
                Assert.Equal(SearchService.Busy, page.Document.QuerySelector("[role=alert]")!.TextContent);
                Assert.NotNull(page.Response.Headers.RetryAfter);
            }
        }
    }
}
