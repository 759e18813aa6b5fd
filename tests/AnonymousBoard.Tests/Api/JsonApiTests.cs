using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using AnonymousBoard.Tests.Support;

namespace AnonymousBoard.Tests.Api;

/// <summary>
/// The 4chan-compatible JSON API over HTTP against a seeded board: every document checked against the
/// shapes written from 4chan's documentation, each field against what the pages show, hidden and
/// deleted posts absent, files where the JSON says they are, and 304 for a poll with If-Modified-Since.
/// </summary>
public sealed class JsonApiTests(ReadingBoard board) : IClassFixture<ReadingBoard>
{
    private readonly HttpClient _client = board.Server.Client();

    private async Task<(HttpResponseMessage Response, JsonElement Json, string Text)> Get(string path)
    {
        var response = await _client.GetAsync(new Uri(path, UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {response.StatusCode} {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(response.Content.Headers.LastModified);
        using var doc = JsonDocument.Parse(text);
        return (response, doc.RootElement.Clone(), text);
    }

    private static JsonElement PostNo(JsonElement posts, long no) => posts.EnumerateArray().Single(p => p.GetProperty("no").GetInt64() == no);

    [Fact]
    public async Task Every_endpoint_answers_in_the_shapes_of_4chans_documentation()
    {
        var problems = new List<string>();
        problems.AddRange(FourChanSchema.Boards((await Get("/boards.json")).Json));
        problems.AddRange(FourChanSchema.Pages((await Get("/b/threads.json")).Json, catalog: false));
        problems.AddRange(FourChanSchema.Pages((await Get("/b/catalog.json")).Json, catalog: true));
        foreach (var page in new[] { 1, 2 })
        {
            foreach (var thread in (await Get($"/b/{page}.json")).Json.GetProperty("threads").EnumerateArray())
            {
                problems.AddRange(FourChanSchema.Posts(thread.GetProperty("posts"), listing: true, $"/b/{page}.json"));
            }
        }
        foreach (var no in new[] { board.ImageThread, board.StickyThread, board.LockedThread, board.ArchivedThread, board.NewestThread })
        {
            problems.AddRange(FourChanSchema.Posts((await Get($"/b/thread/{no}.json")).Json.GetProperty("posts"), listing: false, $"thread {no}"));
        }
        var archive = (await Get("/b/archive.json")).Json;
        Assert.Equal(JsonValueKind.Array, archive.ValueKind);
        Assert.All(archive.EnumerateArray(), n => Assert.Equal(JsonValueKind.Number, n.ValueKind));
        Assert.Empty(problems);
    }

    [Fact]
    public void The_schema_check_catches_a_field_of_the_wrong_type()
    {
        // The guard itself: a post with `time` as a string and an unknown field does not pass.
        using var doc = JsonDocument.Parse("""{"no": 1, "resto": 0, "now": "x", "time": "1", "name": "a", "replies": 0, "images": 0, "colour": 1}""");
        var problems = FourChanSchema.Post(doc.RootElement, op: true, listing: false, "test").ToList();
        Assert.Contains(problems, p => p.Contains("time is String", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("colour is not a 4chan field", StringComparison.Ordinal));
    }

    [Fact]
    public async Task boards_json_carries_the_limits_clients_read()
    {
        var b = (await Get("/boards.json")).Json.GetProperty("boards").EnumerateArray().Single(x => x.GetProperty("board").GetString() == "b");
        Assert.Equal("General", b.GetProperty("title").GetString());
        Assert.Equal(2, b.GetProperty("per_page").GetInt32());
        Assert.Equal(2, b.GetProperty("pages").GetInt32()); // a cap of 4 threads at 2 a page
        Assert.Equal(3, b.GetProperty("bump_limit").GetInt32());
        Assert.Equal(8000, b.GetProperty("max_comment_chars").GetInt32());
        Assert.Equal(8 * 1024 * 1024, b.GetProperty("max_filesize").GetInt64());
        Assert.Equal(1, b.GetProperty("is_archived").GetInt32());
        Assert.Equal(150, b.GetProperty("anonboard_max_comment_lines").GetInt32());
    }

    [Fact]
    public async Task A_thread_shows_what_its_page_shows_and_nothing_hidden_or_deleted()
    {
        var (_, json, text) = await Get($"/b/thread/{board.ImageThread}.json");
        var posts = json.GetProperty("posts");
        // The hidden reply as the page shows it: its number, name and time, and that it is hidden; not its text.
        Assert.Equal([board.ImageThread, board.SpoilerReply, board.SignedReply, board.HiddenReply, board.LastReply],
            posts.EnumerateArray().Select(p => p.GetProperty("no").GetInt64()));
        var hidden = PostNo(posts, board.HiddenReply);
        Assert.Equal(1, hidden.GetProperty("anonboard_hidden").GetInt32());
        Assert.Equal(["no", "resto", "now", "time", "name", "anonboard_hidden"], hidden.EnumerateObject().Select(f => f.Name));
        Assert.DoesNotContain(ReadingBoard.HiddenText, text, StringComparison.Ordinal);
        Assert.DoesNotContain(ReadingBoard.DeletedText, text, StringComparison.Ordinal);
        Assert.DoesNotContain("argon2", text, StringComparison.OrdinalIgnoreCase); // no deletion-password hash
        Assert.DoesNotContain("password", text, StringComparison.OrdinalIgnoreCase);

        var op = posts[0];
        Assert.Equal(0, op.GetProperty("resto").GetInt64());
        Assert.Equal("Tester", op.GetProperty("name").GetString());
        Assert.StartsWith("!", op.GetProperty("trip").GetString(), StringComparison.Ordinal);
        Assert.False(op.GetProperty("trip").GetString()!.StartsWith("!!", StringComparison.Ordinal));
        Assert.Equal("Pictures &amp; &lt;things&gt;", op.GetProperty("sub").GetString()); // HTML-escaped, as 4chan's
        Assert.Contains("<strong>picture</strong>", op.GetProperty("com").GetString(), StringComparison.Ordinal);
        Assert.Matches(@"^\d\d/\d\d/\d\d\((Mon|Tue|Wed|Thu|Fri|Sat|Sun)\)\d\d:\d\d:\d\d$", op.GetProperty("now").GetString());
        Assert.Equal(4, op.GetProperty("replies").GetInt32()); // the hidden reply counts (the page shows its notice), the deleted one not
        Assert.Equal(1, op.GetProperty("images").GetInt32());
        Assert.False(op.TryGetProperty("anonboard_hidden", out _));
        Assert.Equal(1, op.GetProperty("bumplimit").GetInt32()); // 4 replies written, limit 3
        Assert.False(op.TryGetProperty("sticky", out _));
        Assert.False(op.TryGetProperty("closed", out _));
        Assert.False(op.TryGetProperty("archived", out _));
        Assert.False(op.TryGetProperty("omitted_posts", out _));

        // The file: the name the poster kept, the sizes the page gives, the bytes at the path the JSON implies.
        Assert.Equal("cat", op.GetProperty("filename").GetString());
        Assert.Equal(".png", op.GetProperty("ext").GetString());
        Assert.Equal(60, op.GetProperty("w").GetInt32());
        Assert.Equal(40, op.GetProperty("h").GetInt32());
        var page = await board.Server.Browser().Get($"/b/thread/{board.ImageThread}");
        var thumbnail = page.Post(board.ImageThread)!.QuerySelector("img")!;
        Assert.Equal(thumbnail.GetAttribute("width"), op.GetProperty("tn_w").GetInt32().ToString(CultureInfo.InvariantCulture));
        Assert.Equal(thumbnail.GetAttribute("height"), op.GetProperty("tn_h").GetInt32().ToString(CultureInfo.InvariantCulture));
        var tim = op.GetProperty("tim").GetInt64();
        Assert.Equal(op.GetProperty("time").GetInt64(), tim / 1000);
        var file = await _client.GetAsync(new Uri($"/b/{tim}.png", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.Equal("image/png", file.Content.Headers.ContentType?.MediaType);
        var bytes = await file.Content.ReadAsByteArrayAsync();
        var pageFile = await _client.GetByteArrayAsync(new Uri(page.Post(board.ImageThread)!.QuerySelector(".file-info a")!.GetAttribute("href")!, UriKind.Relative));
        Assert.Equal(pageFile, bytes);
        Assert.Equal(bytes.Length, op.GetProperty("fsize").GetInt64());
#pragma warning disable CA5351 // 4chan's md5 is MD5 by definition; checked, not trusted
        Assert.Equal(Convert.ToBase64String(MD5.HashData(bytes)), op.GetProperty("md5").GetString());
#pragma warning restore CA5351
        var thumb = await _client.GetAsync(new Uri($"/b/{tim}s.jpg", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, thumb.StatusCode);
        Assert.Equal("image/webp", thumb.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync(new Uri($"/b/{tim + 500}.png", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync(new Uri($"/b/{tim}.jpg", UriKind.Relative))).StatusCode);

        // A spoilered image without its name kept: flagged, named by the post's number as on the page.
        var spoiler = PostNo(posts, board.SpoilerReply);
        Assert.Equal(board.ImageThread, spoiler.GetProperty("resto").GetInt64());
        Assert.Equal(1, spoiler.GetProperty("spoiler").GetInt32());
        Assert.Equal(board.SpoilerReply.ToString(CultureInfo.InvariantCulture), spoiler.GetProperty("filename").GetString());
        Assert.False(spoiler.TryGetProperty("replies", out _));

        // A secure tripcode in `trip`, as 4chan's; the pseudonym and the signature in the board's own fields.
        var signed = PostNo(posts, board.SignedReply);
        Assert.StartsWith("!!", signed.GetProperty("trip").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, signed.GetProperty("anonboard_secure_trip").GetInt32());
        var fingerprint = signed.GetProperty("anonboard_pseudonym").GetString()!;
        Assert.Contains(fingerprint, page.Post(board.SignedReply)!.QuerySelector(".pseudonym")!.TextContent, StringComparison.Ordinal);
        Assert.Equal($"/b/signed/{board.SignedReply}", signed.GetProperty("anonboard_signature_url").GetString());
        Assert.False(signed.TryGetProperty("tim", out _));
    }

    [Fact]
    public async Task Sticky_locked_and_archived_threads_say_so()
    {
        var sticky = (await Get($"/b/thread/{board.StickyThread}.json")).Json.GetProperty("posts")[0];
        Assert.Equal(1, sticky.GetProperty("sticky").GetInt32());
        var locked = (await Get($"/b/thread/{board.LockedThread}.json")).Json.GetProperty("posts")[0];
        Assert.Equal(1, locked.GetProperty("closed").GetInt32());
        Assert.False(locked.TryGetProperty("sticky", out _));
        var archived = (await Get($"/b/thread/{board.ArchivedThread}.json")).Json.GetProperty("posts")[0];
        Assert.Equal(1, archived.GetProperty("archived").GetInt32());
        Assert.Equal(1, archived.GetProperty("closed").GetInt32());
        Assert.InRange(archived.GetProperty("archived_on").GetInt64(), archived.GetProperty("time").GetInt64(), DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
        Assert.Equal([board.ArchivedThread], (await Get("/b/archive.json")).Json.EnumerateArray().Select(n => n.GetInt64()));
    }

    [Fact]
    public async Task The_catalog_and_index_pages_count_as_the_pages_do()
    {
        var catalog = (await Get("/b/catalog.json")).Json;
        var threads = catalog.EnumerateArray().SelectMany(p => p.GetProperty("threads").EnumerateArray()).ToList();
        // Live threads in the index's order (the sticky first), the archived one not among them, 2 a page.
        var index = await board.Server.Browser().Get("/b/");
        var onIndex = index.Document.QuerySelectorAll("section.thread h2").Select(h => h.Id![1..]).ToList();
        Assert.Equal(onIndex, threads.Take(2).Select(t => t.GetProperty("no").GetInt64().ToString(CultureInfo.InvariantCulture)));
        Assert.Equal(board.StickyThread, threads[0].GetProperty("no").GetInt64());
        Assert.DoesNotContain(threads, t => t.GetProperty("no").GetInt64() == board.ArchivedThread);
        Assert.Equal(2, catalog.GetArrayLength());
        Assert.All(catalog.EnumerateArray(), p => Assert.InRange(p.GetProperty("threads").GetArrayLength(), 1, 2));

        var image = threads.Single(t => t.GetProperty("no").GetInt64() == board.ImageThread);
        Assert.Equal(4, image.GetProperty("replies").GetInt32());
        Assert.Equal(3, image.GetProperty("omitted_posts").GetInt32()); // 4 replies, 1 previewed
        Assert.Equal(1, image.GetProperty("omitted_images").GetInt32());
        Assert.Equal([board.LastReply], image.GetProperty("last_replies").EnumerateArray().Select(r => r.GetProperty("no").GetInt64()));
        // The stored time of the thread's last change (a reply, then staff hiding one): never ahead of the clock.
        Assert.InRange(image.GetProperty("last_modified").GetInt64(), image.GetProperty("time").GetInt64(), DateTimeOffset.UtcNow.ToUnixTimeSeconds());

        var listed = (await Get("/b/threads.json")).Json.EnumerateArray().SelectMany(p => p.GetProperty("threads").EnumerateArray()).ToList();
        Assert.Equal(threads.Select(t => t.GetProperty("no").GetInt64()), listed.Select(t => t.GetProperty("no").GetInt64()));
        Assert.Equal(4, listed.Single(t => t.GetProperty("no").GetInt64() == board.ImageThread).GetProperty("replies").GetInt32());

        // An index page: each thread's opening post and its previewed replies, as /b/ shows them.
        var pageOne = (await Get("/b/1.json")).Json.GetProperty("threads");
        Assert.Equal(onIndex, pageOne.EnumerateArray().Select(t => t.GetProperty("posts")[0].GetProperty("no").GetInt64().ToString(CultureInfo.InvariantCulture)));
        var all = pageOne.EnumerateArray().Concat((await Get("/b/2.json")).Json.GetProperty("threads").EnumerateArray());
        var imagePreview = all.Single(t => t.GetProperty("posts")[0].GetProperty("no").GetInt64() == board.ImageThread).GetProperty("posts");
        Assert.Equal([board.ImageThread, board.LastReply], imagePreview.EnumerateArray().Select(p => p.GetProperty("no").GetInt64()));
        Assert.Equal(3, imagePreview[0].GetProperty("omitted_posts").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync(new Uri("/b/3.json", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync(new Uri("/b/0.json", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync(new Uri("/nope/catalog.json", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync(new Uri("/b/thread/999999.json", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task A_thread_answers_a_poll_with_304_until_it_changes()
    {
        // Polls by entity tag here; by date (If-Modified-Since), two changes within a second and a restart in LastModifiedTests.
        const string Scratch = ReadingBoard.ScratchBoard;
        var thread = await board.Post(Scratch, null, [("body", "A thread polled by a client")]);
        var path = $"/{Scratch}/thread/{thread}.json";
        var (first, _, _) = await Get(path);
        var tag = first.Headers.ETag!;

        using var poll = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        poll.Headers.IfNoneMatch.Add(tag);
        var unchanged = await _client.SendAsync(poll);
        Assert.Equal(HttpStatusCode.NotModified, unchanged.StatusCode);
        Assert.Empty(await unchanged.Content.ReadAsByteArrayAsync());
        Assert.Equal(tag, unchanged.Headers.ETag);

        // A reply in the same second as the first answer must still be seen by the next poll.
        var reply = await board.Post(Scratch, thread, [("body", "A reply the poller must see")]);
        using var again = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        again.Headers.IfNoneMatch.Add(tag);
        again.Headers.IfModifiedSince = first.Content.Headers.LastModified;
        var changed = await _client.SendAsync(again);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.NotEqual(tag, changed.Headers.ETag);
        Assert.Contains($"\"no\":{reply}", await changed.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The same for the board's documents.
        foreach (var boardPath in new[] { $"/{Scratch}/catalog.json", $"/{Scratch}/threads.json", $"/{Scratch}/1.json", "/boards.json", $"/{Scratch}/archive.json" })
        {
            var (answer, _, _) = await Get(boardPath);
            using var repeat = new HttpRequestMessage(HttpMethod.Get, new Uri(boardPath, UriKind.Relative));
            repeat.Headers.IfNoneMatch.Add(answer.Headers.ETag!);
            Assert.Equal(HttpStatusCode.NotModified, (await _client.SendAsync(repeat)).StatusCode);
        }
    }

    [Fact]
    public async Task Counts_are_what_the_pages_show_and_count_a_hidden_reply_among_them()
    {
        var browser = board.Server.Browser();
        var catalogPage = await browser.Get("/b/catalog");
        var catalog = (await Get("/b/catalog.json")).Json.EnumerateArray().SelectMany(p => p.GetProperty("threads").EnumerateArray()).ToList();
        var previews = new Dictionary<long, JsonElement>();
        for (var page = 1; page <= catalog.Count / 2 + 1; page++)
        {
            if ((await _client.GetAsync(new Uri($"/b/{page}.json", UriKind.Relative))).StatusCode != HttpStatusCode.OK)
            {
                break;
            }
            var index = await browser.Get(page == 1 ? "/b/" : $"/b/page/{page}");
            foreach (var t in (await Get($"/b/{page}.json")).Json.GetProperty("threads").EnumerateArray())
            {
                var posts = t.GetProperty("posts");
                var no = posts[0].GetProperty("no").GetInt64();
                previews[no] = posts;
                // The index: the posts previewed, and "N replies omitted" (none when the paragraph is absent).
                var section = index.Document.GetElementById($"t{no}")!.ParentElement!;
                Assert.Equal(section.QuerySelectorAll("article.post").Length, posts.GetArrayLength());
                var omitted = section.QuerySelector("p.omitted")?.TextContent.Split(' ')[0] ?? "0";
                Assert.Equal(omitted, posts[0].GetProperty("omitted_posts").GetInt32().ToString(CultureInfo.InvariantCulture));
            }
        }
        Assert.Equal(catalog.Count, previews.Count);
        foreach (var t in catalog)
        {
            var no = t.GetProperty("no").GetInt64();
            // The catalog page's "N replies".
            var tile = catalogPage.Document.QuerySelectorAll("ul.catalog li").Single(li => li.QuerySelector("a")!.GetAttribute("href") == $"/b/thread/{no}");
            Assert.Equal(tile.QuerySelector(".count")!.TextContent.Split(' ')[0], t.GetProperty("replies").GetInt32().ToString(CultureInfo.InvariantCulture));
            // The thread page: every reply it shows (a hidden one as its notice), and the images it shows.
            var threadPage = await browser.Get($"/b/thread/{no}");
            var replies = threadPage.Document.QuerySelectorAll("article.post:not(.op)");
            var thread = (await Get($"/b/thread/{no}.json")).Json.GetProperty("posts");
            Assert.Equal(replies.Length, thread[0].GetProperty("replies").GetInt32());
            Assert.Equal(replies.Length, t.GetProperty("replies").GetInt32());
            Assert.Equal(replies.Length + 1, thread.GetArrayLength());
            Assert.Equal(replies.Count(r => r.QuerySelector(".file") is not null), thread[0].GetProperty("images").GetInt32());
            Assert.Equal(thread[0].GetProperty("images").GetInt32(), t.GetProperty("images").GetInt32());
            // What the preview leaves out, counted from the whole thread.
            var previewed = previews[no].EnumerateArray().Skip(1).ToList();
            Assert.Equal(replies.Length - previewed.Count, t.GetProperty("omitted_posts").GetInt32());
            Assert.Equal(thread[0].GetProperty("images").GetInt32() - previewed.Count(p => p.TryGetProperty("tim", out _)),
                t.GetProperty("omitted_images").GetInt32());
            // Each notice on the page is a hidden stub in the JSON, and the other way round.
            Assert.Equal(replies.Where(r => r.QuerySelector("p.notice") is not null).Select(r => r.Id),
                thread.EnumerateArray().Where(p => p.TryGetProperty("anonboard_hidden", out _)).Select(p => $"p{p.GetProperty("no").GetInt64()}"));
        }
        // The seeded board has a hidden reply among them, or this would prove little.
        Assert.Contains(catalog, t => t.GetProperty("no").GetInt64() == board.ImageThread);
    }

    [Fact]
    public async Task A_post_hidden_after_it_was_served_leaves_only_its_notice_in_the_json()
    {
        const string Scratch = ReadingBoard.ScratchBoard;
        var thread = await board.Post(Scratch, null, [("body", "A thread whose reply staff will hide")]);
        var reply = await board.Post(Scratch, thread, [("body", "Soon hidden pending review")]);
        var (before, json, _) = await Get($"/{Scratch}/thread/{thread}.json");
        Assert.Equal(2, json.GetProperty("posts").GetArrayLength());
        Assert.Equal(HttpStatusCode.OK, await AnonymousBoard.Tests.Moderation.StaffKit.Act(board.Staff, Scratch, reply, "hide"));
        using var poll = new HttpRequestMessage(HttpMethod.Get, new Uri($"/{Scratch}/thread/{thread}.json", UriKind.Relative));
        poll.Headers.IfModifiedSince = before.Content.Headers.LastModified;
        var after = await _client.SendAsync(poll);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        var text = await after.Content.ReadAsStringAsync();
        Assert.DoesNotContain("Soon hidden", text, StringComparison.Ordinal);
        Assert.Contains("\"replies\":1", text, StringComparison.Ordinal);
        Assert.Contains($"\"no\":{reply},\"resto\":{thread},", text, StringComparison.Ordinal);
        Assert.Contains("\"anonboard_hidden\":1", text, StringComparison.Ordinal);
    }
}
