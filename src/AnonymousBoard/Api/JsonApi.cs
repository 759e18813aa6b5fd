using System.Buffers;
using System.Text.Json;
using AnonymousBoard.Boards;
using AnonymousBoard.Media;
using AnonymousBoard.Reading;
using AnonymousBoard.Storage;

namespace AnonymousBoard.Api;

/// <summary>
/// The read-only JSON API at 4chan's paths: boards.json, and per board threads.json, catalog.json,
/// {page}.json, thread/{no}.json and archive.json, plus the files at /{board}/{tim}{ext} (thumbnails at
/// {tim}s.jpg). Each document is prepared once per change of what it shows (<see cref="PageCache"/>)
/// and carries Last-Modified and an ETag from stored data; a poll with If-Modified-Since or If-None-Match
/// gets 304 (<see cref="ReadDocuments"/>). Counts are the pages' own: `replies` is the thread's reply
/// count, a reply hidden pending review included (the page shows it as a notice), and `images` the
/// images readers see.
/// </summary>
public sealed class JsonApi(BoardDirectory boards, BoardReader reader, PageCache cache, ReadDocuments documents, MediaService media)
{
    private const string Json = "application/json; charset=utf-8";

    // The route table's handlers (Hosting/Routes.cs); the API's parts come from the services.
    public static IResult BoardsJson(HttpContext context, JsonApi api) => api.Boards(context);
    public static IResult ThreadsJson(string board, HttpContext context, JsonApi api) => api.Threads(board, context);
    public static IResult CatalogJson(string board, HttpContext context, JsonApi api) => api.Catalog(board, context);
    public static IResult ArchiveJson(string board, HttpContext context, JsonApi api) => api.Archive(board, context);
    public static IResult PageJson(string board, int page, HttpContext context, JsonApi api) => api.Page(board, page, context);
    public static IResult ThreadJson(string board, long no, HttpContext context, JsonApi api) => api.Thread(board, no, context);
    public static IResult FileByTim(string board, string file, HttpContext context, JsonApi api) => api.File(board, file, context);

