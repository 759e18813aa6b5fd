using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using AnonymousBoard.Gate;
using AnonymousBoard.Tests.Support;

namespace AnonymousBoard.Tests.Gate;

/// <summary>
/// The gate in front of the real posting form, reached as tor reaches it: over the board's unix
/// socket, each connection starting with tor's PROXY line naming its circuit.
/// </summary>
public sealed class GatePostingTests : IAsyncLifetime
{
    private readonly SocketBoard _board = new();

    private BoardServer Server => _board.Server;

    /// <summary>Each test picks the gate's settings; the board starts in the test.</summary>
    private Task Start(params string[] gate) => _board.StartAsync(gate);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _board.DisposeAsync();

    private HttpClient Circuit(uint circuit) => _board.Circuit(circuit);

    private static async Task<Page> Form(HttpClient client) =>
        await WebBrowser.Read(await client.GetAsync(new Uri("/b/", UriKind.Relative)), "/b/");

    private static async Task<(HttpResponseMessage Response, Page Page)> Send(HttpClient client, string ticket, string body, string? stamp = null)
    {
        var fields = new List<KeyValuePair<string, string>> { new("ticket", ticket), new("body", body), new("subject", "typed subject") };
        if (stamp is not null)
        {
            fields.Add(new("stamp", stamp));
        }
        using var form = new FormUrlEncodedContent(fields);
        var response = await client.PostAsync(new Uri("/b/post", UriKind.Relative), form);
        return (response, await WebBrowser.Read(response, "/b/post"));
    }

    private static void AssertRefusedWithTextKept(HttpResponseMessage response, Page page, string body, string reason)
    {
        Assert.NotEqual(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Contains(reason, page.Document.QuerySelector("[role=alert]")!.TextContent, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(body, page.Field("/b/post", "body"));
        Assert.Equal("typed subject", page.Field("/b/post", "subject"));
        Assert.NotNull(page.Field("/b/post", "ticket"));
    }

    [Fact]
    public async Task A_ticket_from_one_circuit_is_refused_on_another()
    {
        await Start("--Board:Gate:TimeLock=false");
        using var a = Circuit(0x84);
        using var b = Circuit(0x85);
        var ticket = (await Form(a)).Field("/b/post", "ticket")!;

        var (refused, page) = await Send(b, ticket, "sent on the wrong circuit");
        AssertRefusedWithTextKept(refused, page, "sent on the wrong circuit", "circuit");

        Assert.Equal(HttpStatusCode.SeeOther, (await Send(a, ticket, "sent on the right circuit")).Response.StatusCode);
    }

    [Fact]
    public async Task An_early_submit_is_refused_with_the_text_kept_and_the_same_submit_after_the_lock_is_accepted()
    {
        await Start("--Board:Gate:TimeLock=true", "--Board:Gate:Level=calm");
        using var client = Circuit(7);
        var form = await Form(client);
        var opens = form.Document.QuerySelectorAll("p.hint").Select(p => p.TextContent).Single(t => t.StartsWith("You can post from", StringComparison.Ordinal));
        Assert.Matches(@"\d{2}:\d{2}:\d{2} UTC", opens);
        var ticket = form.Field("/b/post", "ticket")!;

        var (early, page) = await Send(client, ticket, "written in a hurry");
        AssertRefusedWithTextKept(early, page, "written in a hurry", "too early");

        await Task.Delay(TimeSpan.FromSeconds(6)); // the calm time lock is 5 s
        var (late, _) = await Send(client, ticket, "written in a hurry");
        Assert.Equal(HttpStatusCode.SeeOther, late.StatusCode);
    }

    [Fact]
    public async Task A_spent_ticket_cannot_be_used_again()
    {
        await Start("--Board:Gate:TimeLock=false");
        using var client = Circuit(9);
        var ticket = (await Form(client)).Field("/b/post", "ticket")!;
        Assert.Equal(HttpStatusCode.SeeOther, (await Send(client, ticket, "first use")).Response.StatusCode);

        var (again, page) = await Send(client, ticket, "second use, different text");
        AssertRefusedWithTextKept(again, page, "second use, different text", "already");
    }

    [RequiresToolsFact("hashcash")]
    public async Task At_busy_level_a_stamp_from_the_real_hashcash_tool_pays_and_a_weak_or_foreign_one_does_not()
    {
        await Start("--Board:Gate:TimeLock=false", "--Board:Gate:Level=busy");
        using var client = Circuit(11);
        var form = await Form(client);
        Assert.Equal("busy", form.Document.QuerySelector(".gate strong")!.TextContent);
        var hint = form.Document.GetElementById("f-stamp-hint")!.TextContent;
        var command = Regex.Match(hint, @"hashcash -m -b (\d+) ([0-9a-f]+)");
        Assert.True(command.Success, hint);
        var (bits, resource) = (command.Groups[1].Value, command.Groups[2].Value);
        var ticket = form.Field("/b/post", "ticket")!;

        var weak = await Mint("8", resource);
        var (refusedWeak, page) = await Send(client, ticket, "with too little work", weak);
        AssertRefusedWithTextKept(refusedWeak, page, "with too little work", "bits");

        var foreign = await Mint(bits, "0123456789abcdef0123456789abcdef");
        var (refusedForeign, page2) = await Send(client, ticket, "with work for another form", foreign);
        AssertRefusedWithTextKept(refusedForeign, page2, "with work for another form", "resource");

        var (paid, _) = await Send(client, ticket, "with the work paid", await Mint(bits, resource));
        Assert.Equal(HttpStatusCode.SeeOther, paid.StatusCode);
    }

    private static async Task<string> Mint(string bits, string resource)
    {
        var (exit, output, error) = await Tools.RunAsync("hashcash", ["-m", "-q", "-b", bits, resource], TimeSpan.FromMinutes(2));
        Assert.True(exit == 0, error);
        return output.Trim();
    }

    [Fact]
    public async Task A_circuit_ban_refuses_posts_from_that_circuit_only()
    {
        await Start("--Board:Gate:TimeLock=false");
        Moderation.StaffKit.AddStaff(Server, "mod", "moderator", "--global");
        var staff = await Moderation.StaffKit.SignIn(Server, "mod");
        var bans = await staff.Get("/mod/bans");
        var (banned, _) = await staff.Submit(bans, "/mod/bans?handler=ban", new Dictionary<string, string?>
        {
            ["board"] = "b", ["kind"] = "circuit", ["value"] = "4242", ["hours"] = "2", ["reason"] = "flooding from one circuit",
        });
        Assert.Equal(HttpStatusCode.OK, banned.StatusCode);

        using var bannedCircuit = Circuit(4242);
        var (refused, page) = await Send(bannedCircuit, (await Form(bannedCircuit)).Field("/b/post", "ticket")!, "from the banned circuit");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("flooding from one circuit", page.Html, StringComparison.Ordinal);
        Assert.Equal("from the banned circuit", page.Field("/b/post", "body"));

        using var other = Circuit(4243);
        Assert.Equal(HttpStatusCode.SeeOther, (await Send(other, (await Form(other)).Field("/b/post", "ticket")!, "another circuit")).Response.StatusCode);
    }

    [Fact]
    public async Task The_posting_level_is_shown_on_every_board_page()
    {
        await Start("--Board:Gate:Level=flood");
        using var client = Circuit(3);
        foreach (var path in new[] { "/b/", "/b/catalog" })
        {
            var page = await WebBrowser.Read(await client.GetAsync(new Uri(path, UriKind.Relative)), path);
            Assert.Equal("flood", page.Document.QuerySelector(".gate strong")!.TextContent);
        }
    }
}
