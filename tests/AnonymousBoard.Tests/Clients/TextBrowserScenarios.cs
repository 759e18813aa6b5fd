using System.Net;
using AnonymousBoard.Tests.Support;

namespace AnonymousBoard.Tests.Clients;

/// <summary>
/// The board in lynx, the text browser: the index and a thread read as text, and a reply posted
/// by keystrokes alone. A flow that cannot be done here is a bug in the board's HTML.
/// </summary>
[Collection(ClientSuite.Name)]
[Trait("Category", "Clients")]
public sealed class TextBrowserScenarios(TextBrowserScenarios.Board fixture) : IClassFixture<TextBrowserScenarios.Board>
{
    private readonly BoardServer _board = fixture.Server;
    private readonly long _thread = fixture.Thread;
    private readonly long _reply = fixture.Reply;

    /// <summary>A board with one thread and one reply, for every test in this class.</summary>
    public sealed class Board : IAsyncLifetime
    {
        public BoardServer Server { get; } = new();
        public long Thread { get; private set; }
        public long Reply { get; private set; }

        public async Task InitializeAsync()
        {
            await Server.InitializeAsync();
            var browser = Server.Browser();
            Thread = await Post(browser, "/b/", new() { ["subject"] = "Read me in lynx", ["body"] = "An opening post with\n>greentext\nand **strong** words." });
            Reply = await Post(browser, $"/b/thread/{Thread}", new() { ["body"] = $">>{Thread}\nA first reply." });
        }

        public Task DisposeAsync() => Server.DisposeAsync();
    }

    [Fact]
    public async Task The_index_reads_as_text_with_every_thread_and_its_links()
    {
        var text = await Lynx.Dump(new Uri(_board.BaseAddress, "/b/"));

        Assert.Contains("/b/ – General", text, StringComparison.Ordinal);
        Assert.Contains("Start a new thread", text, StringComparison.Ordinal);
        Assert.Contains("Read me in lynx", text, StringComparison.Ordinal);
        Assert.Contains("A first reply.", text, StringComparison.Ordinal);
        Assert.Contains($"{_board.BaseAddress}b/thread/{_thread}?quote={_thread}#reply", text, StringComparison.Ordinal);
        Assert.Contains($"{_board.BaseAddress}b/catalog", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_thread_reads_as_text_with_quotes_greentext_and_backlinks()
    {
        var text = await Lynx.Dump(new Uri(_board.BaseAddress, $"/b/thread/{_thread}"));

        Assert.Contains("An opening post with", text, StringComparison.Ordinal);
        Assert.Contains(">greentext", text, StringComparison.Ordinal);
        Assert.Contains($">>{_thread}", text, StringComparison.Ordinal);
        Assert.Contains($"Replies: ", text, StringComparison.Ordinal);
        Assert.Contains($"{_board.BaseAddress}b/thread/{_thread}?quote={_thread}#reply", text, StringComparison.Ordinal);
        Assert.Contains($"Reply to thread No. {_thread}", text, StringComparison.Ordinal);
        Assert.Contains("Delete your post", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reply_with_a_quote_by_keystrokes_from_the_index()
    {
        var keys = new LynxKeys()
            .Find("Read me in lynx").Enter()          // the thread's link on the index
            .Find("Reply").Enter()                    // the opening post's Reply link: the form, quoting it
            .Find("Comment").Down().Enter()           // the comment's second line, under ">>N"
            .Type("Typed in lynx, key by key.").Tab()
            .Find("Password").Enter().Type("lynxpw").Enter()
            .Find("(BUTTON) Post").Enter()            // lynx shows a submit button as "(BUTTON) Post"
            .Quit();

        var session = await Lynx.Session(new Uri(_board.BaseAddress, "/b/"), keys);
        Assert.True(session.ExitCode == 0, $"lynx exited {session.ExitCode}: {session.Errors}");

        var thread = await _board.Browser().Get($"/b/thread/{_thread}");
        Assert.Equal(HttpStatusCode.OK, thread.Status);
        var posts = thread.Document.QuerySelectorAll("article.post");
        var posted = posts[posts.Length - 1];
        Assert.NotEqual($"p{_reply}", posted.Id);
        Assert.Contains("Typed in lynx, key by key.", posted.TextContent, StringComparison.Ordinal);
        var quote = posted.QuerySelector(".body a.ql");
        Assert.NotNull(quote);
        Assert.Equal($">>{_thread}", quote.TextContent);

        // And lynx, reading the thread again, shows the reply and the new backlink.
        var text = await Lynx.Dump(new Uri(_board.BaseAddress, $"/b/thread/{_thread}"));
        Assert.Contains("Typed in lynx, key by key.", text, StringComparison.Ordinal);
        Assert.Contains($">>{posted.Id![1..]}", text, StringComparison.Ordinal);
    }

    private static async Task<long> Post(WebBrowser browser, string from, Dictionary<string, string?> fields)
    {
        var (response, _) = await browser.Submit(await browser.Get(from), "/b/post", fields);
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        var location = response.Headers.Location!.OriginalString;
        return long.Parse(location[(location.LastIndexOf("#p", StringComparison.Ordinal) + 2)..], System.Globalization.CultureInfo.InvariantCulture);
    }
}
