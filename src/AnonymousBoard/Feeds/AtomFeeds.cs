using System.Globalization;
using System.Text;
using System.Xml;
using AnonymousBoard.Boards;
using AnonymousBoard.Markup;
using AnonymousBoard.Moderation;
using AnonymousBoard.Reading;
using AnonymousBoard.Site;
using AnonymousBoard.Settings;
using AnonymousBoard.Storage;
using Microsoft.Extensions.Options;

namespace AnonymousBoard.Feeds;

/// <summary>
/// Atom feeds (RFC 4287) for readers who follow the board without keeping a tab open: a board's new
/// threads, its active threads (bump order) and a thread's replies. Each entry's content is the post's
/// rendered HTML. What a feed shows is what the pages show: no hidden or held post.
///
/// Ids are <c>tag:</c> IRIs (RFC 4151), stable whatever address the feed was fetched at. Their authority
/// is the host of <c>Board:PublicAddress</c> when the operator set one, otherwise a name made from this
/// board's moderation-log key (public already, in /modlog.txt), so two boards' ids never collide. Links
/// are relative, resolved through <c>xml:base</c>: the public address when set, otherwise "/", which a
/// feed reader resolves against the address it fetched the feed from (the onion address, or a mirror's),
/// so the board never writes a host it was not told.
/// </summary>
public sealed class AtomFeeds(BoardDirectory boards, BoardReader reader, PageCache cache, ReadDocuments documents,
    IOptions<BoardOptions> options, ModLogKey logKey)
{
    private const string Atom = "http://www.w3.org/2005/Atom";
    private const string ContentType = "application/atom+xml; charset=utf-8";
    private const int Entries = 30;

    // The route table's handlers (Hosting/Routes.cs); the feeds' parts come from the services.
    public static IResult NewThreadsFeed(string board, HttpContext context, AtomFeeds feeds) => feeds.NewThreads(board, context);
    public static IResult ActiveThreadsFeed(string board, HttpContext context, AtomFeeds feeds) => feeds.ActiveThreads(board, context);
    public static IResult ThreadFeed(string board, long no, HttpContext context, AtomFeeds feeds) => feeds.Thread(board, no, context);

    private readonly string _base = options.Value.PublicAddress is { Length: > 0 } address ? address.TrimEnd('/') + "/" : "/";

    private readonly string _tagAuthority = options.Value.PublicAddress is { Length: > 0 } address
        && Uri.TryCreate(address, UriKind.Absolute, out var uri)
        ? uri.Host
        : Convert.ToHexStringLower(logKey.PublicKey.AsSpan(0, 8)) + ".anonymousboard.invalid";

    /// <summary>The tag: IRI of something at <paramref name="path"/> on this board: "tag:host,2026:/b/post/12".</summary>
    public string Tag(string path) => $"tag:{_tagAuthority},2026:/{path}";

    /// <summary>/{board}/threads.atom: the newest threads, each its opening post.</summary>
    public IResult NewThreads(string board, HttpContext context) => ForBoard(board, context, "threads.atom", b =>
    {
        var threads = Openings(b, reader.ListNewestThreads(b.Id, Entries));
        return Write($"{b.Slug}/threads", $"/{b.Slug}/ – {b.Title}: new threads", $"{b.Slug}/threads.atom", $"{b.Slug}/", w =>
        {
            foreach (var thread in threads)
            {
                var op = thread.Posts[0];
                Entry(w, b, op, thread.Thread.Title, op.CreatedAt);
            }
        }, threads.Select(t => t.Posts[0].CreatedAt));
    });

    /// <summary>/{board}/active.atom: the live threads in bump order; an entry is updated each time its thread is bumped.</summary>
    public IResult ActiveThreads(string board, HttpContext context) => ForBoard(board, context, "active.atom", b =>
    {
        var threads = Openings(b, reader.ListLiveThreads(b.Id, 0, Entries));
        return Write($"{b.Slug}/active", $"/{b.Slug}/ – {b.Title}: active threads", $"{b.Slug}/active.atom", $"{b.Slug}/", w =>
        {
            foreach (var thread in threads)
            {
                var t = thread.Thread;
                var replies = t.ReplyCount == 1 ? "1 reply" : $"{t.ReplyCount} replies";
                Entry(w, b, thread.Posts[0], $"{t.Title} ({replies})", t.BumpedAt, id: Tag($"{b.Slug}/thread/{t.No}"),
                    link: Links.Thread(b.Slug, t.No)[1..]);
            }
        }, threads.Select(t => t.Thread.BumpedAt));
    });

    /// <summary>/{board}/thread/{no}.atom: the thread's opening post and its newest replies.</summary>
    public IResult Thread(string board, long no, HttpContext context)
    {
        if (boards.Find(board) is not { } b)
        {
            return Results.NotFound();
        }
        return documents.Serve(context, ContentType, () => Found(cache.Thread("thread.atom", new ThreadRef(b.Id, no), b, () =>
        {
            if (reader.GetThread(b.Id, no) is not { } thread || thread.Thread.No != no)
            {
                return Missing;
            }
            var posts = thread.Posts.Where(p => !p.Hidden).ToList();
            var shown = posts.Take(1).Concat(posts.Skip(1).TakeLast(Entries - 1)).ToList();
            var title = thread.Thread.Title;
            return ReadDocument.Of(Write($"{b.Slug}/thread/{no}", $"/{b.Slug}/ – {title}",
                $"{b.Slug}/thread/{no}.atom", Links.Thread(b.Slug, no)[1..], w =>
                {
                    foreach (var post in shown)
                    {
                        Entry(w, b, post, post.No == no ? title : $"Reply No. {post.No}", post.CreatedAt);
                    }
                }, shown.Select(p => p.CreatedAt)), thread.Thread.ChangedAt);
        })));
    }

    /// <summary>The threads with their opening posts, but those whose opening post readers do not see.</summary>
    private List<ThreadContent> Openings(Board b, IEnumerable<ThreadSummary> threads) =>
        [.. threads.Select(t => reader.GetThreadPreview(b.Id, t.No, 0)).OfType<ThreadContent>().Where(t => !t.Posts[0].Hidden)];

    // What the cache keeps for a thread that is not there (it holds no nulls); served as 404.
    private static readonly ReadDocument Missing = new(ReadOnlyMemory<byte>.Empty, DateTimeOffset.MinValue, "");

    private static ReadDocument? Found(ReadDocument doc) => ReferenceEquals(doc, Missing) ? null : doc;

    private IResult ForBoard(string board, HttpContext context, string kind, Func<Board, byte[]> build)
    {
        if (boards.Find(board) is not { } b)
        {
            return Results.NotFound();
        }
        return documents.Serve(context, ContentType, () => cache.Board(kind, b.Id, 0, b, () =>
        {
            var changed = reader.BoardChangedAt(b.Id);
            return ReadDocument.Of(build(b), changed);
        }));
    }

    /// <summary>A feed: id, title, updated (its newest entry's time), author, self and alternate links, then the entries.</summary>
    private byte[] Write(string idPath, string title, string self, string alternate, Action<XmlWriter> entries, IEnumerable<DateTimeOffset> times)
    {
        using var stream = new MemoryStream();
        using (var w = XmlWriter.Create(stream, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true }))
        {
            w.WriteStartDocument();
            w.WriteStartElement("feed", Atom);
            w.WriteAttributeString("xml", "base", null, _base);
            w.WriteElementString("id", Atom, Tag(idPath));
            w.WriteElementString("title", Atom, title);
            w.WriteElementString("updated", Atom, Time(times.DefaultIfEmpty(DateTimeOffset.UnixEpoch).Max()));
            w.WriteStartElement("author", Atom);
            w.WriteElementString("name", Atom, "Anonymous");
            w.WriteEndElement();
            Link(w, "self", self, "application/atom+xml");
            Link(w, "alternate", alternate, "text/html");
            w.WriteElementString("generator", Atom, "AnonymousBoard");
            entries(w);
            w.WriteEndElement();
            w.WriteEndDocument();
        }
        return stream.ToArray();
    }

    private void Entry(XmlWriter w, Board b, StoredPost post, string title, DateTimeOffset updated, string? id = null, string? link = null)
    {
        w.WriteStartElement("entry", Atom);
        w.WriteElementString("id", Atom, id ?? Tag($"{b.Slug}/post/{post.No}"));
        w.WriteElementString("title", Atom, title);
        w.WriteElementString("published", Atom, Time(post.CreatedAt));
        w.WriteElementString("updated", Atom, Time(updated));
        w.WriteStartElement("author", Atom);
        w.WriteElementString("name", Atom, post.Tripcode is { } trip ? $"{post.Name} {trip}" : post.Name);
        w.WriteEndElement();
        Link(w, "alternate", link ?? $"{Links.Thread(b.Slug, post.ThreadNo)[1..]}#p{post.No}", "text/html");
        w.WriteStartElement("content", Atom);
        w.WriteAttributeString("type", "html");
        var html = new StringBuilder();
        if (post.File is { } file)
        {
            // The thumbnail would be fetched by the feed reader from wherever it runs: a link only, as a spoiler is on the page.
            html.Append(CultureInfo.InvariantCulture, $"<p><a href=\"{file.Url[1..]}\">Image: {file.Format.Name}, {file.Width}×{file.Height}</a></p>");
        }
        html.Append(post.BodyHtml.Value);
        w.WriteString(html.ToString());
        w.WriteEndElement();
        w.WriteEndElement();
    }

    private static void Link(XmlWriter w, string rel, string href, string type)
    {
        w.WriteStartElement("link", Atom);
        w.WriteAttributeString("rel", rel);
        w.WriteAttributeString("type", type);
        w.WriteAttributeString("href", href);
        w.WriteEndElement();
    }

    private static string Time(DateTimeOffset time) => Times.Machine(time);
}
