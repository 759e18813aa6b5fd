using AnonymousBoard.Boards;
using AnonymousBoard.Moderation;
using AnonymousBoard.Posting;
using AnonymousBoard.Reading;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AnonymousBoard.Pages;

/// <summary>POST /{board}/post: a new thread or a reply. Success is a 303 to the new post.</summary>
public sealed class PostModel(BoardDirectory boards, PostingService posting) : BoardPageModel(boards)
{
    [BindProperty(Name = "")]
    public PostForm Form { get; set; } = new();

    public IReadOnlyList<string> Errors { get; private set; } = [];

    /// <summary>The ban that refused this post, shown with everything typed.</summary>
    public Ban? Ban { get; private set; }

    public IActionResult OnGet(string board) => FindBoard(board) ? Redirect($"/{board}/") : NotFound();

    public IActionResult OnPost(string board)
    {
        if (!FindBoard(board))
        {
            return NotFound();
        }
        if (!ModelState.IsValid)
        {
            // Only "thread" can fail to bind (not a number); the form still goes back whole.
            return Rejected(StatusCodes.Status400BadRequest, ["The thread number is not a number."]);
        }
        return posting.Submit(Board, Form) switch
        {
            PostResult.Accepted a => new SeeOtherResult($"{PostHtml.ThreadUrl(Board.Slug, a.ThreadNo)}#p{a.No}"),
            PostResult.Rejected r => Rejected(r.StatusCode, r.Errors),
            PostResult.Banned b => Banned(b.Ban),
            _ => throw new InvalidOperationException("Unknown post result."),
        };
    }

    private PageResult Banned(Ban ban)
    {
        Ban = ban;
        return Rejected(StatusCodes.Status403Forbidden, [$"You are banned from posting on {ban.Scope}."]);
    }

    private PageResult Rejected(int status, IReadOnlyList<string> errors)
    {
        Errors = errors;
        var page = Page();
        page.StatusCode = status;
        return page;
    }
}
