using System.Net;
using AnonymousBoard.Tests.Support;

namespace AnonymousBoard.Tests.Clients;

/// <summary>One kind of page, exactly as the server sent it.</summary>
public sealed record CapturedPage(string Kind, string Path, HttpStatusCode Status, string Html);

/// <summary>
/// A running board with one of everything its pages can show (markup, quotes across threads, a
/// quote of a deleted post, omitted replies, a second page), and every kind of page a reader can
/// meet captured once. The Nu checker, axe and the Safest-level test all go over <see cref="Kinds"/>.
/// </summary>
public sealed class SampleBoard : IAsyncLifetime, IDisposable
{
    /// <summary>
    /// Every kind of page. A feature that adds a page (an image thread, the gate, a moderation
    /// page) adds one line here, and from then on that page is validated and checked like the rest.
    /// </summary>
    private static readonly (string Kind, Func<SampleBoard, Task<Page>> Visit)[] Tour =
    [
        ("home", s => s.Get("/")),
        ("board index", s => s.Get("/b/")),
        ("board index page 2", s => s.Get("/b/page/2")),
        ("catalog", s => s.Get("/b/catalog")),
        ("thread", s => s.Get($"/b/thread/{s.MainThread}")),
        ("thread with a quote in the reply form", s => s.Get($"/b/thread/{s.MainThread}?quote={s.FirstReply}")),
        ("rejected post", async s =>
        {
            var thread = await s.Get($"/b/thread/{s.MainThread}");
            var (_, landed) = await s.Browser.Submit(thread, "/b/post", new Dictionary<string, string?>
            {
                ["subject"] = new string('S', 130),
                ["body"] = "",
            });
            return landed!;
        }),
        ("rejected delete", async s =>
        {
            var thread = await s.Get($"/b/thread/{s.MainThread}");
            var (_, landed) = await s.Browser.Submit(thread, "/b/delete", new Dictionary<string, string?>
            {
                ["no"] = s.MainThread.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["password"] = "not the password",
            });
            return landed!;
        }),
        ("not found", s => s.Get("/b/thread/999999")),
        ("thread with images", s => s.Get($"/b/thread/{s.ImageThread}")),
        ("board rules", s => s.Get("/b/rules")),
        ("search results", s => s.Get("/b/search?q=reply")),
        ("search refused", s => s.Get("/search?q=%22open")),
        ("search form alone", s => s.Get("/search")),
        ("archive", s => s.Get("/b/archive")),
        ("tripcodes and signing help", s => s.Get("/signing")),
        ("report form", s => s.Get($"/b/report/{s.FirstReply}")),
        ("moderation log", s => s.Get("/modlog")),
        ("ban appeal", s => s.Get("/appeal")),
        ("staff login", s => s.Get("/mod/login")),
        ("staff sign-in refused", async s =>
        {
            var (_, landed) = await s.Browser.Submit(await s.Get("/mod/login"), "/mod/login", new Dictionary<string, string?> { ["name"] = "nobody", ["password"] = "wrong" });
            return landed!;
        }),
        ("pseudonym", s => s.Get($"/pseudonym/{s.Fingerprint}")),
        ("signed post", s => s.Get($"/b/signed/{s.SignedPost}")),
        // The staff pages, signed in as an admin (who sees every control).
        ("staff: reports and posts", s => s.Staff.Get("/mod/")),
        ("staff: board", s => s.Staff.Get("/mod/board/b")),
        ("staff: thread", s => s.Staff.Get($"/mod/thread/b/{s.MainThread}")),
        ("staff: reported post", s => s.Staff.Get($"/mod/post/b/{s.FirstReply}")),
        ("staff: action refused", async s =>
        {
            var post = await s.Staff.Get($"/mod/post/b/{s.FirstReply}");
            var (_, landed) = await s.Staff.Submit(post, $"/mod/post/b/{s.FirstReply}", new Dictionary<string, string?> { ["action"] = "hide", ["reason"] = "" });
            return landed!;
        }),
        ("staff: bans and appeals", s => s.Staff.Get("/mod/bans")),
        ("staff: filters", s => s.Staff.Get("/mod/filters")),
        ("staff: delete by poster", s => s.Staff.Get($"/mod/purge?kind=tripcode&value={Uri.EscapeDataString(SampleTripcode)}")),
        ("staff: boards", s => s.Staff.Get("/mod/boards")),
        ("staff: edit a board", s => s.Staff.Get("/mod/boards?edit=b")),
        ("staff: members", s => s.Staff.Get("/mod/staff")),
    ];

