using System.Globalization;
using AnonymousBoard.Boards;
using AnonymousBoard.Gate;
using AnonymousBoard.Markup;
using AnonymousBoard.Site;
using AnonymousBoard.Storage;

namespace AnonymousBoard.Reading;

/// <summary>
/// The pages read most: a board's index, its catalog and its threads. Their posts and forms are prepared
/// once per write (<see cref="PageCache"/>); what differs per request, the posting level and the form's
/// single-use ticket, is written by the page template around and into them. So a request that finds them
/// prepared reaches only reading, the board list, the gate and the templates: posting (with moderation's
/// rules and media's state) is called only when a form is prepared again.
/// </summary>
public static class BoardPages
{
    /// <summary>GET /{board}/ and /{board}/page/{pageNo}.</summary>
    public static IResult Index(string board, int? pageNo, HttpContext context, BoardDirectory boards, BoardReader reader, PageCache cache,
        AdmissionGate gate, IPageForms forms, TimeProvider time)
    {
        var page = pageNo ?? 1;
        if (boards.Find(board) is not { } b || page < 1)
        {
            return Results.NotFound();
        }
        var shape = Shape(b);
        var prepared = cache.Board("index", b.Id, page, shape, () => PrepareIndex(b, page, reader, cache));
        if (page > prepared.PageCount)
        {
            return Results.NotFound();
        }
        var form = cache.Form("new-thread-form", b.Id, 0, shape, () => PreparePostingForm(forms, b, null));
        var status = gate.Status;
        var all = boards.All;
        var whole = cache.Board("index-page", b.Id, page, new PageShape(shape, new BoardsNav(all), LevelLine.Of(status), prepared, form, null),
            () => CompressedPage.Of(Templates.PrepareWithSlots(IndexPage.Create(new IndexPageView(b, all, status, page, prepared, new(form, null, null))), 2)));
        return Fill(whole, form, null, b, context, gate, time);
    }

    /// <summary>GET /{board}/catalog: every live thread as a compact tile.</summary>
    public static IResult Catalog(string board, BoardDirectory boards, BoardReader reader, PageCache cache, AdmissionGate gate)
    {
        if (boards.Find(board) is not { } b)
        {
            return Results.NotFound();
        }
        var shape = Shape(b);
        var tiles = cache.Board("catalog", b.Id, 0, shape,
            () => Templates.Prepare(CatalogTiles.Create(new CatalogView(b.Slug, reader.ListLiveThreads(b.Id, 0, b.Settings.ThreadCap)))));
        var status = gate.Status;
        var all = boards.All;
        return cache.Board("catalog-page", b.Id, 0, new PageShape(shape, new BoardsNav(all), LevelLine.Of(status), tiles, null, null),
            () => CompressedPage.Of(Templates.PrepareWithSlots(CatalogPage.Create(new CatalogPageView(b, all, status, tiles)), 0))).Result(Html);
    }

    /// <summary>Archived threads on one page of the archive.</summary>
    public const int ArchivePerPage = 50;

    /// <summary>GET /{board}/archive and ?page=N: archived threads, the most recently archived first.</summary>
    public static IResult Archive(string board, HttpContext context, BoardDirectory boards, BoardReader reader, AdmissionGate gate)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (boards.Find(board) is not { } b)
        {
            return Results.NotFound();
        }
        var page = context.Request.Query.ContainsKey("page")
            ? int.TryParse(context.Request.Query["page"], NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : 0
            : 1;
        var pageCount = Math.Max(1, (reader.CountArchivedThreads(b.Id) + ArchivePerPage - 1) / ArchivePerPage);
        if (page < 1 || page > pageCount)
        {
            return Results.NotFound();
        }
        var threads = reader.ListArchivedThreads(b.Id, (page - 1) * ArchivePerPage, ArchivePerPage);
        return CompressedPage.RenderedPage(ArchivePage.Create(new ArchivePageView(b, boards.All, gate.Status, threads, page, pageCount)));
    }

