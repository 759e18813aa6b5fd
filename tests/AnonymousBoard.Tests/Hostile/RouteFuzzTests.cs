using System.Globalization;
using System.Text;
using AnonymousBoard.Tests.Support;
using Xunit.Abstractions;

namespace AnonymousBoard.Tests.Hostile;

/// <summary>
/// Every route parameter and query parameter (from the route table, Hosting/Routes.cs), fuzzed with exact bytes on the socket: percent-encoded hostile values, and raw bytes
/// no client library would put in a request line.
/// </summary>
public sealed class RouteFuzzTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly BoardServer _server = NaughtyInputs.Server();
    private long _thread;
    private string _staffCookie = "";

    public async Task InitializeAsync()
    {
        await _server.InitializeAsync();
        _thread = await Moderation.StaffKit.Post(_server, "b", "a thread for the routes");
        await Moderation.StaffKit.Post(_server, "b", "a reply", _thread);
        Moderation.StaffKit.AddStaff(_server, "admin", "admin");
        // Staff pages take their parameters too; the raw requests carry the session cookie.
        var cookies = new System.Net.CookieContainer();
        using var handler = new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = cookies };
        using var client = new HttpClient(handler) { BaseAddress = _server.BaseAddress };
        var form = await new WebBrowser(client).Get("/mod/login");
        var (response, _) = await new WebBrowser(client).Submit(form, "/mod/login", Moderation.StaffKit.Fields(("name", "admin"), ("password", Moderation.StaffKit.Password)));
        Assert.Equal(System.Net.HttpStatusCode.SeeOther, response.StatusCode);
        _staffCookie = cookies.GetCookieHeader(new Uri(_server.BaseAddress, "/mod/"));
    }

    public Task DisposeAsync() => _server.DisposeAsync();

    /// <summary>
    /// Every parameter of every route, "{}" standing for the hostile value. From the route table in
    /// Hosting/Routes.cs: the pages and the endpoints (signed files, media, the stylesheet, the log
    /// export, the error page).
    /// </summary>
    public static IReadOnlyList<string> Routes(string thread) =>
    [
        "/{}", "/{}/", "/{}/page/2", "/b/page/{}", "/{}/catalog", "/{}/rules", $"/{{}}/thread/{thread}", "/b/thread/{}",
        $"/b/thread/{thread}?quote={{}}", "/b/report/{}", $"/{{}}/report/{thread}", $"/b/report/{thread}?sent={{}}",
        "/b/signed/{}", $"/b/signed/{thread}/{{}}", "/b/signed/{}/message.txt", "/{}/post", "/{}/delete",
        "/pseudonym/{}", "/modlog?before={}", "/appeal?ban={}", "/error/{}", "/media/{}/x.png", "/media/ab/{}",
        "/static/{}", "/modlog.txt?{}", "/b/?handler={}", "/?{}={}",
        "/mod?board={}&no=1", "/mod?board=b&no={}", "/mod/board/{}", "/mod/thread/b/{}", "/mod/thread/{}/1",
        "/mod/post/b/{}", "/mod/post/{}/1", "/mod/purge?kind={}&value=x", "/mod/purge?kind=tripcode&value={}",
        "/mod/boards?edit={}", "/mod/bans?board={}&kind={}", "/mod/login?ReturnUrl={}",
    ];

    [Fact]
    public async Task Every_route_and_query_parameter_survives_hostile_values()
    {
        var seed = NaughtyInputs.Seed;
        var log = new FuzzLog(_server.DataDirectory) { AllowBareBadRequest = true };
        var values = NaughtyInputs.Sample(NaughtyInputs.Full ? NaughtyInputs.Blns.Count : 30, 8, seed);
        var thread = _thread.ToString(CultureInfo.InvariantCulture);
        var requests = Routes(thread).SelectMany(route => values.Select(value => (route, value))).ToList();
        // A few at a time, as several readers would; the answers are checked one by one.
        await Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (request, ct) =>
        {
            var (route, value) = request;
            // Percent-encoded, so the server decodes the exact bytes (invalid UTF-8 included);
            // raw bytes in the request line are the next test's.
            var target = route.Replace("{}", FormFuzzer.PercentEncode(value.Bytes), StringComparison.Ordinal);
            if (target.Length > 8000)
            {
                target = target[..8000]; // past the request-line limit is the next test's too
            }
            var cookie = route.StartsWith("/mod", StringComparison.Ordinal) ? $"Cookie: {_staffCookie}\r\n" : "";
            var response = await RawHttp.Get(_server.BaseAddress, target, extraHeaders: cookie);
            lock (log)
            {
                log.Check($"GET {route} {{}}={value.What}", response.Message, response.Body, value.Text);
                log.KeepForValidation($"{route}|{(int)response.Status}|{value.What.Split(' ')[0]}", $"GET {route} {value.What}", response.Message, response.Body);
            }
        });
        await log.CheckValidity([]);
        output.WriteLine(log.Summary($"{Routes(thread).Count} routes", seed));
        log.AssertClean($"{Routes(thread).Count} routes", seed);
    }

    [Fact]
    public async Task Raw_bytes_NULs_and_overlong_targets_in_the_request_line_get_a_plain_refusal()
    {
        var seed = NaughtyInputs.Seed;
        var log = new FuzzLog(_server.DataDirectory) { AllowBareBadRequest = true };
        var random = new Random(seed);
        var targets = new List<(string What, byte[] Target)>
        {
            ("NUL in the path", [.. "/b/\0/"u8]),
            ("NUL in the query", [.. "/b/thread/1?quote=\0"u8]),
            ("invalid UTF-8 in the path", [.. "/b/"u8, 0xFF, 0xFE, .. "/"u8]),
            ("overlong slash", [.. "/"u8, 0xC0, 0xAF, .. "etc/passwd"u8]),
            ("raw UTF-8 in the path", Encoding.UTF8.GetBytes("/ｂ/thread/１")),
            ("dot segments", [.. "/b/../../../../etc/passwd"u8]),
            ("encoded dot segments", [.. "/media/%2e%2e/%2e%2e/board.db"u8]),
            ("backslashes", [.. "/media\\..\\..\\board.db"u8]),
            ("absolute form for another host", [.. "http://evil.example/b/"u8]),
            ("asterisk form", [.. "*"u8]),
            ("no leading slash", [.. "b/"u8]),
            ("a space in the path", [.. "/b/ thread"u8]),
            ("a tab in the path", [.. "/b/\tthread"u8]),
            ("a 9 KB path", Encoding.ASCII.GetBytes("/" + new string('a', 9000))),
            ("a 100 KB query", Encoding.ASCII.GetBytes("/b/?x=" + new string('q', 100_000))),
        };
        for (var i = 0; i < (NaughtyInputs.Full ? 1000 : 150); i++)
        {
            var bytes = new byte[random.Next(1, 120)];
            random.NextBytes(bytes);
            // CR and LF would end the request line: that is a different request, not a hostile path.
            targets.Add(($"random bytes #{i} (seed {seed})", [.. "/"u8, .. bytes.Select(b => b is (byte)'\r' or (byte)'\n' or (byte)' ' ? (byte)'x' : b)]));
        }
        foreach (var (what, target) in targets)
        {
            var response = await RawHttp.Get(_server.BaseAddress, target);
            log.Check($"GET {what}", response.Message, response.Body);
            if ((int)response.Status is >= 300 and < 400)
            {
                log.Fail($"GET {what}: a redirect ({(int)response.Status} to {response.Message.Headers.Location})");
            }
        }
        output.WriteLine(log.Summary("raw request lines", seed));
        log.AssertClean("raw request lines", seed);
    }
}
