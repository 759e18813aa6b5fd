using AnonymousBoard.Boards;
using AnonymousBoard.Posting;

namespace AnonymousBoard.Pages;

/// <summary>The posting form as drawn: where it posts, what was typed, what was wrong with it.</summary>
public sealed record PostFormView(Board Board, long? ThreadNo, PostForm Values, IReadOnlyList<string> Errors);

/// <summary>The self-deletion form as drawn.</summary>
public sealed record DeleteFormView(Board Board, string? No, string? Error);