    /// <summary>GET /{board}/thread/{no}: the whole thread, and the reply form.</summary>
    /// <remarks>"?quote=N" (a post's Reply link) starts the reply by quoting post N.</remarks>
    public static IResult Thread(string board, long no, HttpContext context, BoardDirectory boards, BoardReader reader, PageCache cache,
        AdmissionGate gate, IPageForms forms, TimeProvider time)
    {
        if (boards.Find(board) is not { } b)
        {
            return Results.NotFound();
        }
        var shape = Shape(b);
        var prepared = cache.GrowingThread("thread", new ThreadRef(b.Id, no), shape,
            () => reader.GetThread(b.Id, no) is { } thread ? PrepareThread(b, thread) : Missing,
            (old, quoted) => GrowThread(b, old, quoted, reader));
        if (ReferenceEquals(prepared, Missing) || prepared.Thread.No != no)
        {
            // A reply's number is not a thread: send the reader to the thread that holds it.
            if (reader.FindThreadOf(b.Id, no) is { } holder && holder != no)
            {
                return Results.Redirect($"{Links.Thread(b.Slug, holder)}#p{no}");
            }
            // A thread moved by staff: its old address leads to where it went.
            return reader.FindMoved(b.Id, no) is { } moved
                ? Results.Redirect($"{Links.Thread(moved.Board, moved.ThreadNo)}#p{moved.No}")
                : Results.NotFound();
        }
        var thread = prepared.Thread;
        var form = !thread.Archived && !thread.Locked ? cache.Form("reply-form", b.Id, thread.No, shape, () => PreparePostingForm(forms, b, thread.No)) : null;
        var delete = cache.Form("delete-form", b.Id, 0, shape, () => PrepareDeleteForm(forms, b));
        var status = gate.Status;
        var all = boards.All;
        var whole = cache.Thread("thread-page", new ThreadRef(b.Id, no), new PageShape(shape, new BoardsNav(all), LevelLine.Of(status), prepared, form, delete),
            () => ThreadPageOf(prepared, Templates.PrepareWithSlots(
                ThreadPage.Create(new ThreadPageView(b, all, status, thread, form is null ? null : new FilledFormView(form, null, null), delete)), form is null ? 1 : 3)));
        if (form is null)
        {
            return whole.Result(Html);
        }
        // A malformed quote number is ignored, as a link with a typo should be.
        var quote = long.TryParse(context.Request.Query["quote"], NumberStyles.None, CultureInfo.InvariantCulture, out var q) ? $">>{q}\n" : null;
        return Fill(whole, form, quote, b, context, gate, time);
    }

    /// <summary>
    /// The thread page from its layout, cut where the posts go and at the form's slots, and the runs of posts the
    /// prepared thread keeps: a new version after a reply shares every run but the last with the one before (and what
    /// they were compressed to), and no version is copied into one array.
    /// </summary>
    private static CompressedPage ThreadPageOf(PreparedThread prepared, IReadOnlyList<PreparedHtml> layout) =>
        CompressedPage.Of([[new PagePiece(layout[0].Utf8), .. prepared.Runs.Select(r => r.Piece), new PagePiece(layout[1].Utf8)],
            .. layout.Skip(2).Select(p => new[] { new PagePiece(p.Utf8) })], prepared.Grown ? prepared.Brotli : null);

    // The builders the page cache calls when it has no fresh form (the Prepare… methods run once per write, not per
    // request): posting draws the forms, with moderation's rules and media's state.
    private static PreparedForm PreparePostingForm(IPageForms forms, Board board, long? threadNo) => forms.Posting(board, threadNo);

    private static PreparedHtml PrepareDeleteForm(IPageForms forms, Board board) => forms.Delete(board);

    private const string Html = "text/html; charset=utf-8";

    /// <summary>
    /// What this request writes into the slots of a page prepared with <paramref name="form"/> (FilledForm.cshtml):
    /// <paramref name="text"/>, and the gate's fields with a fresh ticket for the reader's circuit.
    /// </summary>
    private static IResult Fill(CompressedPage page, PreparedForm form, string? text, Board board, HttpContext context, AdmissionGate gate, TimeProvider time)
    {
        var fields = new GateFieldsView(gate.IssueTicket(board.Slug, context.GetCircuitId()), null, time.GetUtcNow(), form.What, form.Button);
        return page.Result(Html, Templates.Encode(text), Templates.Prepare(GateFields.Create(fields)).Utf8);
    }

