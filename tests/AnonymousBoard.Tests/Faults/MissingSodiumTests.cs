using System.Net;
using AnonymousBoard.Tests.Durability;
using AnonymousBoard.Tests.Support;

namespace AnonymousBoard.Tests.Faults;

/// <summary>
/// The built board in its own process, told to load libsodium from a path where there is none (a
/// system library cannot be hidden from a process any other way): it starts, says what is missing,
/// serves pages and anonymous posts, and refuses what needs libsodium with a message, never a 500.
/// </summary>
public sealed class MissingSodiumTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("anonboard-nosodium-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Fact]
    public async Task Without_libsodium_the_board_reads_and_takes_anonymous_posts_and_refuses_the_rest_with_a_message()
    {
        using var board = await BoardProcess.StartAsync(_data, "--Board:Libsodium=/nonexistent/libsodium.so.23");
        Assert.Contains("/nonexistent/libsodium.so.23 was not found", board.Output, StringComparison.Ordinal);
        using var client = board.Client();
        var browser = new WebBrowser(client);

        var (anonymous, thread) = await browser.Submit(await browser.Get("/b/"), "/b/post", new Dictionary<string, string?> { ["body"] = "anonymous still works" });
        Assert.Equal(HttpStatusCode.SeeOther, anonymous.StatusCode);
        Assert.Contains("anonymous still works", thread!.Html, StringComparison.Ordinal);
        // Classic tripcodes come from libcrypt, not libsodium.
        var (classic, withTrip) = await browser.Submit(thread, "/b/post", new Dictionary<string, string?> { ["name"] = "Anon#key", ["body"] = "classic tripcode" });
        Assert.Equal(HttpStatusCode.SeeOther, classic.StatusCode);
        Assert.Contains("!", withTrip!.Document.QuerySelectorAll(".trip").Select(t => t.TextContent).LastOrDefault() ?? "", StringComparison.Ordinal);

        foreach (var (field, value) in new[]
        {
            ("name", "Anon##secret"),
            ("passphrase", "correct horse battery staple"),
            ("signature", "-----BEGIN SSH SIGNATURE-----\nU1NIU0lHAAAAAQ==\n-----END SSH SIGNATURE-----"),
        })
        {
            var body = $"needs libsodium: {field}";
            var (response, page) = await browser.Submit(await browser.Get("/b/"), "/b/post", new Dictionary<string, string?> { [field] = value, ["body"] = body });
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("not available on this board at the moment", page!.Document.QuerySelector("[role=alert]")!.TextContent, StringComparison.Ordinal);
            Assert.Equal(body, page.Field("/b/post", "body"));
            // What to install is for the operator's log, not for posters.
            Assert.DoesNotContain("apt-get", page.Html, StringComparison.Ordinal);
        }

        foreach (var path in new[] { "/", "/b/catalog", "/modlog", "/modlog.txt", "/mod/login" })
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri(path, UriKind.Relative))).StatusCode);
        }
        var staff = new WebBrowser(new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true }) { BaseAddress = board.BaseAddress });
        var login = await staff.Get("/mod/login");
        var (signIn, refused) = await staff.Submit(login, "/mod/login", new Dictionary<string, string?> { ["name"] = "alice", ["password"] = "a long enough password" });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, signIn.StatusCode);
        Assert.Contains("Staff sign-in is unavailable", refused!.Html, StringComparison.Ordinal);

        Assert.False(board.HasExited);
        Assert.DoesNotContain("fail:", board.Output, StringComparison.Ordinal);
    }
}
