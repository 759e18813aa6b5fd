using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using AnonymousBoard.Tests.Support;
using Xunit.Abstractions;

namespace AnonymousBoard.Tests.Load;

/// <summary>
/// The short version of the load run (the long one, with figures, is the benchmark's "load" mode):
/// readers and writers at once against the real server. Nothing is timed here; what must hold is
/// that every request is answered correctly and every post the board acknowledged is on its page.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed partial class ConcurrentLoadTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Readers = 50;
    private const int Writers = 10;
    private const int Threads = 4;
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(8);

    private readonly BoardServer _server = new();
    public Task InitializeAsync() => _server.InitializeAsync();
    public Task DisposeAsync() => _server.DisposeAsync();

    private sealed record Written(long Thread, long No, string Body);

    [Fact]
    public async Task Fifty_readers_and_ten_writers_at_once_get_no_errors_and_every_acknowledged_post_is_on_its_page()
    {
        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
        {
            BaseAddress = _server.BaseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
        var threads = new List<long>();
        for (var t = 0; t < Threads; t++)
        {
            threads.Add((await Post(client, null, $"thread {t}")).Thread);
        }
        string[] paths = ["/", "/b/", "/b/catalog", "/b/rules", "/modlog", .. threads.Select(t => $"/b/thread/{t}")];

        var written = new ConcurrentBag<Written>();
        var failures = new ConcurrentQueue<string>();
        long reads = 0;
        var clock = Stopwatch.StartNew();
        async Task Read(int reader)
        {
            for (var i = reader; clock.Elapsed < Duration; i++)
            {
                var path = paths[i % paths.Length];
                try
                {
                    using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
                    var html = await response.Content.ReadAsStringAsync();
                    if (response.StatusCode != HttpStatusCode.OK || !html.EndsWith("</html>\n", StringComparison.Ordinal))
                    {
                        failures.Enqueue($"GET {path}: {(int)response.StatusCode}");
                    }
                }
                catch (HttpRequestException e)
                {
                    failures.Enqueue($"GET {path}: {e.Message}");
                }
                Interlocked.Increment(ref reads);
            }
        }
        async Task Write(int writer)
        {
            for (var n = 0; clock.Elapsed < Duration; n++)
            {
                // Now and then a new thread, mostly replies, spread over the threads.
                long? thread = n % 25 == 24 ? null : threads[(writer + n) % threads.Count];
                var body = string.Create(CultureInfo.InvariantCulture, $"writer {writer} post {n}: {Guid.NewGuid():N}");
                try
                {
                    var (t, no) = await Post(client, thread, body);
                    written.Add(new Written(t, no, body));
                }
                catch (InvalidOperationException e)
                {
                    failures.Enqueue(e.Message);
                }
                catch (HttpRequestException e)
                {
                    failures.Enqueue($"POST: {e.Message}");
                }
            }
        }
        await Task.WhenAll(Enumerable.Range(0, Readers).Select(r => Task.Run(() => Read(r)))
            .Concat(Enumerable.Range(0, Writers).Select(w => Task.Run(() => Write(w)))));

        output.WriteLine($"{reads} reads and {written.Count} posts in {clock.Elapsed.TotalSeconds:0.0} s; {failures.Count} failures");
        Assert.Empty(failures);
        Assert.True(reads > Readers, $"only {reads} reads were made");
        Assert.True(written.Count > Writers, $"only {written.Count} posts were made");
        // Post numbers are never given twice, and every acknowledged post is on its thread's page.
        Assert.Equal(written.Count, written.Select(w => w.No).Distinct().Count());
        var browser = _server.Browser();
        foreach (var group in written.GroupBy(w => w.Thread))
        {
            var page = await browser.Get($"/b/thread/{group.Key}");
            Assert.Equal(HttpStatusCode.OK, page.Status);
            foreach (var post in group)
            {
                var article = page.Post(post.No);
                Assert.True(article is not null, $"post No. {post.No} was acknowledged but is not in thread {post.Thread}");
                Assert.Contains(post.Body, article.TextContent, StringComparison.Ordinal);
            }
        }
    }

    /// <summary>As a script posts: the form's page first for its ticket, then the POST; a 303 is the acknowledgement.</summary>
    private static async Task<(long Thread, long No)> Post(HttpClient client, long? thread, string body)
    {
        var formPage = thread is { } t ? $"/b/thread/{t}" : "/b/";
        var html = await client.GetStringAsync(new Uri(formPage, UriKind.Relative));
        var ticket = TicketField().Match(html);
        if (!ticket.Success)
        {
            throw new InvalidOperationException($"GET {formPage}: no ticket in the form");
        }
        var fields = new Dictionary<string, string> { ["ticket"] = WebUtility.HtmlDecode(ticket.Groups[1].Value), ["body"] = body };
        if (thread is { } reply)
        {
            fields["thread"] = reply.ToString(CultureInfo.InvariantCulture);
        }
        using var response = await client.PostAsync(new Uri("/b/post", UriKind.Relative), new FormUrlEncodedContent(fields));
        var location = PostLocation().Match(response.Headers.Location?.OriginalString ?? "");
        if (response.StatusCode != HttpStatusCode.SeeOther || !location.Success)
        {
            throw new InvalidOperationException($"POST /b/post: {(int)response.StatusCode}");
        }
        return (long.Parse(location.Groups[1].Value, CultureInfo.InvariantCulture), long.Parse(location.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    [GeneratedRegex("<input type=\"hidden\" name=\"ticket\" value=\"([^\"]*)\"")]
    private static partial Regex TicketField();

    [GeneratedRegex(@"^/b/thread/(\d+)#p(\d+)$")]
    private static partial Regex PostLocation();
}
