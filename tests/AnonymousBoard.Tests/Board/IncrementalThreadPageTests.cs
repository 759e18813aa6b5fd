using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using AnonymousBoard.Boards;
using AnonymousBoard.Reading;
using AnonymousBoard.Storage;
using AnonymousBoard.Tests.Media;
using AnonymousBoard.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static AnonymousBoard.Tests.Moderation.StaffKit;

namespace AnonymousBoard.Tests.Board;

/// <summary>
/// A reply updates its thread's prepared page instead of rebuilding it (Reading/BoardPages.GrowThread): the new
/// post rendered and added, the posts it quotes rendered again for their backlinks. The page served after each
/// such update must be the very page a board that never saw the thread before renders from the same database;
/// staff actions in between (which are not growth) must be rebuilt whole, and growth after them must start again from there.
/// </summary>
public sealed partial class IncrementalThreadPageTests : IAsyncLifetime, IDisposable
{
    private readonly BoardServer _server = new();
    private BoardServer _fresh = null!;
    private readonly MediaScratch _scratch = new();

    public async Task InitializeAsync()
    {
        await _server.InitializeAsync();
        AddStaff(_server, "root", "admin");
        // A second board on the same data directory: it renders every page from the database, its cache cleared first.
        _fresh = new BoardServer(_server.DataDirectory);
        await _fresh.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _fresh.DisposeAsync();
        await _server.DisposeAsync();
    }

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task A_thread_page_updated_reply_by_reply_is_the_page_rendered_from_scratch()
    {
        var staff = await SignIn(_server, "root");
        var filters = await staff.Get("/mod/filters");
        Assert.Equal(HttpStatusCode.OK, (await staff.Submit(filters, "/mod/filters?handler=add",
            Fields(("board", "b"), ("pattern", "hold me"), ("action", "hold"), ("replacement", ""), ("reason", "test")))).Response.StatusCode);
        var picture = await File.ReadAllBytesAsync(TestImages.Marked(_scratch, "picture.png"));

        var thread = await Post(null, "The opening post");
        var other = await Post(null, "Another thread");
        await Same(thread);
        var first = await Post(thread, "A plain first reply");
        await Same(thread);
        var second = await Post(thread, $">>{thread}\nquoting the opening post");
        await Same(thread);
        var third = await Post(thread, $">>{first}\na picture, quoting the first reply", image: picture);
        await Same(thread);
        var fourth = await Post(thread, $">>{second}\n>>{third}\nsage, quoting two", sage: true);
        await Same(thread);
        // A quote from another thread gives a post of this one a backlink.
        await Post(other, $">>{first}\nfrom the other thread");
        await Same(thread);
        await Same(other);
        var held = await Post(thread, $">>{second}\nplease hold me");
        var page = await Same(thread);
        Assert.DoesNotContain("please hold me", page, StringComparison.Ordinal);
        Assert.Contains($"id=\"p{held}\"", page, StringComparison.Ordinal);
        var withBacklinks = await Post(thread, $">>{fourth}\n>>{held}\n>>{thread}\nthree quotes");
        await Same(thread);

        // Staff actions are not growth: the page is rebuilt whole, and replies grow it again from there.
        Assert.Equal(HttpStatusCode.OK, await Act(staff, "b", third, "hide"));
        Assert.Contains("This post is hidden pending review.", await Same(thread), StringComparison.Ordinal);
        await Post(thread, $">>{third}\nquoting the hidden one");
        await Same(thread);
        Assert.Equal(HttpStatusCode.OK, await Act(staff, "b", first, "delete-post"));
        Assert.DoesNotContain($"id=\"p{first}\"", await Same(thread), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await Act(staff, "b", withBacklinks, "mark-banned"));
        await Same(thread);
        await Post(thread, $">>{withBacklinks}\nthe last reply", image: picture);
        page = await Same(thread);
        Assert.Equal(8, Regex.Count(page, "<article class=\"post"));
    }

