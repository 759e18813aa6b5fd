using AnonymousBoard.Boards;
using AnonymousBoard.Gate;
using AnonymousBoard.Markup;
using AnonymousBoard.Media;
using AnonymousBoard.Moderation;
using AnonymousBoard.Reading;

namespace AnonymousBoard.Posting;

/// <summary>The posting form as drawn (Posting/PostingForm.cshtml): where it posts, what was typed, what was wrong with it.</summary>
/// <param name="Rules">The board's rules, summarised above the fields.</param>
/// <param name="ImagesUnavailable">Why images cannot be posted right now, when they cannot.</param>
/// <param name="Ticket">The gate's single-use ticket for this form; null when the form is prepared once, with slots for it.</param>
/// <param name="TextKept">False when the post was too large to read, so <paramref name="Values"/> is empty.</param>
public sealed record PostFormView(
    Board Board, long? ThreadNo, PostForm Values, IReadOnlyList<string> Errors, string Rules, string? ImagesUnavailable,
    TicketOffer? Ticket, DateTimeOffset Now, bool TextKept = true)
{
    public const int RulesSummaryChars = 600;

    /// <summary>What the gate's fields call what this form sends, and its button.</summary>
    public const string What = "post", Button = "Post";
}

/// <summary>The self-deletion form (Posting/DeleteForm.cshtml), with what was typed and why it was refused.</summary>
public sealed record DeleteFormView(Board Board, string? No, string? Error);

/// <summary>
/// Gathers what the posting form shows besides what was typed: the rules, whether images can be posted, a fresh
/// ticket. For the board's pages the form is prepared once (the page cache keeps it) with slots for the ticket.
/// </summary>
public sealed class PostForms(AdmissionGate gate, MediaService media, BoardPolicies policies, TimeProvider time) : IPageForms
{
    public PreparedForm Posting(Board board, long? threadNo)
    {
        var parts = Templates.PrepareWithSlots(PostingForm.Create(new PostFormView(board, threadNo, new PostForm(), [],
            policies.Get(board.Id).Rules, media.UnavailableReason, Ticket: null, Now: default)), slots: 2);
        return new PreparedForm(parts[0], parts[1], parts[2], PostFormView.What, PostFormView.Button);
    }

    public PreparedHtml Delete(Board board) => Templates.Prepare(DeleteForm.Create(new DeleteFormView(board, null, null)));

    /// <param name="ticket">The gate's ticket when it chose one (a place in the queue); otherwise a fresh one for <paramref name="circuitId"/>.</param>
    public PostFormView View(Board board, long? threadNo, PostForm values, IReadOnlyList<string> errors, uint? circuitId,
        TicketOffer? ticket = null, bool textKept = true)
    {
        ArgumentNullException.ThrowIfNull(board);
        return new PostFormView(board, threadNo, values, errors, RulesOrNone(board.Id), media.UnavailableReason,
            ticket ?? gate.IssueTicket(board.Slug, circuitId), time.GetUtcNow(), textKept);
    }

    /// <summary>The board's rules; none when the database cannot be read, so a refused post still comes back with its text.</summary>
    private string RulesOrNone(long boardId)
    {
        try
        {
            return policies.Get(boardId).Rules;
        }
        catch (Storage.StorageException)
        {
            return "";
        }
    }
}

/// <summary>A refused post (Posting/PostPage.cshtml); <paramref name="Ban"/> when a ban refused it.</summary>
public sealed record PostPageView(IReadOnlyList<Board> Boards, GateStatus Gate, PostFormView Form, BanNoticeView? Ban);

/// <summary>The ban that refused a post, and the appeal form's gate fields (Posting/BanNotice.cshtml).</summary>
public sealed record BanNoticeView(Ban Ban, GateFieldsView AppealGate);

/// <summary>A refused deletion (Posting/DeletePage.cshtml).</summary>
public sealed record DeletePageView(IReadOnlyList<Board> Boards, GateStatus Gate, DeleteFormView Form);
