using AnonymousBoard.Tests.Support;
using Microsoft.Playwright;

namespace AnonymousBoard.Tests.Clients;

/// <summary>
/// A moderator in Chromium with JavaScript off: signs in, finds a post through the staff pages,
/// deletes it, and a reader then finds the deletion in the public log.
/// </summary>
[Collection(ClientSuite.Name)]
[Trait("Category", "Clients")]
public sealed class ChromiumStaffScenarios(Chromium chromium, FreshBoard fresh) : IClassFixture<FreshBoard>
{
    private readonly BoardServer board = fresh.Server;
    private const string Password = "a staff password long enough";

    [Fact]
    public async Task A_moderator_signs_in_deletes_a_post_and_the_public_log_shows_it()
    {
        // The operator adds the moderator with the real command, as the README says.
        var (code, output) = board.RunCliWithInput(Password + "\n", "staff", "add", "mina", "--role", "moderator", "--global", "--handle", "mina-mod", "--password-stdin");
        Assert.True(code == 0, output);

        await using var poster = await Person.OpenBrowser(chromium, board.BaseAddress);
        await poster.Open("/b/");
        var form = poster.Form("Start a new thread");
        await poster.Type("Subject", "A thread with a bad reply", form);
        await poster.Type("Comment", "Please keep it civil.", form);
        await poster.Press("Post", form);
        var op = poster.PostNumberInAddress();
        form = poster.FormStartingWith("Reply to thread");
        await poster.Type("Comment", "A reply that breaks the rules.", form);
        await poster.Press("Post", form);
        var bad = poster.PostNumberInAddress();

        await using var moderator = await Person.OpenBrowser(chromium, board.BaseAddress);
        await moderator.Open("/mod");
        Assert.Equal("/mod/login", moderator.Location);
        await moderator.Type("Name", "mina");
        await moderator.Type("Password", Password);
        await moderator.Press("Sign in");

        Assert.Equal("/mod/", moderator.Location);
        Assert.Contains("Signed in as mina-mod", await moderator.Text(), StringComparison.Ordinal);
        await moderator.Screenshot("mod-dashboard");
        await moderator.Follow("/b/", within: moderator.Page.Locator("section").Filter(new() { HasText = "A post by number" }));
        await moderator.Follow("A thread with a bad reply");
        Assert.Equal($"/mod/thread/b/{op}", moderator.Location);
        await moderator.Follow("mod", within: moderator.Post(bad));

        Assert.Equal($"/mod/post/b/{bad}", moderator.Location);
        Assert.Contains("A reply that breaks the rules.", await moderator.Text(), StringComparison.Ordinal);
        await moderator.Screenshot("mod-post");
        await moderator.Tick("Delete post");
        await moderator.Type("Reason (public, in the log)", "rule 2: be civil");
        await moderator.Press("Do it");
        Assert.Contains($"No. {bad}", await moderator.Page.GetByRole(AriaRole.Status).InnerTextAsync(), StringComparison.Ordinal);

        // A reader, with no cookie, finds the post gone and the deletion in the log.
        await poster.Open($"/b/thread/{op}");
        Assert.Equal(0, await poster.Post(bad).CountAsync());
        Assert.Equal(1, await poster.Post(op).CountAsync());
        await poster.Follow("Moderation log");
        Assert.Equal("/modlog", poster.Location);
        var newest = poster.Page.Locator("tbody tr").First;
        var cells = await newest.Locator("td").AllInnerTextsAsync();
        Assert.Equal("mina-mod", cells[2]);
        Assert.Contains("delete", cells[3], StringComparison.Ordinal);
        Assert.StartsWith($"/b/{bad}\n", cells[4], StringComparison.Ordinal);
        Assert.Equal("rule 2: be civil", cells[5]);
        Assert.DoesNotContain("breaks the rules", await poster.Text(), StringComparison.Ordinal);
    }
}
