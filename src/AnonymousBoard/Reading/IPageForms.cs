using AnonymousBoard.Boards;
using AnonymousBoard.Markup;

namespace AnonymousBoard.Reading;

/// <summary>
/// The forms a board's pages carry, drawn by the posting feature: reading leaves a place for them and
/// knows nothing of rules or images. Each is prepared once and kept in the page cache; what is of a
/// request (a fresh ticket, the level's demands, a quoted post) is written into it per request
/// (Reading/FilledForm.cshtml).
/// </summary>
public interface IPageForms
{
    /// <summary>The posting form of a board (<paramref name="threadNo"/> null: a new thread) or of a thread, with its slots.</summary>
    PreparedForm Posting(Board board, long? threadNo);

    /// <summary>The form to delete one's own post.</summary>
    PreparedHtml Delete(Board board);
}

/// <summary>
/// A gated form prepared once: its HTML up to the comment's text, from there to the gate's fields, and its end.
/// <paramref name="What"/> and <paramref name="Button"/> are what the gate's fields say ("post", "Post").
/// </summary>
public sealed record PreparedForm(PreparedHtml UpToText, PreparedHtml UpToGate, PreparedHtml End, string What, string Button);
