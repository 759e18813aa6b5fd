using AnonymousBoard.Boards;
using AnonymousBoard.Data;
using AnonymousBoard.Gate;
using AnonymousBoard.Markup;
using AnonymousBoard.Posting;
using AnonymousBoard.Reading;
using Microsoft.AspNetCore.Mvc;

namespace AnonymousBoard.Pages;

/// <summary>/{board}/ and /{board}/page/{n}: threads in bump order with their last replies.</summary>
public sealed class BoardIndexModel(BoardDirectory boards, IBoardStore store, PageCache cache, AdmissionGate gate, PostFormHtml forms)
    : BoardPageModel(boards)
{
    /// <summary>A prepared index page: the threads and the page links in UTF-8, and how many pages there are.</summary>
    public sealed record IndexPage(ReadOnlyMemory<byte> Html, int PageCount);

    public IActionResult OnGet(string board, int pageNo = 1)
    {
        if (!FindBoard(board) || pageNo < 1)
        {
            return NotFound();
        }
        var prepared = cache.Board("index", Board.Id, pageNo, Board, () => Build(Board, pageNo));
        if (pageNo > prepared.PageCount)
        {
            return NotFound();
        }
        // Per request: the level in force and a fresh ticket in the form; the rest was prepared.
        var w = new HtmlWriter();
        PageFrame.WriteTop(w, $"/{Board.Slug}/ – {Board.Title}" + (pageNo > 1 ? $" (page {pageNo})" : ""), Boards.All);
        BoardHeader.Write(w, Board, gate.Status);
        w.Tag("<p class=\"board-nav\"><a href=\"/").Text(Board.Slug).Tag("/catalog\">Catalog</a></p>\n");
        forms.Write(w, new PostFormView(Board, null, new PostForm(), []), HttpContext.GetCircuitId());
        return new PreparedPage(PreparedPage.Utf8(w.ToTrustedHtml()), prepared.Html, PageFrame.BottomUtf8);
    }

    private IndexPage Build(Board board, int pageNo)
    {
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
        return new IndexPage(PreparedPage.Utf8(w.ToTrustedHtml()), pageCount);
    }
}
