using AnonymousBoard.Boards;
using AnonymousBoard.Posting;

namespace AnonymousBoard.Pages;

/// <summary>The posting form as drawn: where it posts, what was typed, what was wrong with it.</summary>
/// <param name="Ticket">The gate's ticket when it chose one (a place in the queue); otherwise the form gets a fresh one.</param>
/// <param name="TextKept">False when the post was too large to read, so <paramref name="Values"/> is empty.</param>
public sealed record PostFormView(Board Board, long? ThreadNo, PostForm Values, IReadOnlyList<string> Errors, Gate.TicketOffer? Ticket = null, bool TextKept = true);

/// <summary>The self-deletion form as drawn.</summary>
public sealed record DeleteFormView(Board Board, string? No, string? Error);
