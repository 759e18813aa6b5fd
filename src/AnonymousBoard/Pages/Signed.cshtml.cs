using AnonymousBoard.Boards;
using AnonymousBoard.Data;
using AnonymousBoard.Identity;
using Microsoft.AspNetCore.Mvc;

namespace AnonymousBoard.Pages;

/// <summary>/{board}/signed/{no}: how to check a signed post offline, and the files to do it with.</summary>
public sealed class SignedModel(BoardDirectory boards, IBoardStore store) : BoardPageModel(boards)
{
    public long No { get; private set; }
    public long ThreadNo { get; private set; }
    public SignedPost Post { get; private set; } = null!;
    public string Fingerprint { get; private set; } = "";

    public IActionResult OnGet(string board, long no)
    {
        if (!FindBoard(board) || store.GetSignedPost(Board.Id, no) is not { } signed || store.FindPost(Board.Id, no) is not PostLookup.Found found)
        {
            return NotFound();
        }
        (No, ThreadNo, Post, Fingerprint) = (no, found.ThreadNo, signed, Identity.Fingerprint.Of(signed.PublicKey));
        return Page();
    }
}
