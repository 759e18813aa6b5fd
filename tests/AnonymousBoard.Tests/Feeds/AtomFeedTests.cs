using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Xml.Linq;
using AnonymousBoard.Tests.Api;
using AnonymousBoard.Tests.Support;

namespace AnonymousBoard.Tests.Feeds;

/// <summary>
/// The Atom feeds over HTTP: well-formed RFC 4287 with its required elements (checked here and by
/// Debian's python3-feedparser, a real feed reader's parser), what the pages show and nothing hidden,
/// a new reply appearing and a deleted one leaving, 304 for a poll, and ids and links by the public
/// address when the operator set one.
/// </summary>
public sealed class AtomFeedTests(ReadingBoard board) : IClassFixture<ReadingBoard>
{
    private static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";
    private readonly HttpClient _client = board.Server.Client();

    private async Task<(HttpResponseMessage Response, XDocument Feed, string Text)> Get(string path, HttpClient? client = null)
    {
        var response = await (client ?? _client).GetAsync(new Uri(path, UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {response.StatusCode} {text}");
        Assert.Equal("application/atom+xml", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(response.Content.Headers.LastModified);
        return (response, XDocument.Parse(text), text);
    }

    /// <summary>What RFC 4287 requires of a feed and its entries (section 4.1), as problems.</summary>
    private static List<string> AtomProblems(XDocument feed, string path)
    {
        var problems = new List<string>();
        var root = feed.Root!;
        if (root.Name != Atom + "feed")
        {
            problems.Add($"{path}: the root is {root.Name}, not atom:feed");
        }
        void One(XElement parent, string name, string where)
        {
            var count = parent.Elements(Atom + name).Count();
            if (count != 1)
            {
                problems.Add($"{where}: {count} atom:{name}, exactly one is required");
            }
        }
        foreach (var name in new[] { "id", "title", "updated" })
        {
            One(root, name, path);
        }
        if (!root.Elements(Atom + "link").Any(l => (string?)l.Attribute("rel") == "self"))
        {
            problems.Add($"{path}: no self link");
        }
        var feedAuthor = root.Elements(Atom + "author").Any();
        var ids = new HashSet<string>();
        foreach (var entry in root.Elements(Atom + "entry"))
        {
            var where = $"{path} entry {(string?)entry.Element(Atom + "id")}";
            foreach (var name in new[] { "id", "title", "updated" })
            {
                One(entry, name, where);
            }
            if (!feedAuthor && !entry.Elements(Atom + "author").Any())
            {
                problems.Add($"{where}: no author, in the entry or the feed");
            }
            if (!entry.Elements(Atom + "link").Any(l => (string?)l.Attribute("rel") == "alternate"))
            {
                problems.Add($"{where}: no alternate link (it has no content src either)");
            }
            if (!ids.Add((string)entry.Element(Atom + "id")!))
            {
                problems.Add($"{where}: the id is used twice");
            }
        }
        foreach (var id in root.Descendants(Atom + "id").Select(e => e.Value))
        {
            if (!id.StartsWith("tag:", StringComparison.Ordinal) || !Uri.TryCreate(id, UriKind.Absolute, out _))
            {
                problems.Add($"{path}: the id {id} is not a tag: IRI");
            }
        }
        foreach (var time in root.Descendants().Where(e => e.Name == Atom + "updated" || e.Name == Atom + "published").Select(e => e.Value))
        {
            if (!DateTimeOffset.TryParseExact(time, "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _))
            {
                problems.Add($"{path}: {time} is not an RFC 3339 date-time");
            }
        }
        return problems;
    }

    /// <summary>Debian's feedparser reads the feed as a feed reader does: bozo (not well formed), the feed's version, each entry's resolved link.</summary>
    private static string FeedParser(string xml, string fetchedFrom)
    {
        const string Script = """
            import sys, feedparser
            d = feedparser.parse(sys.stdin.buffer.read(), response_headers={'content-location': sys.argv[1], 'content-type': 'application/atom+xml'})
            print('bozo', int(d.bozo), repr(d.get('bozo_exception', '')))
            print('version', d.version)
            print('title', d.feed.get('title'))
            for e in d.entries:
                print('entry', e.get('id'), e.get('link'), len(e.get('content', [{}])[0].get('value', '')))
            """;
        var start = new ProcessStartInfo("/usr/bin/python3", ["-c", Script, fetchedFrom])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        process.StandardInput.Write(xml);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEnd();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"python3-feedparser (install-test-tools installs it): {errors}");
        return output;
    }

    [Fact]
    public async Task Every_feed_is_valid_atom_with_its_required_elements()
    {
        var paths = new[] { "/b/threads.atom", "/b/active.atom", $"/b/thread/{board.ImageThread}.atom", $"/b/thread/{board.ArchivedThread}.atom" };
        var problems = new List<string>();
        foreach (var path in paths)
        {
            var (_, feed, text) = await Get(path);
            problems.AddRange(AtomProblems(feed, path));
            var parsed = FeedParser(text, "http://example.onion" + path);
            Assert.Contains("bozo 0", parsed, StringComparison.Ordinal);
            Assert.Contains("version atom10", parsed, StringComparison.Ordinal);
        }
        Assert.Empty(problems);
    }

    [Fact]
    public async Task The_atom_check_fails_a_feed_without_its_required_elements()
    {
        // The guard itself: an entry with no id, no updated, no author anywhere and no link does not pass.
        var feed = XDocument.Parse("""
            <feed xmlns="http://www.w3.org/2005/Atom"><id>tag:x,2026:f</id><title>t</title><updated>2026-01-01T00:00:00Z</updated>
            <link rel="self" href="f"/><entry><title>e</title></entry></feed>
            """);
        var problems = AtomProblems(feed, "test");
        Assert.Contains(problems, p => p.Contains("atom:id", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("no author", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("no alternate link", StringComparison.Ordinal));
        await Task.CompletedTask;
    }

    [Fact]
    public async Task A_thread_feed_holds_its_visible_posts_with_links_resolved_where_it_was_fetched()
    {
        var (_, feed, text) = await Get($"/b/thread/{board.ImageThread}.atom");
        Assert.Equal("/", (string?)feed.Root!.Attribute(XNamespace.Xml + "base"));
        var entries = feed.Root.Elements(Atom + "entry").ToList();
        Assert.Equal([board.ImageThread, board.SpoilerReply, board.SignedReply, board.LastReply],
            entries.Select(e => long.Parse(((string)e.Element(Atom + "id")!).Split('/')[^1], CultureInfo.InvariantCulture)));
        Assert.DoesNotContain(ReadingBoard.HiddenText, text, StringComparison.Ordinal);
        Assert.DoesNotContain(ReadingBoard.DeletedText, text, StringComparison.Ordinal);
        var op = entries[0];
        Assert.Equal("Pictures & <things>", (string?)op.Element(Atom + "title"));
        Assert.Equal("html", (string?)op.Element(Atom + "content")!.Attribute("type"));
        Assert.Contains("<strong>picture</strong>", (string?)op.Element(Atom + "content"), StringComparison.Ordinal);
        Assert.StartsWith("Tester !", (string?)op.Element(Atom + "author")!.Element(Atom + "name"), StringComparison.Ordinal);
        // No host of the board's own anywhere: links are relative, resolved by the reader against the feed's address.
        Assert.DoesNotContain("127.0.0.1", text, StringComparison.Ordinal);
        var parsed = FeedParser(text, $"http://example.onion/b/thread/{board.ImageThread}.atom");
        Assert.Contains($"http://example.onion/b/thread/{board.ImageThread}#p{board.LastReply}", parsed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task New_threads_and_active_threads_list_what_the_board_shows()
    {
        var (_, fresh, _) = await Get("/b/threads.atom");
        var newest = fresh.Root!.Elements(Atom + "entry").Select(e => (string)e.Element(Atom + "id")!).ToList();
        Assert.EndsWith($"/b/post/{board.NewestThread}", newest[0], StringComparison.Ordinal);
        Assert.Contains(newest, id => id.EndsWith($"/b/post/{board.ArchivedThread}", StringComparison.Ordinal));
        var (_, active, _) = await Get("/b/active.atom");
        var bumped = active.Root!.Elements(Atom + "entry").Select(e => (string)e.Element(Atom + "id")!).ToList();
        var catalog = await board.Server.Browser().Get("/b/catalog");
        var order = catalog.Document.QuerySelectorAll(".catalog li a").Select(a => a.GetAttribute("href")!).ToList();
        Assert.Equal(order, bumped.Select(id => id[(id.IndexOf(':', 4) + 1)..]));
        Assert.DoesNotContain(bumped, id => id.EndsWith($"/thread/{board.ArchivedThread}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_new_reply_appears_and_a_deleted_one_leaves()
    {
        const string Scratch = ReadingBoard.ScratchBoard;
        var thread = await board.Post(Scratch, null, [("body", "A thread someone follows in a feed reader")]);
        var path = $"/{Scratch}/thread/{thread}.atom";
        var (first, _, _) = await Get(path);
        using (var poll = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative)))
        {
            // By entity tag: a date is answered 304 only once the second of the change is safely over (LastModifiedTests).
            poll.Headers.IfNoneMatch.Add(first.Headers.ETag!);
            Assert.Equal(HttpStatusCode.NotModified, (await _client.SendAsync(poll)).StatusCode);
        }
        var reply = await board.Post(Scratch, thread, [("body", "A reply for the feed"), ("password", "mine")]);
        var (_, withReply, _) = await Get(path);
        Assert.Contains(withReply.Root!.Elements(Atom + "entry"), e => ((string)e.Element(Atom + "id")!).EndsWith($"/post/{reply}", StringComparison.Ordinal));

        var browser = board.Server.Browser();
        var (deleted, _) = await browser.Submit(await browser.Get($"/{Scratch}/thread/{thread}"), $"/{Scratch}/delete",
            new Dictionary<string, string?> { ["no"] = reply.ToString(CultureInfo.InvariantCulture), ["password"] = "mine" });
        Assert.Equal(HttpStatusCode.SeeOther, deleted.StatusCode);
        var (_, afterDelete, text) = await Get(path);
        Assert.DoesNotContain("A reply for the feed", text, StringComparison.Ordinal);
        Assert.Single(afterDelete.Root!.Elements(Atom + "entry"));
    }

    [Fact]
    public async Task With_a_public_address_ids_name_its_host_and_links_resolve_against_it()
    {
        const string Onion = "http://exampleexampleexampleexampleexampleexampleexample.onion";
        var server = new BoardServer();
        server.Settings.Add($"--Board:PublicAddress={Onion}");
        await server.InitializeAsync();
        try
        {
            var (_, feed, text) = await Get("/b/threads.atom", server.Client());
            Assert.Equal(Onion + "/", (string?)feed.Root!.Attribute(XNamespace.Xml + "base"));
            Assert.StartsWith("tag:exampleexampleexampleexampleexampleexampleexample.onion,2026:", feed.Root.Element(Atom + "id")!.Value, StringComparison.Ordinal);
            Assert.Contains("bozo 0", FeedParser(text, "http://127.0.0.1/b/threads.atom"), StringComparison.Ordinal);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}
