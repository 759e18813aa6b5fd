using AnonymousBoard.Boards;
using RazorSlices;

namespace AnonymousBoard.Reading;

/// <summary>
/// The forms a board's pages carry, drawn by the posting feature: reading leaves a place for them and
/// knows nothing of tickets, rules or images. Each call makes a fresh template for one request.
/// </summary>
public interface IPageForms
{
    /// <summary>The form for a new thread, with a fresh single-use ticket for the reader's circuit.</summary>
    RazorSlice NewThread(Board board, HttpContext context);

    /// <summary>The reply form; <paramref name="quote"/> starts the reply by quoting that post.</summary>
    RazorSlice Reply(Board board, long threadNo, long? quote, HttpContext context);

    /// <summary>The form to delete one's own post.</summary>
    RazorSlice Delete(Board board);
}