    /// <summary>The classic tripcode of Name#tripcode (Vectors/tripcodes_4chan.tsv).</summary>
    private const string SampleTripcode = "!3GqYIJ3Obs";

    private const string StaffPassword = "sample staff password";

    private readonly Dictionary<string, CapturedPage> _pages = [];

    public static TheoryData<string> Kinds => new(KindNames);

    public static IReadOnlyList<string> KindNames { get; } = [.. Tour.Select(t => t.Kind)];

    public BoardServer Server { get; } = new();

    public WebBrowser Browser { get; private set; } = null!;

    /// <summary>An admin, signed in through the staff sign-in form (a browser that keeps its cookie).</summary>
    public WebBrowser Staff { get; private set; } = null!;

    /// <summary>A post signed with a passphrase, and its key's fingerprint.</summary>
    public long SignedPost { get; private set; }

    public string Fingerprint { get; private set; } = "";

    /// <summary>The thread with every kind of markup and reply.</summary>
    public long MainThread { get; private set; }

    public long FirstReply { get; private set; }

    /// <summary>A thread with an image, and a reply with a spoilered one.</summary>
    public long ImageThread { get; private set; }

    private readonly AnonymousBoard.Tests.Media.MediaScratch _scratch = new();

    public CapturedPage this[string kind] => _pages[kind];

    public IEnumerable<CapturedPage> Pages => Tour.Select(t => _pages[t.Kind]);

    public async Task InitializeAsync()
    {
        await Server.InitializeAsync();
        Browser = Server.Browser();
        await Fill();
        foreach (var (kind, visit) in Tour)
        {
            var page = await visit(this);
            _pages[kind] = new CapturedPage(kind, page.Path, page.Status, page.Html);
        }
    }

    public Task DisposeAsync() => Server.DisposeAsync();

    public void Dispose() => _scratch.Dispose();

    private Task<Page> Get(string path) => Browser.Get(path);

    private async Task Fill()
    {
        // Enough threads for a second index page (ten a page by default), pushed there by the three below.
        for (var i = 1; i <= 10; i++)
        {
            await Post(null, new() { ["subject"] = $"Older thread {i}", ["body"] = $"Thread {i} is here so the index has a second page." });
        }
        MainThread = await Post(null, new()
        {
            ["subject"] = "Every kind of markup",
            ["name"] = "Sample",
            ["body"] = """
                Plain text with *emphasis*, **strong** and `inline code`.
                >greentext on its own line
                A ||spoiler|| in the middle, and a link: https://example.org/somewhere

                ```
                a code block
                    with indentation
                ```

                A long unbroken word: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
                """,
            ["password"] = "sample",
        });
        FirstReply = await Post(MainThread, new() { ["body"] = $">>{MainThread}\nA reply quoting the opening post." });
        var doomed = await Post(MainThread, new() { ["body"] = "A reply its poster will delete.", ["password"] = "gone" });
        await Post(MainThread, new() { ["body"] = $">>{doomed} quotes a post that was deleted, >>{FirstReply} one that was not." });
        await Post(MainThread, new() { ["name"] = "مجهول", ["body"] = "A name written right to left.", ["sage"] = "on" });
        for (var i = 1; i <= 6; i++)
        {
            await Post(MainThread, new() { ["body"] = $"Reply number {i} of a few, so the index omits some." });
        }
        var thread = await Get($"/b/thread/{MainThread}");
        var (deleted, _) = await Browser.Submit(thread, "/b/delete", new Dictionary<string, string?>
        {
            ["no"] = doomed.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["password"] = "gone",
        });
        Assert.Equal(HttpStatusCode.SeeOther, deleted.StatusCode);
        var picture = await File.ReadAllBytesAsync(AnonymousBoard.Tests.Media.TestImages.Marked(_scratch, "picture.png"));
        ImageThread = await PostWithImage(null, picture, [("subject", "A thread with a picture"), ("body", "The picture is re-encoded and stripped.")]);
        await PostWithImage(ImageThread, picture, [("body", "The same picture, as a spoiler."), ("spoiler", "on")]);
        var other = await Post(null, new() { ["body"] = $"Another thread, quoting >>{FirstReply} from the first one." });
        await Post(other, new() { ["body"] = $">>{other}\nA reply in the other thread." });
        await Post(other, new() { ["name"] = "Sample#tripcode", ["body"] = "A reply with a classic tripcode." });
        const string passphrase = "sample passphrase of four words";
        SignedPost = await Post(other, new() { ["body"] = "A reply signed with a passphrase.", ["passphrase"] = passphrase });
        using (var key = AnonymousBoard.Identity.PseudonymKey.Derive(passphrase))
        {
            Fingerprint = AnonymousBoard.Identity.Fingerprint.Of(key.PublicKey);
        }
        await FillStaffPages();
    }

