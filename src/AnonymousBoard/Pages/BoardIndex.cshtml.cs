using AnonymousBoard.Boards;
using AnonymousBoard.Storage;
using AnonymousBoard.Gate;
using AnonymousBoard.Markup;
using AnonymousBoard.Posting;
using AnonymousBoard.Reading;
using Microsoft.AspNetCore.Mvc;

namespace AnonymousBoard.Pages;

/// <summary>/{board}/ and /{board}/page/{n}: threads in bump order with their last replies.</summary>
public sealed class BoardIndexModel(BoardDirectory boards, BoardReader store, PageCache cache, AdmissionGate gate, PostFormHtml forms)
    : BoardPageModel(boards)
{
    /// <summary>
    /// A prepared index page in UTF-8, in the parts that surround what is written per request:
    /// the frame and board title (then the posting level), the form's fields (then its ticket),
    /// the threads and page links; and how many pages there are.
    /// </summary>
    public sealed record IndexPage(ReadOnlyMemory<byte> Head, ReadOnlyMemory<byte> Fields, ReadOnlyMemory<byte> Threads, int PageCount);

    /// <summary>Everything a prepared page depends on besides the posts: the board, the list of boards, the form's rules and image setting.</summary>
    private sealed record Shape(Board Board, string BoardList, object FormFields);

    public IActionResult OnGet(string board, int pageNo = 1)
    {
        if (!FindBoard(board) || pageNo < 1)
        {
            return NotFound();
        }
        var shape = new Shape(Board, string.Join(' ', Boards.All.Select(b => b.Slug)), forms.FieldsShape(Board));
        var prepared = cache.Board("index", Board.Id, pageNo, shape, () => Build(Board, pageNo));
        if (pageNo > prepared.PageCount)
        {
            return NotFound();
        }
        // Per request: the level in force and a fresh single-use ticket; the rest was prepared.
        var level = new HtmlWriter();
        BoardHeader.WriteLevel(level, gate.Status);
        var ticket = new HtmlWriter();
        forms.WriteTicket(ticket, NewThreadForm(Board), HttpContext.GetCircuitId());
        return new PreparedPage(prepared.Head, PreparedPage.Utf8(level), prepared.Fields, PreparedPage.Utf8(ticket), prepared.Threads, PageFrame.BottomUtf8);
    }

    private static PostFormView NewThreadForm(Board board) => new(board, null, new PostForm(), []);

    private IndexPage Build(Board board, int pageNo)
    {
        var head = new HtmlWriter();
        PageFrame.WriteTop(head, $"/{board.Slug}/ – {board.Title}" + (pageNo > 1 ? $" (page {pageNo})" : ""), Boards.All);
        BoardHeader.WriteTitle(head, board);
        var fields = new HtmlWriter().Tag("<p class=\"board-nav\"><a href=\"/").Text(board.Slug).Tag("/catalog\">Catalog</a></p>\n");
        forms.WriteFields(fields, NewThreadForm(board));

        var s = board.Settings;
        var pageCount = Math.Max(1, (store.CountLiveThreads(board.Id) + s.ThreadsPerPage - 1) / s.ThreadsPerPage);
        var w = new HtmlWriter();
        foreach (var thread in store.ListLiveThreads(board.Id, (pageNo - 1) * s.ThreadsPerPage, s.ThreadsPerPage))
        {
            var preview = cache.Thread("preview", new ThreadRef(board.Id, thread.No), board,
                () => store.GetThreadPreview(board.Id, thread.No, s.PreviewsPerThread) is { } content ? PostHtml.Preview(board, content) : TrustedHtml.Empty);
            w.Html(preview);
        }
        w.Tag("<nav class=\"pages\" aria-label=\"Pages\"><p>Pages:");
        for (var p = 1; p <= pageCount; p++)
        {
            var url = p == 1 ? $"/{board.Slug}/" : $"/{board.Slug}/page/{p}";
            w.Tag(p == pageNo ? " <a aria-current=\"page\" href=\"" : " <a href=\"").Text(url).Tag("\">").Text(p).Tag("</a>");
        }
        w.Tag("</p></nav>\n");
        return new IndexPage(PreparedPage.Utf8(head), PreparedPage.Utf8(fields), PreparedPage.Utf8(w), pageCount);
    }
}
