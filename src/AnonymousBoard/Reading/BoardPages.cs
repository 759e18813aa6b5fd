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
        var prepared = cache.Board("index", b.Id, page, b, () => PrepareIndex(b, page, reader, cache));
        if (page > prepared.PageCount)
        {
            return Results.NotFound();
        }
        var form = cache.Form("new-thread-form", b.Id, 0, b, () => PreparePostingForm(forms, b, null));
        return Templates.Page(IndexPage.Create(new IndexPageView(b, boards.All, gate.Status, page, prepared, Fill(form, null, b, context, gate, time))));
    }

    /// <summary>GET /{board}/catalog: every live thread as a compact tile.</summary>
    public static IResult Catalog(string board, BoardDirectory boards, BoardReader reader, PageCache cache, AdmissionGate gate)
    {
        if (boards.Find(board) is not { } b)
        {
            return Results.NotFound();
        }
        var tiles = cache.Board("catalog", b.Id, 0, b,
            () => Templates.Prepare(CatalogTiles.Create(new CatalogView(b.Slug, reader.ListLiveThreads(b.Id, 0, b.Settings.ThreadCap)))));
        return Templates.Page(CatalogPage.Create(new CatalogPageView(b, boards.All, gate.Status, tiles)));
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
        return Templates.Page(ArchivePage.Create(new ArchivePageView(b, boards.All, gate.Status, threads, page, pageCount)));
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
        var prepared = cache.Thread("thread", new ThreadRef(b.Id, no), b,
            () => reader.GetThread(b.Id, no) is { } thread ? new PreparedThread(thread.Thread, Templates.Prepare(ThreadPosts.Create(Posts(b, thread)))) : Missing);
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
        FilledFormView? reply = null;
        if (!thread.Archived && !thread.Locked)
        {
            // A malformed quote number is ignored, as a link with a typo should be.
            var quote = long.TryParse(context.Request.Query["quote"], NumberStyles.None, CultureInfo.InvariantCulture, out var q) ? $">>{q}\n" : null;
            var form = cache.Form("reply-form", b.Id, thread.No, b, () => PreparePostingForm(forms, b, thread.No));
            reply = Fill(form, quote, b, context, gate, time);
        }
        var delete = cache.Form("delete-form", b.Id, 0, b, () => PrepareDeleteForm(forms, b));
        return Templates.Page(ThreadPage.Create(new ThreadPageView(b, boards.All, gate.Status, thread, prepared.Posts, reply, delete)));
    }

    // The builders the page cache calls when it has no fresh form (the Prepare… methods run once per write, not per
    // request): posting draws the forms, with moderation's rules and media's state.
    private static PreparedForm PreparePostingForm(IPageForms forms, Board board, long? threadNo) => forms.Posting(board, threadNo);

    private static PreparedHtml PrepareDeleteForm(IPageForms forms, Board board) => forms.Delete(board);

    /// <summary>What this request writes into a prepared form: <paramref name="text"/>, and the gate's fields with a fresh ticket for the reader's circuit.</summary>
    private static FilledFormView Fill(PreparedForm form, string? text, Board board, HttpContext context, AdmissionGate gate, TimeProvider time) =>
        new(form, text, new GateFieldsView(gate.IssueTicket(board.Slug, context.GetCircuitId()), null, time.GetUtcNow(), form.What, form.Button));

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
            .Select(thread => cache.Thread("preview", new ThreadRef(board.Id, thread.No), board,
                () => reader.GetThreadPreview(board.Id, thread.No, s.PreviewsPerThread) is { } content
                    ? Templates.Prepare(ThreadPreview.Create(new ThreadContentView(board.Slug, content)))
                    : PreparedHtml.Empty))
            .ToList();
        return new PreparedIndex(previews, pageCount);
    }

    /// <summary>A thread's posts as prepared HTML, with what the page says about the thread.</summary>
    private sealed record PreparedThread(ThreadSummary Thread, PreparedHtml Posts) : ISized
    {
        public long Bytes => Posts.Utf8.Length;
    }

    private static readonly PreparedThread Missing = new(new ThreadSummary(0, "", "", 0, false, false, false, default), PreparedHtml.Empty);
}
