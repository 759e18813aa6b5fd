using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using AngleSharp.Html.Parser;
using AnonymousBoard.Tests.Media;
using AnonymousBoard.Tests.Moderation;
using AnonymousBoard.Tests.Support;

namespace AnonymousBoard.Tests.Hostile;

/// <summary>
/// What scanners of onion services look for, against the real server: headers that name the
/// software, file times in ETag or Last-Modified, traces, paths or the machine's name in error
/// pages (errors forced for real), absolute URLs, outside resources, status and debug endpoints,
/// and metadata in served images. The Date header (to the second) is the one clock the board
/// shows; the README says so.
/// </summary>
public sealed partial class LeakTests(LeakTests.Board board, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<LeakTests.Board>
{
    /// <summary>One board for the whole class: a thread, a photo with metadata, staff, and a damaged row.</summary>
    public sealed class Board : IAsyncLifetime, IDisposable
    {
        public BoardServer Server { get; } = new();
        public MediaScratch Scratch { get; } = new();
        public WebBrowser Admin { get; private set; } = null!;
        public long Thread { get; private set; }
        public long Corrupt { get; private set; }

        public async Task InitializeAsync()
        {
            await Server.InitializeAsync();
            StaffKit.AddStaff(Server, "admin", "admin");
            Admin = await StaffKit.SignIn(Server, "admin");
            Thread = await StaffKit.Post(Server, "b", "a thread with a [link](https://example.org/) and >>1");
            await StaffKit.Post(Server, "b", "a reply", Thread);
            // A photo with GPS and camera tags, posted as a browser would.
            var photo = TestImages.Marked(Scratch, "photo.jpg");
            TestImages.AddIdentifyingMetadata(Scratch, photo, embeddedThumbnail: true);
            using var form = new MultipartFormDataContent
            {
                { new StringContent(await Server.Ticket()), "ticket" },
                { new StringContent("a photo"), "body" },
                { new StringContent(Thread.ToString(CultureInfo.InvariantCulture)), "thread" },
                { new ByteArrayContent(await File.ReadAllBytesAsync(photo)), "file", "IMG_20261121_143002.jpg" },
            };
            var posted = await Server.Client().PostAsync(new Uri("/b/post", UriKind.Relative), form);
            Assert.Equal(HttpStatusCode.SeeOther, posted.StatusCode);
            // A thread whose row is damaged (a time no calendar holds): reading it throws inside the page.
            Corrupt = await StaffKit.Post(Server, "b", "a thread whose row will be damaged");
            using var connection = DatabaseCheck.Open(Server);
            Assert.Equal(1, DatabaseCheck.Execute(connection, "UPDATE posts SET created_at = 9223372036854775807 WHERE no = @no", ("no", Corrupt)));
        }

        public Task DisposeAsync() => Server.DisposeAsync();

        public void Dispose() => Scratch.Dispose();
    }

    private string[] PrivatePaths => [board.Server.DataDirectory];

    /// <summary>Every page a reader can reach by following links from the home page, and the staff pages.</summary>
    private async Task<List<(string Path, HttpResponseMessage Response, string Body)>> Crawl()
    {
        var seen = new HashSet<string>();
        var queue = new Queue<(string Path, HttpClient Client)>();
        var found = new List<(string, HttpResponseMessage, string)>();
        queue.Enqueue(("/", board.Server.Client()));
        queue.Enqueue(("/mod", board.Admin.Client));
        queue.Enqueue(("/modlog.txt", board.Server.Client()));
        while (queue.Count > 0 && found.Count < 150)
        {
            var (path, client) = queue.Dequeue();
            if (!seen.Add(path) || path.Contains("logout", StringComparison.Ordinal))
            {
                continue;
            }
            var response = await client.GetAsync(new Uri(path, UriKind.Relative));
            var body = await response.Content.ReadAsStringAsync();
            found.Add((path, response, body));
            if (response.Content.Headers.ContentType?.MediaType != "text/html")
            {
                continue;
            }
            foreach (var element in new HtmlParser().ParseDocument(body).QuerySelectorAll("a[href], img[src], link[href]"))
            {
                var url = (element.GetAttribute("href") ?? element.GetAttribute("src"))!.Split('#')[0];
                if (url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && url.Length > 0)
                {
                    queue.Enqueue((url, url.StartsWith("/mod", StringComparison.Ordinal) ? board.Admin.Client : client));
                }
            }
        }
        return found;
    }

    [Fact]
    public async Task No_response_names_the_software_and_no_file_time_leaks_through_etag_or_last_modified()
    {
        var pages = await Crawl();
        Assert.Contains(pages, p => p.Path.StartsWith("/media/", StringComparison.Ordinal) && p.Path.EndsWith("-thumb.webp", StringComparison.Ordinal));
        Assert.Contains(pages, p => p.Path.StartsWith("/media/", StringComparison.Ordinal) && p.Path.EndsWith(".jpg", StringComparison.Ordinal));
        Assert.Contains(pages, p => p.Path.StartsWith("/static/", StringComparison.Ordinal));
        var failures = new List<string>();
        foreach (var (path, response, _) in pages)
        {
            var headers = response.Headers.Concat(response.Content.Headers).ToList();
            foreach (var (name, values) in headers)
            {
                // The JSON API and the feeds carry Last-Modified and ETag for clients that poll (4chan's API
                // asks for If-Modified-Since): the stored time of the last change they show, to the second,
                // and a hash of their own bytes; never a file's time. Nothing else does.
                var polled = name is "Last-Modified" or "ETag" && (path.EndsWith(".json", StringComparison.Ordinal) || path.EndsWith(".atom", StringComparison.Ordinal));
                if ((name is "Server" or "X-Powered-By" or "ETag" or "Last-Modified" or "X-SourceFiles" or "Content-Location" or "Link" or "Refresh"
                    || name.StartsWith("X-AspNet", StringComparison.OrdinalIgnoreCase)) && !polled)
                {
                    failures.Add($"{path}: {name}: {string.Join(",", values)}");
                }
            }
            // The one clock on the wire is the Date header, to the second (documented in the README).
            if (response.Headers.Date is null)
            {
                failures.Add($"{path}: no Date header");
            }
        }
        Assert.True(failures.Count == 0, string.Join('\n', failures));
        Assert.True(pages.Count > 20, $"only {pages.Count} responses crawled");
    }

    [Fact]
    public async Task No_page_the_board_writes_has_an_absolute_url_or_an_outside_resource()
    {
        var failures = new List<string>();
        foreach (var (path, response, body) in await Crawl())
        {
            failures.AddRange(PageChecks.Problems(response, body, PrivatePaths).Select(p => $"{path}: {p}"));
            var type = response.Content.Headers.ContentType?.MediaType;
            if (type is not ("text/html" or "text/css" or "text/plain"))
            {
                continue;
            }
            // What people wrote (posts, excerpts, rules) is theirs; everything else the board wrote names no host.
            var document = new HtmlParser().ParseDocument(body);
            foreach (var post in document.QuerySelectorAll(".body, .excerpt, .source, .subject, .name, .rules").ToList())
            {
                post.Remove();
            }
            var own = type == "text/html" ? document.DocumentElement.OuterHtml : body;
            foreach (Match m in AbsoluteUrl().Matches(own))
            {
                failures.Add($"{path}: an absolute URL {m.Value}");
            }
        }
        Assert.True(failures.Count == 0, string.Join('\n', failures.Distinct()));
    }

    [GeneratedRegex(@"\b(https?|ftp|wss?)://[^\s""'<>]+|(?<![:\w])//[a-z0-9-]+(\.[a-z0-9-]+)+", RegexOptions.IgnoreCase)]
    private static partial Regex AbsoluteUrl();

    private static readonly string[] Probes =
    [
        "/status", "/metrics", "/health", "/healthz", "/ready", "/live", "/debug", "/debug/pprof", "/debug/vars", "/trace",
        "/_framework/blazor.web.js", "/_framework/aspnetcore-browser-refresh.js", "/_blazor", "/_vs/browserLink",
        "/swagger", "/swagger/index.html", "/swagger/v1/swagger.json", "/openapi/v1.json", "/api", "/graphql",
        "/server-status", "/server-info", "/.well-known/", "/.well-known/security.txt", "/elmah.axd", "/trace.axd", "/phpinfo.php",
        "/info.php", "/.git/config", "/.git/HEAD", "/.env", "/.DS_Store", "/web.config", "/appsettings.json", "/appsettings.Development.json",
        "/AnonymousBoard.dll", "/AnonymousBoard.deps.json", "/AnonymousBoard.runtimeconfig.json", "/AnonymousBoard.pdb",
        "/AnonymousBoard.staticwebassets.endpoints.json", "/bin/AnonymousBoard.dll", "/bin/Debug/net10.0/appsettings.json",
        "/data/board.db", "/board.db", "/board.db-wal", "/keys/", "/data/secure-tripcode.key", "/secure-tripcode.key",
        "/modlog-ed25519.key", "/data/modlog-ed25519.key", "/uploads/", "/media/", "/media/../board.db", "/static/", "/static/board.css",
        "/Pages/Index.cshtml", "/Index.cshtml", "/Pages/_ViewImports.cshtml", "/wwwroot/", "/actuator", "/actuator/health",
        "/actuator/env", "/console", "/admin", "/_profiler", "/hc", "/env", "/config", "/robots.txt", "/favicon.ico", "/sitemap.xml",
    ];

    [Fact]
    public async Task No_status_metrics_debug_or_file_endpoint_answers()
    {
        var notFound = await RawHttp.Get(board.Server.BaseAddress, "/certainly-not-a-page");
        // A POST to what looks like a board's address (/status) meets a page that takes only GET.
        var notAllowed = await RawHttp.Send(board.Server.BaseAddress, RawHttp.Ascii("POST /b/ HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, notAllowed.Status);
        var answered = new List<string>();
        foreach (var probe in Probes)
        {
            foreach (var method in new[] { "GET", "POST" })
            {
                var response = await RawHttp.Send(board.Server.BaseAddress, RawHttp.Ascii(
                    $"{method} {probe} HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
                // The same page as for any other missing address: nothing about what is there.
                var plain = response.Status == HttpStatusCode.NotFound && response.Body == notFound.Body
                    || method == "POST" && response.Status == HttpStatusCode.MethodNotAllowed && response.Body == notAllowed.Body;
                if (!plain)
                {
                    answered.Add($"{method} {probe}: {(int)response.Status}");
                }
            }
        }
        Assert.True(answered.Count == 0, string.Join('\n', answered));
    }

    /// <summary>Requests that make the board or the server fail, each a real way to get there.</summary>
    private (string What, Func<Task<RawResponse>> Send)[] ForcedErrors() =>
    [
        ("a missing page", () => RawHttp.Get(board.Server.BaseAddress, "/no/such/page")),
        ("a missing thread", () => RawHttp.Get(board.Server.BaseAddress, "/b/thread/999999")),
        ("a page that throws reading a damaged row", () => RawHttp.Get(board.Server.BaseAddress, $"/b/thread/{board.Corrupt}")),
        ("a staff action that throws on a damaged row", () => StaffPost($"/mod/post/b/{board.Corrupt}", "action=sticky&reason=x")),
        ("PUT", () => Raw($"PUT /b/ HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")),
        ("DELETE", () => Raw($"DELETE /b/thread/{board.Thread} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")),
        ("PATCH", () => Raw("PATCH /b/post HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")),
        ("TRACE", () => Raw("TRACE / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")),
        ("OPTIONS", () => Raw("OPTIONS * HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")),
        ("PROPFIND", () => Raw("PROPFIND / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")),
        ("an invented method", () => Raw("FOO / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")),
        ("POST to a page that only reads", () => Raw("POST /b/catalog HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")),
        ("an unknown HTTP version", () => Raw("GET / HTTP/9.9\r\nHost: localhost\r\nConnection: close\r\n\r\n")),
        ("no HTTP version", () => Raw("GET /\r\n\r\n")),
        ("a header without a colon", () => Raw("GET / HTTP/1.1\r\nHost: localhost\r\nBroken header\r\nConnection: close\r\n\r\n")),
        ("a NUL in a header", () => Raw("GET / HTTP/1.1\r\nHost: localhost\r\nX-A: a\0b\r\nConnection: close\r\n\r\n")),
        ("a folded header", () => Raw("GET / HTTP/1.1\r\nHost: localhost\r\nX-A: a\r\n b\r\nConnection: close\r\n\r\n")),
        ("32 KB of headers", () => Raw($"GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: {new string('h', 32 * 1024)}\r\nConnection: close\r\n\r\n")),
        ("a 20 KB request line", () => Raw($"GET /{new string('p', 20 * 1024)} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")),
        ("both Content-Length and chunked", () => Raw("POST /b/delete HTTP/1.1\r\nHost: localhost\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\nContent-Type: application/x-www-form-urlencoded\r\nConnection: close\r\n\r\n0\r\n\r\n")),
        ("a broken chunk", () => Raw("POST /b/delete HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\nContent-Type: application/x-www-form-urlencoded\r\nConnection: close\r\n\r\nzz\r\nno=1\r\n0\r\n\r\n")),
        ("a negative Content-Length", () => Raw("POST /b/delete HTTP/1.1\r\nHost: localhost\r\nContent-Length: -5\r\nConnection: close\r\n\r\n")),
        ("a 2 MB form to a text page", () => RawHttp.Post(board.Server.BaseAddress, "/b/delete", "application/x-www-form-urlencoded", Encoding.ASCII.GetBytes("no=" + new string('9', 2 * 1024 * 1024)))),
        ("a multipart body that breaks off", () => RawHttp.Post(board.Server.BaseAddress, "/b/post", "multipart/form-data; boundary=XX", Encoding.ASCII.GetBytes("--XX\r\nContent-Disposition: form-data; name=\"body\"\r\n\r\nhello"))),
        ("a multipart body without its boundary", () => RawHttp.Post(board.Server.BaseAddress, "/b/post", "multipart/form-data", Encoding.ASCII.GetBytes("--XX\r\n\r\n"))),
        ("a multipart part with 20 KB of headers", () => RawHttp.Post(board.Server.BaseAddress, "/b/post", "multipart/form-data; boundary=XX", Encoding.ASCII.GetBytes($"--XX\r\nContent-Disposition: form-data; name=\"body\"\r\nX-Pad: {new string('x', 20 * 1024)}\r\n\r\nhi\r\n--XX--\r\n"))),
        ("a NUL in a form", () => RawHttp.Post(board.Server.BaseAddress, "/b/delete", "application/x-www-form-urlencoded", Encoding.ASCII.GetBytes("no=1%00&password=x"))),
        ("a NUL in a staff form", () => StaffPost("/mod/bans?handler=ban", "kind=text&value=%00&reason=x")),
        ("JSON to a form", () => RawHttp.Post(board.Server.BaseAddress, "/b/post", "application/json", Encoding.ASCII.GetBytes("{\"body\":\"x\"}"))),
        ("a form field named like the error code", () => RawHttp.Post(board.Server.BaseAddress, "/no/such/page", "application/x-www-form-urlencoded", Encoding.ASCII.GetBytes("code=200"))),
        ("an error page asked for directly", () => RawHttp.Get(board.Server.BaseAddress, "/error/500")),
    ];

    private Task<RawResponse> Raw(string request) => RawHttp.Send(board.Server.BaseAddress, Encoding.Latin1.GetBytes(request));

    private async Task<RawResponse> StaffPost(string path, string form)
    {
        var page = await board.Admin.Get("/mod/bans");
        var token = page.Document.QuerySelector("input[name='__staff_token']")!.GetAttribute("value")!;
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative))
        {
            Content = new StringContent($"{form}&__staff_token={Uri.EscapeDataString(token)}", Encoding.ASCII, "application/x-www-form-urlencoded"),
        };
        var response = await board.Admin.Client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return new RawResponse(response, body);
    }

    [Fact]
    public async Task Forced_errors_show_no_trace_path_or_machine_name_and_a_failure_inside_a_page_is_a_plain_500()
    {
        var failures = new List<string>();
        var statuses = new List<string>();
        foreach (var (what, send) in ForcedErrors())
        {
            var response = await send();
            statuses.Add($"{what}: {(int)response.Status}");
            var status = (int)response.Status;
            if (status < 400)
            {
                failures.Add($"{what}: answered {status}, not an error");
            }
            failures.AddRange(PageChecks.LeakProblems(response.Body, PrivatePaths).Select(p => $"{what}: {p}"));
            foreach (var (name, _) in response.Message.Headers.Concat(response.Message.Content.Headers))
            {
                if (name is "Server" or "X-Powered-By" || name.StartsWith("X-AspNet", StringComparison.OrdinalIgnoreCase))
                {
                    failures.Add($"{what}: a {name} header");
                }
            }
            // The board's own error pages say what happened; Kestrel's refusals are empty.
            if (response.Body.Length > 0 && PageChecks.UnclearMessage(response.Status, response.ContentType, response.Body) is { } unclear)
            {
                failures.Add($"{what}: {unclear}");
            }
        }
        output.WriteLine(string.Join('\n', statuses));
        Assert.True(failures.Count == 0, string.Join('\n', failures) + "\n\n" + string.Join('\n', statuses));
        var errors = ForcedErrors().ToDictionary(e => e.What, e => e.Send);
        // The damaged row reached the exception handler: a real 500, the board's page, nothing more.
        var thrown = await errors["a page that throws reading a damaged row"]();
        Assert.Equal(HttpStatusCode.InternalServerError, thrown.Status);
        Assert.Contains("Something went wrong", thrown.Body, StringComparison.Ordinal);
        var thrownOnPost = await errors["a staff action that throws on a damaged row"]();
        Assert.Equal(HttpStatusCode.InternalServerError, thrownOnPost.Status);
        Assert.Contains("Something went wrong", thrownOnPost.Body, StringComparison.Ordinal);
        // A form field named "code" does not choose the error page's status.
        Assert.Equal(HttpStatusCode.NotFound, (await errors["a form field named like the error code"]()).Status);
    }

    [Fact]
    public async Task A_served_photo_and_its_thumbnail_carry_none_of_the_uploads_metadata()
    {
        var thread = await board.Server.Browser().Get($"/b/thread/{board.Thread}");
        var urls = thread.Document.QuerySelectorAll(".file a[href^='/media/'], .file img").Select(e => e.GetAttribute("href") ?? e.GetAttribute("src")!).Distinct().ToList();
        Assert.Equal(2, urls.Count);
        Assert.DoesNotContain("IMG_20261121", thread.Document.QuerySelector(".thread")!.OuterHtml, StringComparison.Ordinal);
        foreach (var url in urls)
        {
            var bytes = await board.Server.Client().GetByteArrayAsync(new Uri(url, UriKind.Relative));
            var text = Encoding.Latin1.GetString(bytes);
            // The values exiftool wrote into the upload (see TestImages.AddIdentifyingMetadata), and the markers of each kind of block.
            foreach (var leak in new[] { "Exif\0", "PhoneMaker", "Phone 12 Pro", "SN123456", "Alice Example", "secret place", "taken at home", "private",
                         "http://ns.adobe.com/xap", "Photoshop 3.0", "ICC_PROFILE", "XMP ", "EXIF" })
            {
                Assert.False(text.Contains(leak, StringComparison.Ordinal), $"{url} contains {leak.TrimEnd('\0')}");
            }
            var copy = board.Scratch.PathOf(Path.GetFileName(url));
            await File.WriteAllBytesAsync(copy, bytes);
            Assert.DoesNotContain(Tools.Tags(copy), t => t.StartsWith("GPS:", StringComparison.Ordinal) || t.StartsWith("IFD0:", StringComparison.Ordinal)
                || t.StartsWith("ExifIFD:", StringComparison.Ordinal) || t.StartsWith("XMP", StringComparison.Ordinal) || t.StartsWith("IPTC:", StringComparison.Ordinal));
        }
    }
}
