using System.Net;
using System.Text;
using AnonymousBoard.Site;
using AnonymousBoard.Hosting;
using AnonymousBoard.Reading;
using AnonymousBoard.Tests.Support;

namespace AnonymousBoard.Tests.Board;

/// <summary>
/// Page weight is a product constraint (a slow circuit pays for every byte): a full index page of
/// 10 threads with 5 previewed replies each stays under 40 KB of HTML, and the style sheet under
/// 8 KB. The benchmark reports the same figures with its own seeded board.
/// </summary>
public sealed class PageWeightTests : IAsyncLifetime
{
    private const int IndexLimitBytes = 40_000;
    private const int CssLimitBytes = 8_000;

    private readonly BoardServer _server = new();
    public Task InitializeAsync() => _server.InitializeAsync();
    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task A_full_index_page_with_200_character_comments_is_under_40_KB()
    {
        var browser = _server.Browser();
        for (var t = 0; t < 10; t++)
        {
            var (_, op) = await Post(browser, "/b/", $"Thread {t} about something worth a subject line", Comment(t, 0, quote: null));
            var previous = op;
            for (var r = 1; r <= 6; r++)
            {
                var (_, no) = await Post(browser, $"/b/thread/{op}", "", Comment(t, r, quote: previous));
                previous = no;
            }
        }

        var index = await browser.Get("/b/");

        Assert.Equal(10, index.Document.QuerySelectorAll("section.thread").Length);
        Assert.Equal(60, index.Document.QuerySelectorAll("article.post").Length);
        var bytes = Encoding.UTF8.GetByteCount(index.Html);
        Assert.True(bytes < IndexLimitBytes, $"The index page is {bytes:N0} bytes; the limit is {IndexLimitBytes:N0}.");
    }

    [Fact]
    public async Task The_style_sheet_is_under_8_KB()
    {
        using var client = _server.Client();
        var css = await client.GetByteArrayAsync(new Uri(StyleSheet.Url, UriKind.Relative));
        Assert.True(css.Length < CssLimitBytes, $"The style sheet is {css.Length:N0} bytes; the limit is {CssLimitBytes:N0}.");
    }

    /// <summary>About 200 characters, as most comments are, quoting the post before it.</summary>
    private static string Comment(int thread, int reply, long? quote)
    {
        var text = $"Comment {reply} in thread {thread}: wider tyres at lower pressure are faster on real roads, and the measurements back that up. " +
            "Panniers beat a backpack once the ride is longer than a quarter of an hour, whatever the weather.";
        return quote is { } q ? $">>{q}\n{text}" : text;
    }

    private static async Task<(long Thread, long No)> Post(WebBrowser browser, string page, string subject, string body)
    {
        var form = await browser.Get(page);
        var (response, _) = await browser.Submit(form, "/b/post", new Dictionary<string, string?> { ["subject"] = subject, ["body"] = body });
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        var parts = response.Headers.Location!.OriginalString["/b/thread/".Length..].Split("#p");
        return (long.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
    }
}
