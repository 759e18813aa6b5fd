using System.Globalization;
using System.Net;
using AnonymousBoard.Tests.Support;

namespace AnonymousBoard.Tests.Clients;

/// <summary>
/// Compressed pages as the clients people use receive them (Site/CompressedPage): Chromium with JavaScript off and
/// lynx read a thread that came compressed, its ticket written uncompressed at the end, and post from its form.
/// </summary>
[Collection(ClientSuite.Name)]
[Trait("Category", "Clients")]
public sealed class CompressedPageScenarios(Chromium chromium, FreshBoard fresh) : IClassFixture<FreshBoard>
{
    private readonly BoardServer board = fresh.Server;

    [Theory]
    [InlineData(null, "br")]            // what Chromium asks for by itself ("gzip, deflate, br, zstd" to a loopback address), as Tor Browser does
    [InlineData("gzip, deflate", "gzip")] // a browser without brotli
    public async Task Chromium_reads_a_compressed_thread_and_replies_from_its_form(string? acceptEncoding, string expected)
    {
        await using var person = await Person.OpenBrowser(chromium, board.BaseAddress);
        if (acceptEncoding is not null)
        {
            await person.Page.Context.SetExtraHTTPHeadersAsync(new Dictionary<string, string> { ["Accept-Encoding"] = acceptEncoding });
        }
        await person.Open("/b/");
        var start = person.Form("Start a new thread");
        await person.Type("Subject", "Squeezed", start);
        await person.Type("Comment", "An opening post, read back compressed.", start);
        await person.Press("Post", start);
        var op = person.PostNumberInAddress();

        var thread = await person.Open($"/b/thread/{op}");
        Assert.Equal(expected, await thread.HeaderValueAsync("content-encoding"));
        Assert.Contains("An opening post, read back compressed.", await person.Post(op).InnerTextAsync(), StringComparison.Ordinal);
        var reply = person.Form($"Reply to thread No. {op}");
        await person.Type("Comment", "A reply sent from a compressed page.", reply);
        await person.Press("Post", reply);

        Assert.StartsWith($"/b/thread/{op}", person.Location, StringComparison.Ordinal);
        var no = person.PostNumberInAddress();
        Assert.NotEqual(op, no);
        Assert.Contains("A reply sent from a compressed page.", await person.Post(no).InnerTextAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lynx_reads_a_gzipped_thread_and_replies_from_its_form()
    {
        var browser = board.Browser();
        var (posted, _) = await browser.Submit(await browser.Get("/b/"), "/b/post", new Dictionary<string, string?> { ["subject"] = "Lynx squeezed", ["body"] = "Read me through gzip." });
        Assert.Equal(HttpStatusCode.SeeOther, posted.StatusCode);
        var op = long.Parse(posted.Headers.Location!.OriginalString.Split("#p")[1], CultureInfo.InvariantCulture);
        var keys = new LynxKeys()
            .Find("Comment").Down().Enter()
            .Type("Typed in lynx into a gzipped page.").Tab()
            .Find("(BUTTON) Post").Enter()
            .Quit();

        var (session, trace) = await Lynx.TracedSession(new Uri(board.BaseAddress, $"/b/thread/{op}"), keys);

        Assert.True(session.ExitCode == 0, $"lynx exited {session.ExitCode}: {session.Errors}");
        Assert.Contains("Accept-Encoding: gzip", trace, StringComparison.Ordinal);
        Assert.Contains("Content-Encoding: gzip", trace, StringComparison.OrdinalIgnoreCase);
        var thread = await board.Browser().Get($"/b/thread/{op}");
        var posts = thread.Document.QuerySelectorAll("article.post");
        Assert.Equal(2, posts.Length);
        Assert.Contains("Typed in lynx into a gzipped page.", posts[1].TextContent, StringComparison.Ordinal);
    }
}
