using AnonymousBoard.Reading;
using AnonymousBoard.Boards;
using AnonymousBoard.Storage;
using AnonymousBoard.Identity;
using Microsoft.AspNetCore.Mvc;

namespace AnonymousBoard.Pages;

/// <summary>/{board}/signed/{no}: how to check a signed post offline, and the files to do it with.</summary>
public sealed class SignedModel(BoardDirectory boards, BoardReader store) : BoardPageModel(boards)
{
    public long No { get; private set; }
    public long ThreadNo { get; private set; }
    public SignedPost Post { get; private set; } = null!;
    public string Fingerprint { get; private set; } = "";

    public IActionResult OnGet(string board, long no)
    {
        if (!FindBoard(board) || store.GetSignedPost(Board.Id, no) is not { } signed || store.FindThreadOf(Board.Id, no) is not { } threadNo)
        {
            return NotFound();
        }
        (No, ThreadNo, Post, Fingerprint) = (no, threadNo, signed, Identity.Fingerprint.Of(signed.PublicKey));
        return Page();
    }
}
