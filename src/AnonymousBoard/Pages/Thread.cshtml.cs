using AnonymousBoard.Boards;
using AnonymousBoard.Storage;
using AnonymousBoard.Gate;
using AnonymousBoard.Markup;
using AnonymousBoard.Posting;
using AnonymousBoard.Reading;
using Microsoft.AspNetCore.Mvc;

namespace AnonymousBoard.Pages;

/// <summary>/{board}/thread/{no}: the whole thread, and the reply form.</summary>
public sealed class ThreadModel(BoardDirectory boards, BoardReader store, PageCache cache, AdmissionGate gate, PostFormHtml forms)
    : BoardPageModel(boards)
{
    /// <summary>A thread's posts as prepared HTML in UTF-8, with what the page says about the thread.</summary>
    public sealed record PreparedThread(ThreadSummary Summary, ReadOnlyMemory<byte> Posts);

    /// <param name="quote">From a post's "Reply" link: the new reply starts by quoting that post.</param>
    public IActionResult OnGet(string board, long no, long? quote)
    {
        if (!FindBoard(board))
        {
            return NotFound();
        }
        var prepared = cache.Thread("thread", new ThreadRef(Board.Id, no), Board,
            () => store.GetThread(Board.Id, no) is { } thread ? new PreparedThread(thread.Thread, PreparedPage.Utf8(PostHtml.Thread(Board, thread))) : Missing);
        if (ReferenceEquals(prepared, Missing) || prepared.Summary.No != no)
        {
            // A reply's number is not a thread: send the reader to the thread that holds it.
            if (store.FindThreadOf(Board.Id, no) is { } holder && holder != no)
            {
                return Redirect($"{PostHtml.ThreadUrl(Board.Slug, holder)}#p{no}");
            }
            // A thread moved by staff: its old address leads to where it went.
            return store.FindMoved(Board.Id, no) is { } moved
                ? Redirect($"{PostHtml.ThreadUrl(moved.Board, moved.ThreadNo)}#p{moved.No}")
                : NotFound();
        }

        // Per request: the level in force and a fresh ticket in the form; the posts were prepared.
        var summary = prepared.Summary;
        var title = PostHtml.ThreadTitle(summary);
        var top = new HtmlWriter();
        PageFrame.WriteTop(top, $"/{Board.Slug}/ – {title}", Boards.All);
        BoardHeader.Write(top, Board, gate.Status);
        top.Tag("<p class=\"board-nav\"><a href=\"/").Text(Board.Slug).Tag("/\">Back to the board</a> <a href=\"/").Text(Board.Slug).Tag("/catalog\">Catalog</a></p>\n")
            .Tag("<h2>").Text(title).Tag("</h2>\n");
        if (summary.Archived)
        {
            top.Tag("<p class=\"notice\">This thread is archived: it can be read but not replied to.</p>\n");
        }
        else if (summary.Locked)
        {
            top.Tag("<p class=\"notice\">This thread is locked: no more replies.</p>\n");
        }
        top.Tag("<div class=\"thread\">\n");

        var bottom = new HtmlWriter().Tag("</div>\n");
        if (!summary.Archived && !summary.Locked)
        {
            var form = new PostForm { Body = quote is { } quoted ? $">>{quoted}\n" : null };
            forms.Write(bottom, new PostFormView(Board, summary.No, form, []), HttpContext.GetCircuitId());
        }
        DeleteFormHtml.Write(bottom, Board, null, null);
        bottom.Html(PageFrame.Bottom);
        return new PreparedPage(PreparedPage.Utf8(top), prepared.Posts, PreparedPage.Utf8(bottom));
    }

    private static readonly PreparedThread Missing = new(new ThreadSummary(0, "", "", 0, false, false, false, default), ReadOnlyMemory<byte>.Empty);
}
