using AnonymousBoard.Boards;
using AnonymousBoard.Data;
using AnonymousBoard.Markup;
using AnonymousBoard.Posting;
using AnonymousBoard.Reading;
using Microsoft.AspNetCore.Mvc;

namespace AnonymousBoard.Pages;

/// <summary>/{board}/ and /{board}/page/{n}: threads in bump order with their last replies.</summary>
public sealed class BoardIndexModel(BoardDirectory boards, IBoardStore store, PageCache cache) : BoardPageModel(boards)
{
    public int PageNo { get; private set; }
    public IndexPage Prepared { get; private set; } = null!;
    public PostForm Form { get; } = new();

    /// <summary>A prepared index page: the threads and the page links, and how many pages there are.</summary>
    public sealed record IndexPage(TrustedHtml Html, int PageCount);

    public IActionResult OnGet(string board, int pageNo = 1)
    {
        if (!FindBoard(board) || pageNo < 1)
        {
            return NotFound();
        }
        PageNo = pageNo;
        Prepared = cache.Board("index", Board.Id, pageNo, Board, () => Build(Board, pageNo));
        return pageNo > Prepared.PageCount ? NotFound() : Page();
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
        return new IndexPage(w.ToTrustedHtml(), pageCount);
    }
}