    public IResult Boards(HttpContext context)
    {
        var list = boards.All;
        // The list's settings (for `pages` too): the shape of the document.
        var shape = string.Join('\n', list.Select(b => b.ToString()));
        return documents.Serve(context, Json, () => cache.Board("boards.json", 0, 0, shape, () =>
        {
            var changed = reader.LatestBoardChange();
            return ReadDocument.Of(Write(w =>
            {
                w.WriteStartObject();
                w.WriteStartArray("boards");
                foreach (var board in list)
                {
                    FourChanJson.Board(w, board, MaxPages(board));
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }), changed);
        }));
    }

    public IResult Threads(string board, HttpContext context) => ForBoard(board, context, "threads.json", b => Write(w =>
        ByPage(w, b, t =>
        {
            w.WriteStartObject();
            w.WriteNumber("no", t.No);
            w.WriteNumber("last_modified", t.ChangedAt.ToUnixTimeSeconds());
            w.WriteNumber("replies", t.ReplyCount);
            w.WriteEndObject();
        })));

    public IResult Catalog(string board, HttpContext context) => ForBoard(board, context, "catalog.json", b => Write(w =>
        ByPage(w, b, t => Preview(w, b, t.No, catalog: true))));

    /// <summary>/{board}/{page}.json: one index page, from 1, its threads with their last replies.</summary>
    public IResult Page(string board, int page, HttpContext context)
    {
        // How many pages there are is prepared too (a count per request was a read of the database per
        // request), and checked first, so a page past the last is never prepared.
        if (boards.Find(board) is not { } b || page < 1 || page > cache.Board("page-count", b.Id, 0, b, () => new PageCount(LivePages(b))).Pages)
        {
            return Results.NotFound();
        }
        return documents.Serve(context, Json, () => cache.Board("page.json", b.Id, page, b, () =>
        {
            var changed = reader.BoardChangedAt(b.Id);
            return ReadDocument.Of(Write(w =>
            {
                w.WriteStartObject();
                w.WriteStartArray("threads");
                foreach (var t in reader.ListLiveThreads(b.Id, (page - 1) * b.Settings.ThreadsPerPage, b.Settings.ThreadsPerPage))
                {
                    w.WriteStartObject();
                    w.WriteStartArray("posts");
                    Preview(w, b, t.No, catalog: false);
                    w.WriteEndArray();
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }), changed);
        }));
    }

    /// <summary>
    /// /{board}/thread/{no}.json: every post of the thread as its page shows it, a hidden reply too (its
    /// number, name and time, as the page's notice), so `replies` counts what a reader sees there.
    /// </summary>
    public IResult Thread(string board, long no, HttpContext context)
    {
        if (boards.Find(board) is not { } b)
        {
            return Results.NotFound();
        }
        return documents.Serve(context, Json, () => Found(cache.Thread("thread.json", new ThreadRef(b.Id, no), b, () =>
            reader.GetThreadWithImages(b.Id, no, null) is { } found && found.Content.Thread.No == no
                ? ReadDocument.Of(Write(w =>
                {
                    var (content, images) = found;
                    w.WriteStartObject();
                    w.WriteStartArray("posts");
                    var facts = new FourChanJson.ThreadFacts(content.Thread, content.Thread.ReplyCount, images);
                    foreach (var post in content.Posts)
                    {
                        FourChanJson.Post(w, b, post, post.No == no ? facts : null, media.Md5Base64);
                    }
                    w.WriteEndArray();
                    w.WriteEndObject();
                }), found.Content.Thread.ChangedAt)
                : Missing)));
    }

    /// <summary>/{board}/archive.json: the numbers of the archived threads, most recently archived first.</summary>
    public IResult Archive(string board, HttpContext context) => ForBoard(board, context, "archive.json", b => Write(w =>
    {
        w.WriteStartArray();
        foreach (var t in reader.ListArchivedThreads(b.Id, 0, int.MaxValue))
        {
            w.WriteNumberValue(t.No);
        }
        w.WriteEndArray();
    }));

    /// <summary>/{board}/{tim}{ext} and /{board}/{tim}s.jpg: a post's file and its thumbnail, while readers see the post.</summary>
    public IResult File(string board, string file, HttpContext context)
    {
        var dot = file.IndexOf('.', StringComparison.Ordinal);
        var stem = dot > 0 ? file[..dot] : file;
        var thumbnail = stem.EndsWith('s');
        if (boards.Find(board) is not { } b
            || !long.TryParse(thumbnail ? stem[..^1] : stem, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var tim))
        {
            return Results.NotFound();
        }
        var (createdAt, noModulo) = FourChanJson.ParseTim(tim);
        var found = reader.FindVisibleFile(b.Id, createdAt, noModulo);
        var extension = file[(dot + 1)..];
        // The thumbnail is at 4chan's {tim}s.jpg, though it is WebP (and served as such); the file at its own extension.
        var matches = found is not null && (thumbnail ? extension == "jpg" : extension == found.Format.Extension);
        if (!matches)
        {
            return Results.NotFound();
        }
        var relative = thumbnail ? MediaStore.ThumbnailPath(found!.Hash) : MediaStore.ContentPath(found!.Hash, found.Format);
        var slash = relative.IndexOf('/', StringComparison.Ordinal);
        return MediaFiles.Serve(relative[..slash], relative[(slash + 1)..], context, media);
    }

    // What the cache keeps for a thread that is not there (it holds no nulls); served as 404.
    private static readonly ReadDocument Missing = new(ReadOnlyMemory<byte>.Empty, DateTimeOffset.MinValue, "");

    private static ReadDocument? Found(ReadDocument doc) => ReferenceEquals(doc, Missing) ? null : doc;

    /// <summary>A thread on an index page (its preview) or in the catalog (the opening post holding its last replies).</summary>
    private void Preview(Utf8JsonWriter w, Board b, long threadNo, bool catalog)
    {
        if (reader.GetThreadWithImages(b.Id, threadNo, b.Settings.PreviewsPerThread) is not { } found)
        {
            return;
        }
        var (content, images) = found;
        var op = content.Posts[0];
        // As the index page shows them: the last replies, a hidden one as its notice, and "N replies omitted".
        var replies = content.Posts.Skip(1).ToList();
        var facts = new FourChanJson.ThreadFacts(content.Thread, content.Thread.ReplyCount, images,
            (content.OmittedReplies, images - replies.Count(p => !p.Hidden && p.File is not null)),
            content.Thread.ChangedAt);
        FourChanJson.Post(w, b, op, facts, media.Md5Base64, catalog ? replies : null);
        if (!catalog)
        {
            foreach (var reply in replies)
            {
                FourChanJson.Post(w, b, reply, null, media.Md5Base64);
            }
        }
    }

    /// <summary>threads.json and catalog.json: the live threads as the index pages hold them, pages numbered from 1.</summary>
    private void ByPage(Utf8JsonWriter w, Board b, Action<ThreadSummary> thread)
    {
        var perPage = b.Settings.ThreadsPerPage;
        var threads = reader.ListLiveThreads(b.Id, 0, int.MaxValue);
        w.WriteStartArray();
        for (var page = 1; page == 1 || (page - 1) * perPage < threads.Count; page++)
        {
            w.WriteStartObject();
            w.WriteNumber("page", page);
            w.WriteStartArray("threads");
            foreach (var t in threads.Skip((page - 1) * perPage).Take(perPage))
            {
                thread(t);
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    /// <summary>A board's number of index pages, as the page cache keeps it (it holds objects).</summary>
    private sealed record PageCount(int Pages);

    private int LivePages(Board b) => Math.Max(1, (reader.CountLiveThreads(b.Id) + b.Settings.ThreadsPerPage - 1) / b.Settings.ThreadsPerPage);

    /// <summary>The most index pages the board can have: its thread cap's worth.</summary>
    private static int MaxPages(Board b) => Math.Max(1, (b.Settings.ThreadCap + b.Settings.ThreadsPerPage - 1) / b.Settings.ThreadsPerPage);

    private IResult ForBoard(string board, HttpContext context, string kind, Func<Board, byte[]> build)
    {
        if (boards.Find(board) is not { } b)
        {
            return Results.NotFound();
        }
        return documents.Serve(context, Json, () => cache.Board(kind, b.Id, 0, b, () =>
        {
            var changed = reader.BoardChangedAt(b.Id);
            return ReadDocument.Of(build(b), changed);
        }));
    }

    private static byte[] Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            write(w);
        }
        return buffer.WrittenSpan.ToArray();
    }
}
