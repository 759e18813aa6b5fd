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
