using System.Net;
using AnonymousBoard.Moderation;
using AnonymousBoard.Tests.Support;
using static AnonymousBoard.Tests.Moderation.StaffKit;

namespace AnonymousBoard.Tests.Moderation;

public sealed class SignInTests : IAsyncLifetime
{
    private readonly BoardServer _server = new() { Settings = { "--Board:Moderation:SignInFailuresGlobal=8" } };

    public async Task InitializeAsync()
    {
        await _server.InitializeAsync();
        AddStaff(_server, "alice", "admin");
        AddStaff(_server, "bob", "janitor", "--boards", "b");
    }

    public Task DisposeAsync() => _server.DisposeAsync();

    private async Task<Page> TryPassword(string name, string password)
    {
        var browser = _server.StaffBrowser();
        var login = await browser.Get("/mod/login");
        var (_, landed) = await browser.Submit(login, "/mod/login", Fields(("name", name), ("password", password)));
        return landed!;
    }

    [Fact]
    public async Task An_unknown_name_and_a_wrong_password_get_the_same_answer_and_no_password_is_shown()
    {
        var unknown = await TryPassword("mallory", "guess number one!");
        var wrong = await TryPassword("alice", "guess number two!");
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.Status);
        Assert.Equal(unknown.Status, wrong.Status);
        Assert.Equal(unknown.Document.QuerySelector(".errors")!.TextContent, wrong.Document.QuerySelector(".errors")!.TextContent);
        Assert.DoesNotContain("guess number", unknown.Html + wrong.Html, StringComparison.Ordinal);
        Assert.Equal("", wrong.Document.QuerySelector("#l-password")!.GetAttribute("value") ?? "");
    }

    [Fact]
    public void The_throttle_forgets_failures_after_its_window()
    {
        var time = new ManualTime();
        var throttle = new SignInThrottle(time, perAccount: 2, globalPerWindow: 100, window: TimeSpan.FromMinutes(10));
        throttle.Failed("x");
        Assert.Null(throttle.RetryAfter("x"));
        throttle.Failed("x");
        Assert.NotNull(throttle.RetryAfter("x"));
        Assert.Null(throttle.RetryAfter("y"));
        time.Now += TimeSpan.FromMinutes(11);
        Assert.Null(throttle.RetryAfter("x"));
    }

    [Fact]
    public async Task Passwords_are_stored_as_argon2id_and_never_on_the_command_line()
    {
        var (code, output) = _server.RunCli("staff", "add", "carol", "--role", "janitor");
        Assert.Equal(2, code);
        Assert.Contains("--password-stdin", output, StringComparison.Ordinal);
        (code, output) = _server.RunCliWithInput("short\n", "staff", "add", "carol", "--role", "janitor", "--password-stdin");
        Assert.Equal(1, code);
        var list = _server.RunCli("staff", "list").Output;
        Assert.Contains("alice\tstaff-1\tadmin\tall", list, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, list, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, DatabaseCheck.EverythingStored(_server), StringComparison.Ordinal);

        Assert.Equal(0, _server.RunCliWithInput("another long password\n", "staff", "passwd", "bob", "--password-stdin").Code);
        Assert.Equal(HttpStatusCode.Unauthorized, (await TryPassword("bob", Password)).Status);
        Assert.Equal(0, _server.RunCli("staff", "remove", "bob").Code);
        Assert.DoesNotContain("bob", _server.RunCli("staff", "list").Output, StringComparison.Ordinal);
    }

    private sealed class ManualTime : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
        public override DateTimeOffset GetUtcNow() => Now;
    }
}

/// <summary>Its own board: the lockout it causes must not reach other tests.</summary>
public sealed class SignInLockoutTests : IAsyncLifetime
{
    private readonly BoardServer _server = new() { Settings = { "--Board:Moderation:SignInFailuresGlobal=8" } };

    public async Task InitializeAsync()
    {
        await _server.InitializeAsync();
        AddStaff(_server, "alice", "admin");
        AddStaff(_server, "bob", "janitor", "--boards", "b");
    }

    public Task DisposeAsync() => _server.DisposeAsync();

    private async Task<Page> TryPassword(string name, string password)
    {
        var browser = _server.StaffBrowser();
        var login = await browser.Get("/mod/login");
        var (_, landed) = await browser.Submit(login, "/mod/login", Fields(("name", name), ("password", password)));
        return landed!;
    }

    [Fact]
    public async Task An_account_is_locked_after_five_failures_even_for_the_right_password_and_then_the_whole_board()
    {
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await TryPassword("bob", $"wrong {i} password")).Status);
        }
        var locked = await TryPassword("bob", Password);
        Assert.Equal(HttpStatusCode.TooManyRequests, locked.Status);
        Assert.Contains("Too many failed sign-ins", locked.Html, StringComparison.Ordinal);
        // Unknown names are locked just the same: the answer does not reveal who exists.
        for (var i = 0; i < 5; i++)
        {
            await TryPassword("nobody", $"wrong {i} password");
        }
        // Eight failures in the window (the configured global limit): nobody signs in now, not even alice.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await TryPassword("alice", Password)).Status);
    }

}
