using System.Globalization;
using AnonymousBoard.Boards;
using AnonymousBoard.Posting;
using AnonymousBoard.Reading;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AnonymousBoard.Pages;

/// <summary>POST /{board}/delete: a poster deletes their own post with its password.</summary>
public sealed class DeleteModel(BoardDirectory boards, PostingService posting) : BoardPageModel(boards)
{
    public string? No { get; private set; }
    public string? Error { get; private set; }

    public IActionResult OnGet(string board) => FindBoard(board) ? Redirect($"/{board}/") : NotFound();

    public IActionResult OnPost(string board, [FromForm(Name = "no")] string? no, [FromForm(Name = "password")] string? password)
    {
        if (!FindBoard(board))
        {
            return NotFound();
        }
        No = no;
        if (!long.TryParse(no?.Trim().TrimStart('#', 'p'), NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < 1)
        {
            return Refused(StatusCodes.Status400BadRequest, "Type the number of the post to delete.");
        }
        return posting.Delete(Board, number, password) switch
        {
            DeleteResult.Deleted { WasThread: true } => new SeeOtherResult($"/{Board.Slug}/"),
            DeleteResult.Deleted d => new SeeOtherResult(AnonymousBoard.Site.Links.Thread(Board.Slug, d.ThreadNo)),
            DeleteResult.Refused r => Refused(r.StatusCode, r.Error),
            _ => throw new InvalidOperationException("Unknown delete result."),
        };
    }

    private PageResult Refused(int status, string error)
    {
        Error = error;
        var page = Page();
        page.StatusCode = status;
        return page;
    }
}
