using AnonymousBoard.Boards;
using AnonymousBoard.Data;
using AnonymousBoard.Markup;
using AnonymousBoard.Posting;
using AnonymousBoard.Reading;
using Microsoft.AspNetCore.Mvc;

namespace AnonymousBoard.Pages;

/// <summary>/{board}/thread/{no}: the whole thread, and the reply form.</summary>
public sealed class ThreadModel(BoardDirectory boards, IBoardStore store, PageCache cache, AnonymousBoard.Moderation.IModerationStore moderation)
    : BoardPageModel(boards)
{
    public PreparedThread Thread { get; private set; } = null!;
    public PostForm Form { get; } = new();

    /// <summary>A thread's posts as prepared HTML, with what the page says about the thread.</summary>
    public sealed record PreparedThread(ThreadSummary Summary, TrustedHtml Posts);

    /// <param name="quote">From a post's "Reply" link: the new reply starts by quoting that post.</param>
    public IActionResult OnGet(string board, long no, long? quote)
    {
        if (!FindBoard(board))
        {
            return NotFound();
        }
        var prepared = cache.Thread("thread", new ThreadRef(Board.Id, no), Board,
            () => store.GetThread(Board.Id, no) is { } thread ? new PreparedThread(thread.Thread, PostHtml.Thread(Board, thread)) : Missing);
        if (ReferenceEquals(prepared, Missing) || prepared.Summary.No != no)
        {
            // A reply's number is not a thread: send the reader to the thread that holds it.
            if (store.FindPost(Board.Id, no) is PostLookup.Found found && found.ThreadNo != no)
            {
                return Redirect($"{PostHtml.ThreadUrl(Board.Slug, found.ThreadNo)}#p{no}");
            }
            // A thread moved by staff: its old address leads to where it went.
            return moderation.FindMoved(Board.Id, no) is { } moved
                ? Redirect($"{PostHtml.ThreadUrl(moved.Board, moved.ThreadNo)}#p{moved.No}")
                : NotFound();
        }
        Thread = prepared;
        if (quote is { } quoted)
        {
            Form.Body = $">>{quoted}\n";
        }
        return Page();
    }

    private static readonly PreparedThread Missing = new(new ThreadSummary(0, "", "", 0, false, false, false, default), TrustedHtml.Empty);
}
