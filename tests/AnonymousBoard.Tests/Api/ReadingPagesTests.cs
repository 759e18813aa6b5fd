using System.Net;
using AnonymousBoard.Tests.Support;

namespace AnonymousBoard.Tests.Api;

/// <summary>The archive page and the feeds as the pages offer them (a link in the head for feed readers, and a visible one).</summary>
public sealed class ReadingPagesTests(ReadingBoard board) : IClassFixture<ReadingBoard>
{
    private readonly WebBrowser _browser = board.Server.Browser();

    [Fact]
    public async Task The_archive_lists_archived_threads_which_stay_readable()
    {
        var index = await _browser.Get("/b/");
        var archiveLink = index.Document.QuerySelectorAll(".board-nav a").Single(a => a.TextContent == "Archive").GetAttribute("href");
        Assert.Equal("/b/archive", archiveLink);
        var archive = await _browser.Get("/b/archive");
        Assert.Equal(HttpStatusCode.OK, archive.Status);
        var rows = archive.Document.QuerySelectorAll("table.archive tbody tr");
        var row = Assert.Single(rows);
        Assert.Equal($"/b/thread/{board.ArchivedThread}", row.QuerySelector("a")!.GetAttribute("href"));
        Assert.Equal("Soon in the archive", row.QuerySelector("a")!.TextContent);
        Assert.Equal(HttpStatusCode.OK, (await _browser.Get($"/b/thread/{board.ArchivedThread}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await _browser.Get("/b/archive?page=2")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await _browser.Get("/b/archive?page=x")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await _browser.Get("/nope/archive")).Status);
    }

    [Fact]
    public async Task Board_and_thread_pages_name_their_feeds()
    {
        var index = await _browser.Get("/b/");
        var heads = index.Document.QuerySelectorAll("link[rel=alternate][type='application/atom+xml']").Select(l => l.GetAttribute("href")).ToList();
        Assert.Equal(["/b/threads.atom", "/b/active.atom"], heads);
        Assert.Contains(index.Document.QuerySelectorAll("a[type='application/atom+xml']"), a => a.GetAttribute("href") == "/b/threads.atom");
        var thread = await _browser.Get($"/b/thread/{board.ImageThread}");
        var threadFeeds = thread.Document.QuerySelectorAll("link[rel=alternate]").Select(l => l.GetAttribute("href")).ToList();
        Assert.Contains($"/b/thread/{board.ImageThread}.atom", threadFeeds);
        Assert.Contains(thread.Document.QuerySelectorAll("a"), a => a.GetAttribute("href") == $"/b/thread/{board.ImageThread}.atom");
        foreach (var href in heads.Concat(threadFeeds))
        {
            Assert.Equal(HttpStatusCode.OK, (await board.Server.Client().GetAsync(new Uri(href!, UriKind.Relative))).StatusCode);
        }
    }
}