    /// <summary>
    /// What a board's prepared fragments depend on: the board's name, description and settings, not its post count
    /// or last post, which every post changes (and would have every thread's page prepared and compressed again).
    /// </summary>
    private static Board Shape(Board board) => board with { PostCount = 0, LastActivity = null };

    /// <summary>What a whole page prepared once shows: the board, the boards it links to, the level line, and its prepared parts (by reference).</summary>
    private sealed record PageShape(Board Board, BoardsNav Nav, LevelLine Level, object Content, PreparedForm? Form, PreparedHtml? Delete);

    /// <summary>Every post of a thread as the thread page shows it, and as the staff view does with <paramref name="staffBase"/>.</summary>
    public static PostList Posts(Board board, ThreadContent thread, string? staffBase = null)
    {
        ArgumentNullException.ThrowIfNull(board);
        ArgumentNullException.ThrowIfNull(thread);
        return new PostList([.. thread.Posts.Select(p => new PostView(board.Slug, p, thread.Backlinks, staffBase))]);
    }

    private static PreparedIndex PrepareIndex(Board board, int pageNo, BoardReader reader, PageCache cache)
    {
        var s = board.Settings;
        var pageCount = Math.Max(1, (reader.CountLiveThreads(board.Id) + s.ThreadsPerPage - 1) / s.ThreadsPerPage);
        var previews = reader.ListLiveThreads(board.Id, (pageNo - 1) * s.ThreadsPerPage, s.ThreadsPerPage)
            .Select(thread => cache.Thread("preview", new ThreadRef(board.Id, thread.No), Shape(board),
                () => reader.GetThreadPreview(board.Id, thread.No, s.PreviewsPerThread) is { } content
                    ? Templates.Prepare(ThreadPreview.Create(new ThreadContentView(board.Slug, content)))
                    : PreparedHtml.Empty))
            .ToList();
        return new PreparedIndex(previews, pageCount);
    }

    /// <summary>
    /// Every post of a thread, each prepared on its own (so a reply renders only what it changed), kept in runs of
    /// consecutive posts that the thread page is written from, with what the page says about the thread, and the brotli
    /// stream its pages' versions grow (passed on to the thread grown from this one). Only a thread that was
    /// <paramref name="Grown"/> (posted to) has its pages compressed into it: a page only read is compressed once, and
    /// keeps no stream open.
    /// </summary>
    private sealed record PreparedThread(ThreadSummary Thread, IReadOnlyList<PreparedPost> Posts, IReadOnlyList<PostRun> Runs, BrotliGrowth Brotli,
        bool Grown = false) : ISized
    {
        public long LastNo => Posts.Count > 0 ? Posts[^1].No : 0;

        // The runs (which hold the posts' bytes), and about 100 bytes for each post's record and backlinks.
        public long Bytes => Runs.Sum(r => (long)r.Piece.Length) + Posts.Sum(p => 100L + (p.Backlinks.Count * 64L));
    }

    /// <summary>A post as the thread page shows it (its bytes in its run), and the backlinks it was rendered with.</summary>
    private sealed record PreparedPost(long No, ReadOnlyMemory<byte> Html, IReadOnlyList<Backlink> Backlinks);

    /// <summary>Posts <paramref name="First"/> to <paramref name="First"/> + <paramref name="Count"/> - 1 of a thread, one after another in one piece.</summary>
    private sealed record PostRun(int First, int Count, PagePiece Piece);

    // Runs this long: a reply copies at most about this much (the last run, which it joins), a run's gzip needs no more
    // of the run before it than deflate's 32 KB window, and each stays out of the large-object heap.
    private const int RunBytes = 32 * 1024;

    private static readonly PreparedThread Missing = new(new ThreadSummary(0, "", "", 0, false, false, false, default), [], [], new BrotliGrowth());

