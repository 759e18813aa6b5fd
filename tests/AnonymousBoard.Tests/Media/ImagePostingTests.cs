using System.Net;
using System.Net.Http.Headers;
using AnonymousBoard.Tests.Support;

namespace AnonymousBoard.Tests.Media;

/// <summary>Images through the real posting form, the real pipeline and the real store, as a browser sends them.</summary>
public sealed class ImagePostingTests : IAsyncLifetime, IDisposable
{
    private readonly BoardServer _server = new();
    private readonly MediaScratch _scratch = new();
    public Task InitializeAsync() => _server.InitializeAsync();
    public Task DisposeAsync() => _server.DisposeAsync();
    public void Dispose() => _scratch.Dispose();

    private async Task<HttpResponseMessage> PostWithFile(string path, byte[] file, string fileName, params (string Name, string Value)[] fields)
    {
        using var form = new MultipartFormDataContent();
        form.Add(new StringContent(await _server.Ticket(path.Split('/')[1])), "ticket");
        foreach (var (name, value) in fields)
        {
            form.Add(new StringContent(value), name);
        }
        var part = new ByteArrayContent(file);
        part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(part, "file", fileName);
        using var client = _server.Client();
        return await client.PostAsync(new Uri(path, UriKind.Relative), form);
    }

    private string MediaDirectory => Path.Combine(_server.DataDirectory, "media");

    private IEnumerable<string> StoredFiles() =>
        Directory.Exists(MediaDirectory) ? Directory.EnumerateFiles(MediaDirectory, "*", SearchOption.AllDirectories) : [];

