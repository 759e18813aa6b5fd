using System.Globalization;
using System.Net;
using AnonymousBoard.Tests.Moderation;
using AnonymousBoard.Tests.Support;

namespace AnonymousBoard.Tests.Api;

/// <summary>
/// A running board seeded with one of everything the JSON API, the feeds and search must show or
/// hide: an image thread (its file name kept, a classic tripcode, a spoilered image reply, a reply with
/// a secure tripcode and a pseudonym, a reply staff hid, a reply its poster deleted), a sticky thread, a
/// locked one and an archived one. /b/ shows 2 threads a page with 1 reply previewed, bumps to 3 replies
/// and keeps 4 live threads, archiving the rest.
/// </summary>
public sealed class ReadingBoard : IAsyncLifetime, IDisposable
{
    public const string HiddenText = "This reply was hidden by staff and must not leak";
    public const string DeletedText = "This reply was deleted by its poster";

    public BoardServer Server { get; } = new();

    /// <summary>A board of its own for tests that post, hide or delete, so /b/ stays as seeded.</summary>
    public const string ScratchBoard = "scratch";

    public WebBrowser Staff { get; private set; } = null!;

    public long ArchivedThread { get; private set; }
    public long StickyThread { get; private set; }
    public long LockedThread { get; private set; }
    public long ImageThread { get; private set; }
    public long SpoilerReply { get; private set; }
    public long SignedReply { get; private set; }
    public long HiddenReply { get; private set; }
    public long DeletedReply { get; private set; }
    public long LastReply { get; private set; }
    public long NewestThread { get; private set; }

    private readonly AnonymousBoard.Tests.Media.MediaScratch _scratch = new();

    public async Task InitializeAsync()
    {
        await Server.InitializeAsync();
        var (code, output) = Server.RunCli("boards", "update", "b", "--threads-per-page", "2", "--previews", "1", "--thread-cap", "4",
            "--archive", "yes", "--bump-limit", "3");
        Assert.True(code == 0, output);
        (code, output) = Server.RunCli("boards", "create", ScratchBoard, "Scratch");
        Assert.True(code == 0, output);
        StaffKit.AddStaff(Server, "admin", "admin");
        Staff = await StaffKit.SignIn(Server, "admin");
        var picture = await File.ReadAllBytesAsync(AnonymousBoard.Tests.Media.TestImages.Marked(_scratch, "picture.png"));

        ArchivedThread = await Post(null, [("subject", "Soon in the archive"), ("body", "The oldest thread, pushed off the end")]);
        StickyThread = await Post(null, [("subject", "Read this first"), ("body", "Rules of the board, stuck on top")]);
        LockedThread = await Post(null, [("subject", "Closed for replies"), ("body", "Nothing more to say here")]);
        ImageThread = await Post(null, [("name", "Tester#secret"), ("subject", "Pictures & <things>"), ("body", "A **picture** thread"),
            ("keep_filename", "on")], picture);
        SpoilerReply = await Post(ImageThread, [("body", "The same picture, spoilered"), ("spoiler", "on")], picture);
        SignedReply = await Post(ImageThread, [("name", "Signer##password"), ("passphrase", "a passphrase long enough to sign with"),
            ("body", "Signed and with a secure tripcode")]);
        HiddenReply = await Post(ImageThread, [("body", HiddenText)]);
        DeletedReply = await Post(ImageThread, [("body", DeletedText), ("password", "gone")]);
        LastReply = await Post(ImageThread, [("body", "The last reply quotes >>" + SignedReply)]);
        Assert.Equal(HttpStatusCode.OK, await StaffKit.Act(Staff, "b", HiddenReply, "hide"));
        Assert.Equal(HttpStatusCode.OK, await StaffKit.Act(Staff, "b", StickyThread, "sticky"));
        Assert.Equal(HttpStatusCode.OK, await StaffKit.Act(Staff, "b", LockedThread, "lock"));
        var browser = Server.Browser();
        var (deleted, _) = await browser.Submit(await browser.Get($"/b/thread/{ImageThread}"), "/b/delete",
            new Dictionary<string, string?> { ["no"] = DeletedReply.ToString(CultureInfo.InvariantCulture), ["password"] = "gone" });
        Assert.Equal(HttpStatusCode.SeeOther, deleted.StatusCode);
        // Four live threads besides this one, one of them sticky: the oldest unstickied one goes to the archive.
        NewestThread = await Post(null, [("body", "The newest thread, which pushes the oldest into the archive")]);
    }

    /// <summary>Sends the posting form as a browser does (multipart), with the form's own hidden fields; returns the post's number.</summary>
    public Task<long> Post(long? thread, (string Name, string Value)[] fields, byte[]? image = null) => Post("b", thread, fields, image);

    /// <summary>The same on another board (<see cref="ScratchBoard"/> for tests that change what they read).</summary>
    public async Task<long> Post(string slug, long? thread, (string Name, string Value)[] fields, byte[]? image = null)
    {
        var browser = Server.Browser();
        var page = await browser.Get(thread is { } t ? $"/{slug}/thread/{t}" : $"/{slug}/");
        using var form = new MultipartFormDataContent();
        foreach (var hidden in page.Form($"/{slug}/post").QuerySelectorAll("input[type=hidden]"))
        {
            form.Add(new StringContent(hidden.GetAttribute("value") ?? ""), hidden.GetAttribute("name")!);
        }
        foreach (var (name, value) in fields)
        {
            form.Add(new StringContent(value), name);
        }
        if (image is not null)
        {
            var file = new ByteArrayContent(image);
            file.Headers.ContentType = new("image/png");
            form.Add(file, "file", "cat.png");
        }
        var response = await browser.Client.PostAsync(new Uri($"/{slug}/post", UriKind.Relative), form);
        Assert.True(response.StatusCode == HttpStatusCode.SeeOther, $"Posting was answered {response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        var location = response.Headers.Location!.OriginalString;
        return long.Parse(location[(location.LastIndexOf("#p", StringComparison.Ordinal) + 2)..], CultureInfo.InvariantCulture);
    }

    public Task DisposeAsync() => Server.DisposeAsync();

    public void Dispose() => _scratch.Dispose();
}
