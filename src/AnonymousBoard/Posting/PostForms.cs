using AnonymousBoard.Boards;
using AnonymousBoard.Gate;
using AnonymousBoard.Media;
using AnonymousBoard.Moderation;
using AnonymousBoard.Reading;
using RazorSlices;

namespace AnonymousBoard.Posting;

/// <summary>The posting form as drawn (Posting/PostingForm.cshtml): where it posts, what was typed, what was wrong with it.</summary>
/// <param name="Rules">The board's rules, summarised above the fields.</param>
/// <param name="ImagesUnavailable">Why images cannot be posted right now, when they cannot.</param>
/// <param name="Ticket">The gate's single-use ticket for this form.</param>
/// <param name="TextKept">False when the post was too large to read, so <paramref name="Values"/> is empty.</param>
public sealed record PostFormView(
    Board Board, long? ThreadNo, PostForm Values, IReadOnlyList<string> Errors, string Rules, string? ImagesUnavailable,
    TicketOffer Ticket, DateTimeOffset Now, bool TextKept = true)
{
    public const int RulesSummaryChars = 600;
}

/// <summary>The self-deletion form (Posting/DeleteForm.cshtml), with what was typed and why it was refused.</summary>
public sealed record DeleteFormView(Board Board, string? No, string? Error);

/// <summary>Gathers what the posting form shows besides what was typed: the rules, whether images can be posted, a fresh ticket.</summary>
public sealed class PostForms(AdmissionGate gate, MediaService media, BoardPolicies policies, TimeProvider time) : IPageForms
{
    public RazorSlice NewThread(Board board, HttpContext context) =>
        PostingForm.Create(View(board, null, new PostForm(), [], context.GetCircuitId()));

    public RazorSlice Reply(Board board, long threadNo, long? quote, HttpContext context) =>
        PostingForm.Create(View(board, threadNo, new PostForm { Body = quote is { } q ? $">>{q}\n" : null }, [], context.GetCircuitId()));

    public RazorSlice Delete(Board board) => DeleteForm.Create(new DeleteFormView(board, null, null));

    /// <param name="ticket">The gate's ticket when it chose one (a place in the queue); otherwise a fresh one for <paramref name="circuitId"/>.</param>
    public PostFormView View(Board board, long? threadNo, PostForm values, IReadOnlyList<string> errors, uint? circuitId,
        TicketOffer? ticket = null, bool textKept = true)
    {
        ArgumentNullException.ThrowIfNull(board);
        return new PostFormView(board, threadNo, values, errors, policies.Get(board.Id).Rules, media.UnavailableReason,
            ticket ?? gate.IssueTicket(board.Slug, circuitId), time.GetUtcNow(), textKept);
    }
}

/// <summary>A refused post (Posting/PostPage.cshtml); <paramref name="Ban"/> when a ban refused it.</summary>
public sealed record PostPageView(IReadOnlyList<Board> Boards, GateStatus Gate, PostFormView Form, BanNoticeView? Ban);

/// <summary>The ban that refused a post, and the appeal form's gate fields (Posting/BanNotice.cshtml).</summary>
public sealed record BanNoticeView(Ban Ban, GateFieldsView AppealGate);

/// <summary>A refused deletion (Posting/DeletePage.cshtml).</summary>
public sealed record DeletePageView(IReadOnlyList<Board> Boards, GateStatus Gate, DeleteFormView Form);