    [Fact]
    public async Task A_photo_with_gps_and_camera_tags_is_served_stripped_the_right_way_up_with_its_thumbnail_sized_in_the_html()
    {
        var photo = TestImages.Marked(_scratch, "photo.jpg");
        TestImages.AddIdentifyingMetadata(_scratch, photo, embeddedThumbnail: true);
        Assert.Contains(Tools.Tags(photo), t => t.EndsWith(":GPSLatitude", StringComparison.Ordinal));

        var response = await PostWithFile("/b/post", await File.ReadAllBytesAsync(photo), "IMG_20261121_143002.jpg", ("body", "my photo"));
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        var browser = _server.Browser();
        var page = await browser.Get(response.Headers.Location!.OriginalString.Split('#')[0]);
        var file = page.Document.QuerySelector("article.post .file")!;
        var img = file.QuerySelector("img")!;
        Assert.DoesNotContain("IMG_20261121", page.Document.QuerySelector("main .thread")!.OuterHtml, StringComparison.Ordinal);
        // Orientation 6: the 60×40 picture is shown 40×60, and the size is in the HTML.
        Assert.Equal(("40", "60"), (img.GetAttribute("width"), img.GetAttribute("height")));
        Assert.StartsWith("/media/", img.GetAttribute("src"), StringComparison.Ordinal);

        foreach (var url in new[] { file.QuerySelector("a")!.GetAttribute("href")!, img.GetAttribute("src")! })
        {
            var served = await browser.Client.GetAsync(new Uri(url, UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
            Assert.Null(served.Headers.ETag);
            Assert.Null(served.Content.Headers.LastModified);
            Assert.Equal("nosniff", served.Headers.GetValues("X-Content-Type-Options").Single());
            var copy = _scratch.PathOf(Path.GetFileName(url));
            await File.WriteAllBytesAsync(copy, await served.Content.ReadAsByteArrayAsync());
            var tags = Tools.Tags(copy);
            foreach (var leak in new[] { "GPS", "Make", "Model", "SerialNumber", "Orientation", "ThumbnailImage", "Creator", "By-line", "Keywords", "Comment" })
            {
                Assert.DoesNotContain(tags, t => t.Split(':')[^1].StartsWith(leak, StringComparison.Ordinal));
            }
        }
        // The white corner of the picture is where a viewer of the original would see it: top right after a 90° turn.
        var full = _scratch.PathOf(Path.GetFileName(file.QuerySelector("a")!.GetAttribute("href")!));
        Assert.True(Tools.Pixel(full, 35, 5)[0] > 200, "the marked corner moved");
        Assert.True(Tools.Pixel(full, 5, 5)[0] < 50, "the picture was not turned");
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_server.DataDirectory, "uploads")));
    }

    [Fact]
    public async Task The_same_image_twice_is_stored_once_and_its_files_go_with_the_last_post_that_shows_it()
    {
        var bytes = await File.ReadAllBytesAsync(TestImages.Marked(_scratch, "same.png"));
        var first = await PostWithFile("/b/post", bytes, "a.png", ("body", "first"), ("password", "pw"));
        var second = await PostWithFile("/b/post", bytes, "b.png", ("body", "second"), ("password", "pw"));
        Assert.Equal(2, StoredFiles().Count()); // one image and its thumbnail

        var browser = _server.Browser();
        foreach (var (response, remaining) in new[] { (first, 2), (second, 0) })
        {
            var no = response.Headers.Location!.OriginalString.Split("#p")[1];
            var page = await browser.Get(response.Headers.Location!.OriginalString.Split('#')[0]);
            var (deleted, _) = await browser.Submit(page, "/b/delete", new Dictionary<string, string?> { ["no"] = no, ["password"] = "pw" });
            Assert.Equal(HttpStatusCode.SeeOther, deleted.StatusCode);
            Assert.Equal(remaining, StoredFiles().Count());
        }
    }

    [Fact]
    public async Task A_spoilered_image_shows_only_a_placeholder_link()
    {
        var bytes = await File.ReadAllBytesAsync(TestImages.Marked(_scratch, "s.png"));
        var response = await PostWithFile("/b/post", bytes, "s.png", ("body", "spoiler"), ("spoiler", "on"), ("keep_filename", "on"));
        var page = await _server.Browser().Get(response.Headers.Location!.OriginalString.Split('#')[0]);
        var file = page.Document.QuerySelector(".file")!;
        Assert.Null(file.QuerySelector("img"));
        Assert.StartsWith("/media/", file.QuerySelector("a.spoiler-file")!.GetAttribute("href"), StringComparison.Ordinal);
        Assert.Equal("s.png", file.QuerySelector(".file-info a")!.TextContent);
    }

    public static TheoryData<string> BadFiles() => ["not an image", "bmp", "truncated", "png bomb", "gif frames", "html polyglot", "zip polyglot", "too large"];

    [Theory]
    [MemberData(nameof(BadFiles))]
    public async Task A_bad_file_is_refused_with_a_reason_the_text_kept_and_nothing_left_behind(string kind)
    {
        var jpeg = await File.ReadAllBytesAsync(TestImages.Marked(_scratch, "ok.jpg"));
        var file = kind switch
        {
            "not an image" => "just some text, not a picture"u8.ToArray(),
            "bmp" => [(byte)'B', (byte)'M', .. new byte[200]],
            "truncated" => jpeg[..(jpeg.Length / 2)],
            "png bomb" => TestImages.PngClaiming(100000, 100000),
            "gif frames" => TestImages.GifWithFrames(3000),
            "html polyglot" => [.. jpeg[..20], .. "<html><script>alert(1)</script>"u8.ToArray(), .. jpeg[20..]],
            "zip polyglot" => [.. jpeg, .. TestImages.Zip()],
            _ => new byte[9 * 1024 * 1024],
        };
        var response = await PostWithFile("/b/post", file, "upload.jpg", ("subject", "kept subject"), ("body", "kept body"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var page = await WebBrowser.Read(response, "/b/post");
        Assert.Contains("Image refused", page.Document.QuerySelector("[role=alert]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("kept body", page.Field("/b/post", "body"));
        Assert.Equal("kept subject", page.Field("/b/post", "subject"));
        Assert.Empty(StoredFiles());
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_server.DataDirectory, "uploads")));
        Assert.Equal(HttpStatusCode.NotFound, (await _server.Client().GetAsync(new Uri("/b/thread/1", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task A_banned_file_imported_from_a_hash_list_is_refused()
    {
        var bytes = await File.ReadAllBytesAsync(TestImages.Marked(_scratch, "banned.png"));
        var list = _scratch.PathOf("bans.txt");
        await File.WriteAllTextAsync(list, "# known bad\n" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)) + "\n");
        var (code, output) = _server.RunCli("files", "import-bans", list);
        Assert.Equal(0, code);
        Assert.Contains("1 new", output, StringComparison.Ordinal);

        var response = await PostWithFile("/b/post", bytes, "banned.png", ("body", "banned picture"));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("banned picture", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(StoredFiles());
    }

    [Fact]
    public async Task A_malformed_hash_list_is_refused_with_line_numbers()
    {
        var list = _scratch.PathOf("bad.txt");
        await File.WriteAllTextAsync(list, "not-a-hash\n");
        var (code, output) = _server.RunCli("files", "import-bans", list);
        Assert.Equal(1, code);
        Assert.Contains("line 1", output, StringComparison.Ordinal);
        var (missingCode, missing) = _server.RunCli("files", "import-bans", _scratch.PathOf("missing.txt"));
        Assert.Equal(1, missingCode);
        Assert.Contains("no file", missing, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_board_without_images_refuses_a_file_and_one_that_requires_them_refuses_a_thread_without()
    {
        Assert.Equal(0, _server.RunCli("boards", "create", "txt", "Text only", "--images", "no").Code);
        Assert.Equal(0, _server.RunCli("boards", "create", "pics", "Pictures", "--image-required", "yes").Code);
        var bytes = await File.ReadAllBytesAsync(TestImages.Marked(_scratch, "x.png"));
        var refused = await PostWithFile("/txt/post", bytes, "x.png", ("body", "text board"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.DoesNotContain("type=\"file\"", await (await _server.Client().GetAsync(new Uri("/txt/", UriKind.Relative))).Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var noImage = new FormUrlEncodedContent([new("body", "no picture"), new("ticket", await _server.Ticket("pics"))]);
        var response = await _server.Client().PostAsync(new Uri("/pics/post", UriKind.Relative), noImage);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("needs an image", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.SeeOther, (await PostWithFile("/pics/post", bytes, "x.png", ("body", "with a picture"))).StatusCode);
    }

    [Fact]
    public async Task A_reply_may_be_only_an_image()
    {
        var bytes = await File.ReadAllBytesAsync(TestImages.Marked(_scratch, "r.png"));
        var thread = await PostWithFile("/b/post", bytes, "t.png", ("body", "thread"));
        var threadNo = thread.Headers.Location!.OriginalString.Split("#p")[1];
        var reply = await PostWithFile("/b/post", bytes, "r.png", ("thread", threadNo), ("body", ""));
        Assert.Equal(HttpStatusCode.SeeOther, reply.StatusCode);
    }
}
