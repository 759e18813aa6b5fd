using System.Globalization;
using AnonymousBoard.Tests.Support;
using Microsoft.Playwright;

namespace AnonymousBoard.Tests.Clients;

/// <summary>
/// A person in Chromium with JavaScript off, as on Tor Browser's Safest level, clicking and typing
/// through everything the board offers. Each scenario starts from a link a person would see.
/// </summary>
[Collection(ClientSuite.Name)]
[Trait("Category", "Clients")]
public sealed class ChromiumScenarios(Chromium chromium, FreshBoard fresh) : IClassFixture<FreshBoard>
{
    private readonly BoardServer board = fresh.Server;
    private const string BoardLink = "/b/ – General";

    private Task<Person> Arrive() => Person.OpenBrowser(chromium, board.BaseAddress);

    [Fact]
    public async Task Open_the_board_from_the_list_of_boards()
    {
        await using var person = await Arrive();
        var response = await person.Open("/");
        Assert.Equal(200, response.Status);
        Assert.Equal("AnonymousBoard", await person.Page.TitleAsync());

        await person.Follow(BoardLink);

        Assert.Equal("/b/", person.Location);
        Assert.Contains("Start a new thread", await person.Text(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_a_thread()
    {
        await using var person = await Arrive();
        await person.Open("/");
        await person.Follow(BoardLink);
        var form = person.Form("Start a new thread");

        await person.Type("Subject", "Typed by hand", form);
        await person.Type("Comment", "The first post, typed key by key.\n>and a line of greentext", form);
        await person.Press("Post", form);

        Assert.StartsWith("/b/thread/", person.Location, StringComparison.Ordinal);
        var op = person.Post(person.PostNumberInAddress());
        Assert.Contains("Typed by hand", await op.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(">and a line of greentext", await op.Locator(".greentext").InnerTextAsync());
        Assert.Equal("Typed by hand", (await person.Page.GetByRole(AriaRole.Heading, new() { Level = 2 }).First.InnerTextAsync()).Trim());
    }

    [Fact]
    public async Task Reply_quoting_a_post_through_its_Reply_link_and_find_the_backlink()
    {
        await using var person = await Arrive();
        var op = await StartThread(person, "Quote me", "Something worth quoting.");

        await person.Follow("Reply", within: person.Post(op));

        Assert.Equal($"/b/thread/{op}?quote={op}#reply", person.Location);
        var form = person.Form($"Reply to thread No. {op}");
        Assert.Equal($">>{op}\n", await person.ValueOf("Comment", form));
        await person.Type("Comment", "I quoted this by following its Reply link.", form);
        await person.Press("Post", form);

        var reply = person.PostNumberInAddress();
        Assert.Equal($"/b/thread/{op}#p{reply}", person.Location);
        var quote = person.Post(reply).GetByRole(AriaRole.Link, new() { Name = $">>{op}", Exact = true });
        Assert.Equal($"/b/thread/{op}#p{op}", await quote.GetAttributeAsync("href"));
        Assert.Contains("I quoted this", await person.Post(reply).InnerTextAsync(), StringComparison.Ordinal);

        // The quoted post now lists the reply under "Replies:", and the backlink leads to it.
        var backlinks = person.Post(op).Locator(".backlinks");
        Assert.Equal($"Replies: >>{reply}", (await backlinks.InnerTextAsync()).Trim());
        await person.Follow($">>{reply}", within: person.Post(op));
        Assert.EndsWith($"#p{reply}", person.Location, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_ones_own_post_with_its_password_after_a_wrong_try()
    {
        await using var person = await Arrive();
        var op = await StartThread(person, "Regrets", "A thread where someone regrets a reply.");
        var form = person.FormStartingWith("Reply to thread");
        await person.Type("Comment", "A reply I will take back.", form);
        await person.Type("Password", "hunter2", form);
        await person.Press("Post", form);
        var reply = person.PostNumberInAddress();

        var delete = person.Form("Delete your post");
        await person.Type("Post No.", reply.ToString(CultureInfo.InvariantCulture), delete);
        await person.Type("Password", "hunter3", delete);
        await person.Press("Delete", delete);

        Assert.Contains($"Wrong password for post No. {reply}.", await person.Text(), StringComparison.Ordinal);
        delete = person.Form("Delete your post");
        Assert.Equal(reply.ToString(CultureInfo.InvariantCulture), await person.ValueOf("Post No.", delete));
        await person.Type("Password", "hunter2", delete);
        await person.Press("Delete", delete);

        Assert.Equal($"/b/thread/{op}", person.Location);
        Assert.Equal(0, await person.Post(reply).CountAsync());
        Assert.DoesNotContain("A reply I will take back.", await person.Text(), StringComparison.Ordinal);
        Assert.Equal(1, await person.Post(op).CountAsync());
    }

    [Fact]
    public async Task A_rejected_post_keeps_everything_that_was_typed()
    {
        await using var person = await Arrive();
        await person.Open("/b/");
        var form = person.Form("Start a new thread");
        await person.Type("Name", "Keeper", form);
        await person.Type("Subject", "Kept subject", form);
        await person.Type("Password", "kept password", form);
        await person.Press("Post", form);

        Assert.Contains("A new thread needs a comment.", await person.Text(), StringComparison.Ordinal);
        Assert.Contains("Everything you typed is still in the form below.", await person.Text(), StringComparison.Ordinal);
        form = person.Form("Start a new thread");
        Assert.Equal("Keeper", await person.ValueOf("Name", form));
        Assert.Equal("Kept subject", await person.ValueOf("Subject", form));
        Assert.Equal("kept password", await person.ValueOf("Password", form));

        // Too many lines this time: the long comment comes back exactly as it was pasted.
        var tooLong = string.Join('\n', Enumerable.Range(1, 151).Select(i => $"line {i} of a comment that is too long"));
        await person.Paste("Comment", tooLong, form);
        await person.Press("Post", form);
        Assert.Contains("The comment has 151 lines", await person.Text(), StringComparison.Ordinal);
        form = person.Form("Start a new thread");
        Assert.Equal(tooLong, await person.ValueOf("Comment", form));
        Assert.Equal("Kept subject", await person.ValueOf("Subject", form));

        // Trimmed to fit, the same form goes through.
        await person.Paste("Comment", string.Join('\n', tooLong.Split('\n').Take(3)), form);
        await person.Press("Post", form);
        Assert.StartsWith("/b/thread/", person.Location, StringComparison.Ordinal);
        var op = person.Post(person.PostNumberInAddress());
        Assert.Contains("Kept subject", await op.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("Keeper", await op.InnerTextAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Attach_a_photo_and_see_its_thumbnail()
    {
        using var scratch = new AnonymousBoard.Tests.Media.MediaScratch();
        var photo = AnonymousBoard.Tests.Media.TestImages.Noise(scratch, "holiday.jpg", 640, 480, blur: 2);
        await using var person = await Arrive();
        // Every answer the browser gets, so the test sees what Chromium itself fetched for the <img>.
        var fetched = new System.Collections.Concurrent.ConcurrentQueue<IResponse>();
        person.Page.Response += (_, response) => fetched.Enqueue(response);
        await person.Open("/b/");
        var form = person.Form("Start a new thread");
        await person.Type("Subject", "A photo", form);
        await person.Type("Comment", "Sent through the file field.", form);
        await person.Choose("Image", photo, form);
        await person.Press("Post", form);

        var op = person.Post(person.PostNumberInAddress());
        Assert.Contains("JPEG, 640×480", await op.Locator(".file-info").InnerTextAsync(), StringComparison.Ordinal);
        var thumbnail = op.GetByRole(AriaRole.Img);
        var src = await thumbnail.GetAttributeAsync("src") ?? "";
        Assert.StartsWith("/media/", src, StringComparison.Ordinal);
        Assert.Equal(("250", "188"), (await thumbnail.GetAttributeAsync("width"), await thumbnail.GetAttributeAsync("height")));

        // Chromium fetched the thumbnail, got a WebP image, and decoded it at the size the page declares.
        var answer = Assert.Single(fetched, r => new Uri(r.Url).AbsolutePath == src);
        Assert.Equal(200, answer.Status);
        Assert.Equal("image/webp", (await answer.AllHeadersAsync())["content-type"]);
        var bytes = await answer.BodyAsync();
        Assert.Equal("RIFF", System.Text.Encoding.ASCII.GetString(bytes, 0, 4));
        Assert.Equal("WEBP", System.Text.Encoding.ASCII.GetString(bytes, 8, 4));
        var decoded = await thumbnail.EvaluateAsync<int[]>("img => [img.naturalWidth, img.naturalHeight]");
        Assert.Equal((250, 188), (decoded[0], decoded[1]));

        // The thumbnail links to the full picture, re-encoded as JPEG.
        await person.Follow(await thumbnail.GetAttributeAsync("alt") ?? "", within: op);
        Assert.EndsWith(".jpg", person.Location, StringComparison.Ordinal);
        var full = Assert.Single(fetched, r => new Uri(r.Url).AbsolutePath == person.Location);
        Assert.Equal("image/jpeg", (await full.AllHeadersAsync())["content-type"]);
    }

    [Fact]
    public async Task Post_with_a_classic_tripcode()
    {
        await using var person = await Arrive();
        await person.Open("/b/");
        var form = person.Form("Start a new thread");
        await person.Type("Name", "Keeper#tripcode", form);
        await person.Type("Comment", "Signed the old way.", form);
        await person.Press("Post", form);

        var op = person.Post(person.PostNumberInAddress());
        Assert.Equal("Keeper", (await op.Locator(".name").InnerTextAsync()).Trim());
        // The 4chan tripcode of "tripcode" (Vectors/tripcodes_4chan.tsv): the same on every board.
        Assert.Equal("!3GqYIJ3Obs", await op.Locator(".trip").InnerTextAsync());
        Assert.DoesNotContain("#tripcode", await person.Page.ContentAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_with_a_passphrase_and_follow_the_pseudonym_to_its_posts()
    {
        const string passphrase = "lantern orchard quietly bicycle";
        await using var person = await Arrive();
        await person.Open("/b/");
        var form = person.Form("Start a new thread");
        await person.Type("Comment", "Signed with a passphrase.", form);
        await person.Unfold("Tripcodes and signing (optional)", form);
        await person.Type("Signing passphrase", passphrase, form);
        await person.Press("Post", form);

        var no = person.PostNumberInAddress();
        var thread = person.Location;
        using var key = AnonymousBoard.Identity.PseudonymKey.Derive(passphrase);
        var fingerprint = AnonymousBoard.Identity.Fingerprint.Of(key.PublicKey);
        Assert.DoesNotContain(passphrase, await person.Page.ContentAsync(), StringComparison.Ordinal);
        await person.Follow(fingerprint, within: person.Post(no));

        Assert.Equal($"/pseudonym/{fingerprint}", person.Location);
        Assert.Contains($"Posts signed by {fingerprint}", await person.Text(), StringComparison.Ordinal);
        Assert.Contains("Signed with a passphrase.", await person.Post(no).InnerTextAsync(), StringComparison.Ordinal);

        // The same passphrase on a reply joins the same list.
        await person.Open(thread);
        form = person.FormStartingWith("Reply to thread");
        await person.Type("Comment", "Still me.", form);
        await person.Unfold("Tripcodes and signing (optional)", form);
        await person.Type("Signing passphrase", passphrase, form);
        await person.Press("Post", form);
        var reply = person.PostNumberInAddress();
        await person.Follow(fingerprint, within: person.Post(reply));
        Assert.Equal(2, await person.Page.Locator("article.post").CountAsync());
    }

    [Fact]
    public async Task Wait_out_the_time_lock_and_post_from_the_page_that_said_wait()
    {
        // The gate as shipped: the calm level's time lock (5 s) on. It applies to every form,
        // reached over tor's socket or, as here, over loopback with no circuit.
        var locked = new BoardServer();
        locked.Settings.Add("--Board:Gate:TimeLock=true");
        await locked.InitializeAsync();
        try
        {
            await using var person = await Person.OpenBrowser(chromium, locked.BaseAddress);
            await person.Open("/b/");
            var form = person.Form("Start a new thread");
            var opens = OpensAt(await form.InnerTextAsync());
            // Pasted, not typed key by key: on a loaded machine typing these took Chromium more than the lock's 5 s.
            await person.Paste("Subject", "In a hurry", form);
            await person.Paste("Comment", "Posted at once.", form);
            await person.Press("Post", form);

            Assert.True(person.Location == "/b/post",
                $"The post went through before its time lock ended: {person.Location}, {DateTimeOffset.UtcNow - opens} after the form said it would open.");
            var alert = await person.Page.GetByRole(AriaRole.Alert).InnerTextAsync();
            Assert.True(alert.Contains("Too early: this form can be posted in", StringComparison.Ordinal), alert);
            Assert.Contains("Everything you typed is still in the form below.", alert, StringComparison.Ordinal);
            form = person.Form("Start a new thread");
            Assert.Equal("In a hurry", await person.ValueOf("Subject", form));
            Assert.Equal("Posted at once.", await person.ValueOf("Comment", form));
            // The page says the same time again: the form keeps its place, no fresh wait.
            Assert.Equal(opens, OpensAt(await form.InnerTextAsync()));

            // A person reads the time, waits for it, and presses Post again.
            var wait = opens - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(300);
            Assert.InRange(wait, TimeSpan.Zero, TimeSpan.FromSeconds(10));
            await Task.Delay(wait);
            await person.Press("Post", form);

            Assert.StartsWith("/b/thread/", person.Location, StringComparison.Ordinal);
            Assert.Contains("Posted at once.", await person.Post(person.PostNumberInAddress()).InnerTextAsync(), StringComparison.Ordinal);
        }
        finally
        {
            await locked.DisposeAsync();
        }
    }

    /// <summary>The time in the form's "You can post from 2026-03-01 12:04:31 UTC".</summary>
    private static DateTimeOffset OpensAt(string formText)
    {
        var m = System.Text.RegularExpressions.Regex.Match(formText, @"You can post from (\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}) UTC");
        Assert.True(m.Success, $"The form does not say when it can be posted:\n{formText}");
        return DateTimeOffset.ParseExact(m.Groups[1].Value, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
    }

    /// <summary>Starts a thread from the board index as a person would; returns its number.</summary>
    private static async Task<long> StartThread(Person person, string subject, string comment)
    {
        await person.Open("/b/");
        var form = person.Form("Start a new thread");
        await person.Type("Subject", subject, form);
        await person.Type("Comment", comment, form);
        await person.Press("Post", form);
        return person.PostNumberInAddress();
    }
}