    /// <summary>Staff, a report, a ban with an appeal and a filter, so every staff page has rows and forms to show.</summary>
    private async Task FillStaffPages()
    {
        foreach (var (name, role) in new[] { ("sample-admin", "admin"), ("sample-janitor", "janitor") })
        {
            var (code, output) = Server.RunCliWithInput(StaffPassword + "\n", "staff", "add", name, "--role", role, "--global", "--password-stdin");
            Assert.True(code == 0, output);
        }
        Staff = Server.StaffBrowser();
        var (signedIn, _) = await Staff.Submit(await Staff.Get("/mod/login"), "/mod/login", new Dictionary<string, string?> { ["name"] = "sample-admin", ["password"] = StaffPassword });
        Assert.Equal(HttpStatusCode.SeeOther, signedIn.StatusCode);

        await Expect(HttpStatusCode.SeeOther, Browser, $"/b/report/{FirstReply}", new() { ["category"] = "spam", ["detail"] = "Looks like an advert." });
        await Expect(HttpStatusCode.OK, Staff, "/mod/bans", new() { ["board"] = "b", ["kind"] = "text", ["value"] = "buy now", ["hours"] = "24", ["reason"] = "advertising" }, "/mod/bans?handler=ban");
        var banNo = (await Staff.Get("/mod/bans")).Document.QuerySelector("tbody td")!.TextContent;
        await Expect(HttpStatusCode.OK, Browser, "/appeal", new() { ["ban"] = banNo, ["text"] = "I was not advertising." });
        await Expect(HttpStatusCode.OK, Staff, "/mod/filters", new() { ["board"] = "", ["pattern"] = "spam", ["action"] = "replace", ["replacement"] = "ham", ["reason"] = "a sample filter" }, "/mod/filters?handler=add");
    }

    /// <summary>Fills and sends a form on <paramref name="path"/> (posting to the path itself unless <paramref name="action"/> says otherwise).</summary>
    private static async Task Expect(HttpStatusCode status, WebBrowser browser, string path, Dictionary<string, string?> fields, string? action = null)
    {
        var (response, landed) = await browser.Submit(await browser.Get(path), action ?? path, fields);
        Assert.True(response.StatusCode == status, $"{action ?? path} was answered {response.StatusCode}: {landed?.Html}");
    }

    /// <summary>Sends the post form with an image, as a browser sends a form with a file chosen.</summary>
    private async Task<long> PostWithImage(long? thread, byte[] image, (string Name, string Value)[] fields)
    {
        using var form = new MultipartFormDataContent();
        // The form's hidden fields (the thread, the gate's posting ticket) go back as the page gave them.
        var page = await Get(thread is { } t ? $"/b/thread/{t}" : "/b/");
        foreach (var hidden in page.Form("/b/post").QuerySelectorAll("input[type=hidden]"))
        {
            form.Add(new StringContent(hidden.GetAttribute("value") ?? ""), hidden.GetAttribute("name")!);
        }
        foreach (var (name, value) in fields)
        {
            form.Add(new StringContent(value), name);
        }
        var file = new ByteArrayContent(image);
        file.Headers.ContentType = new("image/png");
        form.Add(file, "file", "picture.png");
        var response = await Browser.Client.PostAsync(new Uri("/b/post", UriKind.Relative), form);
        Assert.True(response.StatusCode == HttpStatusCode.SeeOther, $"Posting an image was answered {response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        var location = response.Headers.Location!.OriginalString;
        return long.Parse(location[(location.LastIndexOf("#p", StringComparison.Ordinal) + 2)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Fills and sends the post form of the board index (new thread) or of a thread (reply).</summary>
    private async Task<long> Post(long? thread, Dictionary<string, string?> fields)
    {
        var page = await Get(thread is { } t ? $"/b/thread/{t}" : "/b/");
        var (response, _) = await Browser.Submit(page, "/b/post", fields);
        Assert.True(response.StatusCode == HttpStatusCode.SeeOther, $"Posting {fields["body"]} was answered {response.StatusCode}.");
        var location = response.Headers.Location!.OriginalString;
        return long.Parse(location[(location.LastIndexOf("#p", StringComparison.Ordinal) + 2)..], System.Globalization.CultureInfo.InvariantCulture);
    }
}
