using System.Net;
using System.Net.Http.Headers;
using System.Text;
using AnonymousBoard.Boards;
using AnonymousBoard.Posting;
using AnonymousBoard.Tests.Support;

namespace AnonymousBoard.Tests.Load;

/// <summary>Request bodies over the board's limits, through the real Kestrel: a clear page, never a 500.</summary>
public sealed class RequestLimitTests : IAsyncLifetime
{
    private readonly BoardServer _server = new();
    public Task InitializeAsync() => _server.InitializeAsync();
    public Task DisposeAsync() => _server.DisposeAsync();

    private async Task<HttpResponseMessage> PostText(string board, string body, string? thread = null)
    {
        var fields = new List<KeyValuePair<string, string>> { new("ticket", await _server.Ticket(board)), new("body", body), new("subject", "kept subject") };
        if (thread is not null)
        {
            fields.Add(new("thread", thread));
        }
        using var client = _server.Client();
        return await client.PostAsync(new Uri($"/{board}/post", UriKind.Relative), new FormUrlEncodedContent(fields));
    }

    /// <summary>As a browser sends the form: the text fields first, then the file.</summary>
    /// <param name="early">The board will answer before the body is sent: see <see cref="OversizedRequest"/>.</param>
    private async Task<HttpResponseMessage> PostWithFile(string board, byte[] file, bool early = false)
    {
        using var form = new MultipartFormDataContent
        {
            { new StringContent("kept subject"), "subject" },
            { new StringContent("kept body"), "body" },
        };
        var part = new ByteArrayContent(file);
        part.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(part, "file", "big.png");
        form.Add(new StringContent(await _server.Ticket(board)), "ticket");
        if (early)
        {
            return await OversizedRequest.SendAsync(_server.BaseAddress, $"/{board}/post", form.Headers.ContentType!.ToString(), await form.ReadAsByteArrayAsync(), declareLength: true);
        }
        using var client = _server.Client();
        return await client.PostAsync(new Uri($"/{board}/post", UriKind.Relative), form);
    }

    private async Task AssertNothingPosted(string board)
    {
        using var client = _server.Client();
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(new Uri($"/{board}/thread/1", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task A_text_post_far_over_the_limit_gets_a_413_page_that_says_why_and_offers_a_working_form()
    {
        var limit = PostRequest.BodyLimit(new BoardSettings(), multipart: false);
        var fields = new FormUrlEncodedContent(new Dictionary<string, string> { ["ticket"] = await _server.Ticket(), ["body"] = new string('x', (int)limit + 1000) });
        var response = await OversizedRequest.SendAsync(_server.BaseAddress, "/b/post", "application/x-www-form-urlencoded", await fields.ReadAsByteArrayAsync(), declareLength: true);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var page = await WebBrowser.Read(response, "/b/post");
        var alert = page.Document.QuerySelector("[role=alert]")!.TextContent;
        Assert.Contains("far larger than /b/ takes", alert, StringComparison.Ordinal);
        Assert.Contains("Back button", alert, StringComparison.Ordinal);
        // The body was never read, so the page must not claim to have kept it.
        Assert.DoesNotContain("Everything you typed", alert, StringComparison.Ordinal);
        await AssertNothingPosted("b");

        // The form that came back works.
        var (sent, landed) = await _server.Browser().Submit(page, "/b/post", new Dictionary<string, string?> { ["body"] = "shorter now" });
        Assert.Equal(HttpStatusCode.SeeOther, sent.StatusCode);
        Assert.Contains("shorter now", landed!.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_comment_over_the_board_limit_but_within_the_body_limit_comes_back_with_the_text()
    {
        // The body limit leaves room for every legitimate mistake: this one is read and explained.
        var tooLong = string.Concat(Enumerable.Repeat("€", 9000)); // 9 bytes each once percent-encoded
        var response = await PostText("b", tooLong, thread: null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = await WebBrowser.Read(response, "/b/post");
        Assert.Contains("at most 8000", page.Document.QuerySelector("[role=alert]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(tooLong, page.Field("/b/post", "body"));
        Assert.Equal("kept subject", page.Field("/b/post", "subject"));
    }

    [Fact]
    public async Task An_image_somewhat_over_the_limit_keeps_the_text_and_one_far_over_is_cut_off_with_a_clear_message()
    {
        Assert.Equal(0, _server.RunCli("boards", "create", "small", "Small images", "--max-image-bytes", "65536").Code);

        var somewhat = await PostWithFile("small", new byte[100 * 1024]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, somewhat.StatusCode);
        var kept = await WebBrowser.Read(somewhat, "/small/post");
        Assert.Contains("Image refused", kept.Document.QuerySelector("[role=alert]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("kept body", kept.Field("/small/post", "body"));

        var far = await PostWithFile("small", new byte[2 * 1024 * 1024], early: true);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, far.StatusCode);
        var cut = await WebBrowser.Read(far, "/small/post");
        var alert = cut.Document.QuerySelector("[role=alert]")!.TextContent;
        Assert.Contains("an image may be up to 64 KiB", alert, StringComparison.Ordinal);
        Assert.Contains("Back button", alert, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_server.DataDirectory, "uploads")));
        await AssertNothingPosted("small");
    }

    [Theory]
    [InlineData("/b/report/1", true)]
    [InlineData("/b/report/1", false)]
    [InlineData("/b/delete", true)]
    [InlineData("/b/post", false)]
    public async Task A_form_over_its_limit_gets_a_413_page_whether_or_not_it_declares_its_length(string path, bool declared)
    {
        var body = Encoding.ASCII.GetBytes("detail=" + new string('a', 2 * 1024 * 1024));
        var response = await OversizedRequest.SendAsync(_server.BaseAddress, path, "application/x-www-form-urlencoded", body, declared);
        using var client = _server.Client();

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        // The posting page explains it beside the form; every other page is the error page.
        Assert.Contains(path.EndsWith("/post", StringComparison.Ordinal) ? "far larger than /b/ takes" : "<h1>Too large</h1>", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/b/", UriKind.Relative))).StatusCode);
    }
}