    [Fact]
    public async Task A_long_thread_page_kept_in_runs_of_posts_is_the_page_rendered_from_scratch_in_every_coding()
    {
        // Replies long enough that the page is several runs of 32 KB, so a quote changes a run that is not the last.
        var thread = await Post(null, "The opening post of a long thread");
        var replies = new List<long>();
        for (var i = 0; i < 32; i++)
        {
            replies.Add(await Post(thread, $"Reply {i}: " + string.Join(' ', Enumerable.Repeat($"words of reply {i}", 200))));
        }
        var page = await Same(thread);
        Assert.True(page.Length > 3 * 32 * 1024, $"the page is {page.Length} bytes");
        await Coded(thread, page);

        await Post(thread, $">>{thread}\n>>{replies[16]}\nquoting the first run and a middle one");
        page = await Same(thread);
        await Coded(thread, page);
        await Post(thread, $">>{replies[^1]}\nquoting the last");
        await Coded(thread, await Same(thread));
    }

    /// <summary>The page asked for in gzip and in brotli decodes to <paramref name="page"/>, but for the ticket.</summary>
    private async Task Coded(long thread, string page)
    {
        foreach (var coding in new[] { "gzip", "br" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/b/thread/{thread.ToString(CultureInfo.InvariantCulture)}");
            request.Headers.TryAddWithoutValidation("Accept-Encoding", coding);
            using var response = await _server.Client().SendAsync(request);
            Assert.Equal(coding, response.Content.Headers.ContentEncoding.Single());
            var body = await response.Content.ReadAsByteArrayAsync();
            var decoded = System.Text.Encoding.UTF8.GetString(Compression.CompressedPageTests.Decode(
                coding == "gzip" ? Site.ContentCoding.Gzip : Site.ContentCoding.Brotli, body));
            Assert.Equal(Ticket().Replace(page, ""), Ticket().Replace(decoded, ""));
        }
    }

    /// <summary>
    /// The thread page as the board under test serves it (updated after each reply) and as a board that renders it from
    /// scratch does, the same but for the form's single-use ticket; returns it.
    /// </summary>
    private async Task<string> Same(long thread)
    {
        var path = $"/b/thread/{thread.ToString(CultureInfo.InvariantCulture)}";
        var served = await _server.Client().GetStringAsync(new Uri(path, UriKind.Relative));
        _fresh.Services.GetRequiredService<PageCache>().Committed(new ChangeSet([], [], Boards: true, Everything: true));
        _fresh.Services.GetRequiredService<BoardDirectory>().Invalidate();
        var rendered = await _fresh.Client().GetStringAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(Ticket().Replace(rendered, ""), Ticket().Replace(served, ""));
        return served;
    }

    /// <summary>Posts through the thread's own form (so the page is prepared before the reply, as a poster's fetch prepares it).</summary>
    private async Task<long> Post(long? thread, string body, byte[]? image = null, bool sage = false)
    {
        var browser = _server.Browser();
        var page = await browser.Get(thread is { } t ? $"/b/thread/{t.ToString(CultureInfo.InvariantCulture)}" : "/b/");
        using var form = new MultipartFormDataContent();
        foreach (var hidden in page.Form("/b/post").QuerySelectorAll("input[type=hidden]"))
        {
            form.Add(new StringContent(hidden.GetAttribute("value") ?? ""), hidden.GetAttribute("name")!);
        }
        form.Add(new StringContent(body), "body");
        if (sage)
        {
            form.Add(new StringContent("on"), "sage");
        }
        if (image is not null)
        {
            var file = new ByteArrayContent(image);
            file.Headers.ContentType = new("image/png");
            form.Add(file, "file", "picture.png");
        }
        var response = await browser.Client.PostAsync(new Uri("/b/post", UriKind.Relative), form);
        Assert.True(response.StatusCode == HttpStatusCode.SeeOther, $"Posting was answered {response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        var location = response.Headers.Location!.OriginalString;
        return long.Parse(location[(location.LastIndexOf("#p", StringComparison.Ordinal) + 2)..], CultureInfo.InvariantCulture);
    }

    [GeneratedRegex("name=\"ticket\" value=\"[^\"]*\"")]
    private static partial Regex Ticket();
}
