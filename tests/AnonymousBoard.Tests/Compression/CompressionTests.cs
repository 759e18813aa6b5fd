using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using AnonymousBoard.Site;
using AnonymousBoard.Tests.Moderation;
using AnonymousBoard.Tests.Support;
using Xunit.Abstractions;

namespace AnonymousBoard.Tests.Compression;

/// <summary>
/// Public pages, the CSS, the JSON API and the feeds go compressed to a client that asks (brotli, else gzip), each
/// decoding to exactly what goes uncompressed; a 300-reply thread page comes close to what brotli's best level makes
/// of it, though its ticket differs per request; staff pages never go compressed.
/// </summary>
public sealed partial class CompressionTests(CompressionTests.BigThread fixture, ITestOutputHelper output) : IClassFixture<CompressionTests.BigThread>
{
    private readonly BoardServer _server = fixture.Server;

    /// <summary>A board whose thread has 300 replies of ordinary prose (sentences of this repository's README), some quoting.</summary>
    public sealed class BigThread : IAsyncLifetime
    {
        public const int Replies = 300;

        public BoardServer Server { get; } = new();

        public long Thread { get; private set; }

        public async Task InitializeAsync()
        {
            // Some replies say the same as an earlier one; none is a double click.
            Server.Settings.Add("--Board:DuplicateWindowSeconds=0");
            await Server.InitializeAsync();
            var sentences = Sentences();
            Thread = await StaffKit.Post(Server, "b", "# A long thread\n" + string.Join(' ', sentences.Take(4)));
            var next = 0;
            // Four posters at once: quicker to fill on two cores, and the order does not matter.
            await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
            {
                for (var n = Interlocked.Increment(ref next); n <= Replies; n = Interlocked.Increment(ref next))
                {
                    var quote = n % 3 == 0 ? $">>{Thread + (n / 2)}\n" : "";
                    var green = n % 7 == 0 ? $">{sentences[(n * 5) % sentences.Count]}\n" : "";
                    var text = string.Join(' ', Enumerable.Range(0, 1 + (n % 3)).Select(k => sentences[((n * 13) + (k * 7)) % sentences.Count]));
                    await StaffKit.Post(Server, "b", quote + green + text, Thread);
                }
            }));
        }

        public Task DisposeAsync() => Server.DisposeAsync();

        private static List<string> Sentences()
        {
            var readme = File.ReadAllText(Path.Combine(Clients.ClientTools.RepoRoot, "README.md"));
            return [.. SentenceEnd().Split(CodeAndMarks().Replace(readme, " ")).Select(s => WhiteSpace().Replace(s, " ").Trim()).Where(s => s.Length is > 30 and < 400)];
        }
    }

    private string ThreadPath => $"/b/thread/{fixture.Thread}";

    [Fact]
    public async Task A_300_reply_thread_page_on_the_wire_is_within_1_2_times_brotli_11_of_its_html()
    {
        // A new reply, so the page is prepared again and this test sees it from its first compression.
        await StaffKit.Post(_server, "b", "One more reply, so that the page is new.", fixture.Thread);
        var (first, quick) = await Get(ThreadPath, "gzip, br");
        var (plain, html) = await Get(ThreadPath, null);
        Assert.Null(plain.Content.Headers.ContentEncoding.FirstOrDefault());
        Assert.True(Regex.Count(Encoding.UTF8.GetString(html), "<article class=\"post") > BigThread.Replies);

        // What Tor Browser sends. The first read got the page compressed quickly; once it has been read unchanged
        // for a moment it is compressed at the best level, in the background, and later reads get that.
        Assert.Equal("br", first.Content.Headers.ContentEncoding.Single());
        Assert.Equal(Masked(html), Masked(Decode("br", quick)));
        await Task.Delay(CompressedPage.Settle + TimeSpan.FromMilliseconds(200));
        var best = quick;
        var waited = Stopwatch.StartNew();
        while (best.Length >= quick.Length && waited.Elapsed < TimeSpan.FromSeconds(60))
        {
            (_, best) = await Get(ThreadPath, "gzip, br");
            await Task.Delay(200);
        }
        var decoded = Decode("br", best);
        Assert.Equal(Masked(html), Masked(decoded));

        // The reference: brotli's best (quality 11, the largest window) of the very HTML this response decodes to.
        using var reference = new MemoryStream();
        using (var encoder = new BrotliStream(reference, new BrotliCompressionOptions { Quality = 11 }, leaveOpen: true))
        {
            encoder.Write(decoded);
        }
        var (_, gzip) = await Get(ThreadPath, "gzip");
        using var gzipReference = new MemoryStream();
        using (var encoder = new GZipStream(gzipReference, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            encoder.Write(decoded);
        }
        output.WriteLine($"thread page {html.Length:N0} bytes; with 'gzip, br': first {quick.Length:N0}, settled {best.Length:N0} (after {waited.Elapsed.TotalSeconds:0.0} s); "
            + $"brotli -q 11 of the same HTML {reference.Length:N0}: {(double)best.Length / reference.Length:0.000}x; with 'gzip' {gzip.Length:N0}, gzip -9 of the same HTML {gzipReference.Length:N0}");
        Assert.True(best.Length < quick.Length, "the page was not compressed better once it had settled");
        Assert.True(best.Length <= 1.2 * reference.Length, $"{best.Length} bytes on the wire against {reference.Length} for brotli -q 11 of the same HTML");
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/b/")]
    [InlineData("/b/catalog")]
    [InlineData("/b/archive")]
    [InlineData("/b/thread/{thread}")]
    [InlineData("/b/thread/{thread}?quote=5")]
    [InlineData("/search?q=onion")]
    [InlineData("/b/search?q=%22the+board%22")]
    [InlineData("{css}")]
    [InlineData("/boards.json")]
    [InlineData("/b/catalog.json")]
    [InlineData("/b/thread/{thread}.json")]
    [InlineData("/b/threads.atom")]
    [InlineData("/b/thread/{thread}.atom")]
    public async Task A_public_page_or_document_decodes_to_what_goes_uncompressed(string template)
    {
        var path = template.Replace("{thread}", fixture.Thread.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{css}", StyleSheet.Url, StringComparison.Ordinal);
        var (plain, expected) = await Get(path, null);
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.Contains("Accept-Encoding", plain.Headers.Vary);

        foreach (var (accept, codings) in new[] { ("gzip", new[] { "gzip" }), ("br", ["br"]), ("gzip, br", ["br", "gzip"]), ("gzip, compress, bzip2", ["gzip"]) })
        {
            var (response, body) = await Get(path, accept);
            var coding = response.Content.Headers.ContentEncoding.Single();
            Assert.Contains(coding, codings);
            Assert.Contains("Accept-Encoding", response.Headers.Vary);
            Assert.Equal(body.Length, response.Content.Headers.ContentLength);
            Assert.Equal(Masked(expected), Masked(Decode(coding, body)));

            // HEAD: the same coding and length as a GET just before or just after it (the page may have been compressed
            // better in between), and no body.
            using var head = new HttpRequestMessage(HttpMethod.Head, new Uri(path, UriKind.Relative));
            head.Headers.TryAddWithoutValidation("Accept-Encoding", accept);
            using var headResponse = await _server.Client().SendAsync(head);
            var (_, after) = await Get(path, accept);
            Assert.Equal(coding, headResponse.Content.Headers.ContentEncoding.Single());
            Assert.Contains(headResponse.Content.Headers.ContentLength, new long?[] { body.Length, after.Length });
            Assert.Empty(await headResponse.Content.ReadAsByteArrayAsync());
        }
    }

    [Fact]
    public async Task The_gzip_tool_decodes_the_thread_page_as_one_member_with_the_right_checksum()
    {
        var (_, html) = await Get(ThreadPath, null);
        var (_, gzip) = await Get(ThreadPath, "gzip");

        // gzip -t checks every member's CRC-32 and length; -l (verbose) lists one member with the page's length.
        using var tool = Process.Start(new ProcessStartInfo("gzip", "-dc") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true })!;
        var decoding = Task.Run(async () =>
        {
            using var copy = new MemoryStream();
            await tool.StandardOutput.BaseStream.CopyToAsync(copy);
            return copy.ToArray();
        });
        await tool.StandardInput.BaseStream.WriteAsync(gzip);
        tool.StandardInput.Close();
        var decoded = await decoding;
        await tool.WaitForExitAsync();
        Assert.True(tool.ExitCode == 0, await tool.StandardError.ReadToEndAsync());
        Assert.Equal(Masked(html), Masked(decoded));
        Assert.Equal((uint)decoded.Length, System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(gzip.AsSpan(gzip.Length - 4)));
    }

    [Fact]
    public async Task A_document_polled_with_the_tag_of_its_compressed_form_is_not_sent_again()
    {
        var path = $"/b/thread/{fixture.Thread}.json";
        var (plain, _) = await Get(path, null);
        var (compressed, _) = await Get(path, "gzip, br");
        Assert.False(plain.Headers.ETag!.IsWeak);
        Assert.True(compressed.Headers.ETag!.IsWeak);
        Assert.Equal(plain.Headers.ETag.Tag, compressed.Headers.ETag.Tag);

        using var poll = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        poll.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip, br");
        poll.Headers.TryAddWithoutValidation("If-None-Match", compressed.Headers.ETag.ToString());
        using var notModified = await _server.Client().SendAsync(poll);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Contains("Accept-Encoding", notModified.Headers.Vary);
    }

    /// <summary>
    /// BREACH: a staff page carries the antiforgery token and the session's state beside text others wrote (posts,
    /// reports, a ban's reason), so compressing it would let whoever can put text there and watch lengths guess the token.
    /// </summary>
    [Fact]
    public async Task Staff_pages_are_never_compressed_even_when_asked()
    {
        StaffKit.AddStaff(_server, "compress", "admin");
        var staff = await StaffKit.SignIn(_server, "compress");
        foreach (var path in new[] { "/mod", $"/mod/thread/b/{fixture.Thread}", "/mod/board/b", $"/mod/post/b/{fixture.Thread}", "/mod/bans", "/mod/boards" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
            request.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip, deflate, br, zstd");
            using var response = await staff.Client.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Empty(response.Content.Headers.ContentEncoding);
            Assert.StartsWith("<!DOCTYPE html>", body, StringComparison.Ordinal);
            Assert.Contains("__staff_token", body, StringComparison.Ordinal);
        }
        // The sign-in page too: its form carries a token.
        using var signIn = new HttpRequestMessage(HttpMethod.Get, new Uri("/mod/login", UriKind.Relative));
        signIn.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip, br");
        using var login = await _server.Client().SendAsync(signIn);
        Assert.Empty(login.Content.Headers.ContentEncoding);
    }

    private async Task<(HttpResponseMessage Response, byte[] Body)> Get(string path, string? acceptEncoding)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        if (acceptEncoding is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
        }
        var response = await _server.Client().SendAsync(request);
        return (response, await response.Content.ReadAsByteArrayAsync());
    }

    private static byte[] Decode(string coding, byte[] body) =>
        CompressedPageTests.Decode(coding switch { "gzip" => ContentCoding.Gzip, "br" => ContentCoding.Brotli, _ => ContentCoding.Identity }, body);

    /// <summary>The page with its form's ticket, which is new for every request, written as "…".</summary>
    private static string Masked(byte[] html) => TicketValue().Replace(Encoding.UTF8.GetString(html), "name=\"ticket\" value=\"…\"");

    [GeneratedRegex("name=\"ticket\" value=\"[^\"]*\"")]
    private static partial Regex TicketValue();

    [GeneratedRegex(@"(?<=[.!?])\s+")]
    private static partial Regex SentenceEnd();

    [GeneratedRegex(@"```.*?```|[`*|#\[\]]", RegexOptions.Singleline)]
    private static partial Regex CodeAndMarks();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhiteSpace();
}