    private static PreparedThread PrepareThread(Board board, ThreadContent thread)
    {
        var backlinks = BacklinksByPost(thread.Backlinks);
        List<PreparedPost> posts = [.. thread.Posts.Select(p => PreparePost(board, p, backlinks))];
        return new PreparedThread(thread.Thread, posts, Runs(posts, [], _ => false), new BrotliGrowth());
    }

    private static PreparedPost PreparePost(Board board, StoredPost post, ILookup<long, Backlink> backlinks)
    {
        Backlink[] mine = [.. backlinks[post.No]];
        return new PreparedPost(post.No, Templates.Prepare(PostArticle.Create(new PostView(board.Slug, post, mine))).Utf8, mine);
    }

    /// <summary>
    /// The runs of <paramref name="posts"/>: those of <paramref name="old"/> whose posts did not <paramref name="change"/>
    /// kept as they are, the others cut again, and the last one and any posts after it cut anew. Each post cut into a
    /// run is replaced in <paramref name="posts"/> by itself pointing into the run, so its bytes are kept once.
    /// </summary>
    private static List<PostRun> Runs(List<PreparedPost> posts, IReadOnlyList<PostRun> old, Func<int, bool> change)
    {
        var runs = new List<PostRun>();
        var next = 0;
        foreach (var run in old.Take(old.Count - 1))
        {
            runs.Add(Enumerable.Range(run.First, run.Count).Any(change) ? Cut(posts, run.First, run.Count) : run);
            next = run.First + run.Count;
        }
        while (next < posts.Count)
        {
            var count = 1;
            for (var bytes = posts[next].Html.Length; next + count < posts.Count && bytes + posts[next + count].Html.Length <= RunBytes; count++)
            {
                bytes += posts[next + count].Html.Length;
            }
            runs.Add(Cut(posts, next, count));
            next += count;
        }
        return runs;
    }

    private static PostRun Cut(List<PreparedPost> posts, int first, int count)
    {
        var bytes = new byte[posts.Skip(first).Take(count).Sum(p => p.Html.Length)];
        var at = 0;
        for (var i = first; i < first + count; i++)
        {
            var html = posts[i].Html;
            html.CopyTo(bytes.AsMemory(at));
            posts[i] = posts[i] with { Html = bytes.AsMemory(at, html.Length) };
            at += html.Length;
        }
        return new PostRun(first, count, new PagePiece(bytes, shared: true));
    }

    /// <summary>
    /// A thread prepared before, after writes that only grew it: its new posts rendered and added, and the earlier
    /// posts whose backlinks changed (the ones the new posts quote: <paramref name="quoted"/>, when known) read and
    /// rendered again; the rest kept as they were. Null (build it whole) when there is nothing to grow.
    /// </summary>
    private static PreparedThread? GrowThread(Board board, PreparedThread old, IReadOnlySet<long>? quoted, BoardReader reader)
    {
        if (ReferenceEquals(old, Missing))
        {
            return null;
        }
        var before = old.Posts.ToDictionary(p => p.No);
        var growth = reader.GetThreadGrowth(board.Id, old.Thread.No, old.LastNo, quoted, backlinks => [.. BacklinksByPost(backlinks)
            .Where(g => before.TryGetValue(g.Key, out var post) && !post.Backlinks.SequenceEqual(g))
            .Select(g => g.Key)]);
        if (growth is null)
        {
            return null;
        }
        var backlinks = BacklinksByPost(growth.Backlinks);
        var changed = growth.Changed.ToDictionary(p => p.No);
        var posts = new List<PreparedPost>(old.Posts.Count + growth.Added.Count);
        posts.AddRange(old.Posts.Select(p => changed.TryGetValue(p.No, out var post) ? PreparePost(board, post, backlinks) : p));
        posts.AddRange(growth.Added.Select(p => PreparePost(board, p, backlinks)));
        return new PreparedThread(growth.Thread, posts, Runs(posts, old.Runs, i => i < old.Posts.Count && changed.ContainsKey(old.Posts[i].No)), old.Brotli, Grown: true);
    }

    private static ILookup<long, Backlink> BacklinksByPost(IEnumerable<Backlink> backlinks) => backlinks.ToLookup(b => b.ToNo);
}
