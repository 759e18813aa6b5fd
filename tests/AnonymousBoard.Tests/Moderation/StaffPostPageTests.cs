using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using AnonymousBoard.Tests.Media;
using AnonymousBoard.Tests.Support;
using static AnonymousBoard.Tests.Moderation.StaffKit;

namespace AnonymousBoard.Tests.Moderation;

/// <summary>
/// The staff page of one post offers the actions that would change something as the post is now,
/// and says what state it is in; the file actions work end to end on a real image.
/// </summary>
public sealed class StaffPostPageTests : IAsyncLifetime, IDisposable
{
    private readonly BoardServer _server = new();
    private readonly MediaScratch _scratch = new();

    public async Task InitializeAsync()
    {
        await _server.InitializeAsync();
        AddStaff(_server, "root", "admin");
    }

    public Task DisposeAsync() => _server.DisposeAsync();

    public void Dispose() => _scratch.Dispose();

    private static async Task<(Page Page, HashSet<string> Offered)> Open(WebBrowser staff, long no)
    {
        var page = await staff.Get($"/mod/post/b/{no}");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        var offered = page.Document.QuerySelectorAll("input[name=action]").Select(i => i.GetAttribute("value")!).ToHashSet();
        return (page, offered);
    }

    private static string Marks(Page page) =>
        page.Document.QuerySelectorAll("p.hint").Select(p => p.TextContent).Single(t => t.StartsWith("Post:", StringComparison.Ordinal));

    [Fact]
    public async Task A_text_reply_in_an_open_thread_is_offered_no_undo_no_file_and_no_move_with_one_board()
    {
        var staff = await SignIn(_server, "root");
        var thread = await Post(_server, "b", "opening post");
        var reply = await Post(_server, "b", "a reply", thread);

        var (page, offered) = await Open(staff, reply);

        Assert.Equal(new HashSet<string> { "delete-post", "delete-thread", "mark-banned", "hide", "sticky", "lock", "bump-lock" }, offered);
        Assert.Null(page.Document.QuerySelector("select[name=to]"));
        Assert.StartsWith("Post: no marks. Thread: open.", Marks(page), StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_an_action_the_page_offers_its_undo_instead()
    {
        var staff = await SignIn(_server, "root");
        var thread = await Post(_server, "b", "opening post");
        var reply = await Post(_server, "b", "a reply", thread);

        Assert.Equal(HttpStatusCode.OK, await Act(staff, "b", reply, "lock", "heated"));
        Assert.Equal(HttpStatusCode.OK, await Act(staff, "b", reply, "hide", "checking"));
        Assert.Equal(HttpStatusCode.OK, await Act(staff, "b", reply, "mark-banned", "rule 2"));
        var (page, offered) = await Open(staff, reply);

        Assert.Superset(new HashSet<string> { "unlock", "unhide", "unmark-banned" }, offered);
        Assert.DoesNotContain("lock", offered);
        Assert.DoesNotContain("hide", offered);
        Assert.DoesNotContain("mark-banned", offered);
        Assert.StartsWith("Post: hidden pending review, marked \"USER WAS BANNED FOR THIS POST\". Thread: locked.", Marks(page), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_can_be_made_a_spoiler_then_deleted_from_the_staff_page()
    {
        var staff = await SignIn(_server, "root");
        var no = await PostImage(TestImages.Noise(_scratch, "picture.png", 64, 48));
        var (page, offered) = await Open(staff, no);
        Assert.Contains("spoiler-file", offered);
        Assert.Contains("delete-file", offered);
        Assert.Contains("Post: file.", Marks(page), StringComparison.Ordinal);
        var imageUrl = (await _server.Browser().Get($"/b/thread/{no}")).Post(no)!.QuerySelector(".file a")!.GetAttribute("href")!;

        Assert.Equal(HttpStatusCode.OK, await Act(staff, "b", no, "spoiler-file", "upsetting picture"));
        var spoilered = (await _server.Browser().Get($"/b/thread/{no}")).Post(no)!;
        Assert.NotNull(spoilered.QuerySelector("a.spoiler-file"));
        (page, offered) = await Open(staff, no);
        Assert.DoesNotContain("spoiler-file", offered);
        Assert.Contains("delete-file", offered);
        Assert.Contains("Post: file (spoiler).", Marks(page), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, await Act(staff, "b", no, "delete-file", "not allowed here"));
        var withoutFile = (await _server.Browser().Get($"/b/thread/{no}")).Post(no)!;
        Assert.Null(withoutFile.QuerySelector(".file"));
        Assert.Contains("a picture", withoutFile.TextContent, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await _server.Client().GetAsync(new Uri(imageUrl, UriKind.Relative))).StatusCode);
        (_, offered) = await Open(staff, no);
        Assert.DoesNotContain("spoiler-file", offered);
        Assert.DoesNotContain("delete-file", offered);
        var log = await _server.Browser().Get("/modlog");
        Assert.Contains("not allowed here", log.Html, StringComparison.Ordinal);
        Assert.Contains("upsetting picture", log.Html, StringComparison.Ordinal);
    }

    private async Task<long> PostImage(string file)
    {
        using var form = new MultipartFormDataContent();
        form.Add(new StringContent(await _server.Ticket()), "ticket");
        form.Add(new StringContent("a picture"), "body");
        var part = new ByteArrayContent(await File.ReadAllBytesAsync(file));
        part.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(part, "file", "picture.png");
        var response = await _server.Client().PostAsync(new Uri("/b/post", UriKind.Relative), form);
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        return long.Parse(response.Headers.Location!.OriginalString.Split("#p")[1], CultureInfo.InvariantCulture);
    }
}
