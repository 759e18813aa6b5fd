using AnonymousBoard.Boards;
using AnonymousBoard.Gate;
using AnonymousBoard.Media;
using AnonymousBoard.Moderation;
using AnonymousBoard.Posting;
using AnonymousBoard.Reading;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AnonymousBoard.Pages;

/// <summary>POST /{board}/post: a new thread or a reply. Success is a 303 to the new post.</summary>
// The body is read by PostRequest as it streams (the file only up to the board's limit); this cap
// is the most any board may allow, plus room for the text fields.
[RequestSizeLimit(64 * 1024 * 1024 + 1024 * 1024)]
public sealed class PostModel(BoardDirectory boards, PostingService posting, MediaService media) : BoardPageModel(boards)
{
    public PostForm Form { get; private set; } = new();

    public IReadOnlyList<string> Errors { get; private set; } = [];

    /// <summary>The ticket the gate gave for the form that goes back (a queued place), if any.</summary>
    public TicketOffer? Ticket { get; private set; }

    /// <summary>The ban that refused this post, shown with everything typed.</summary>
    public Ban? Ban { get; private set; }

    public IActionResult OnGet(string board) => FindBoard(board) ? Redirect($"/{board}/") : NotFound();

    // No bound parameters at all: binding any would make MVC read (and buffer) the whole form
    // before PostRequest could stream it.
    public async Task<IActionResult> OnPostAsync()
    {
        var board = (string)RouteData.Values["board"]!;
        var ct = HttpContext.RequestAborted;
        if (!FindBoard(board))
        {
            return NotFound();
        }
        var (form, upload) = await PostRequest.ReadAsync(Request, media.SpoolDirectory, Board.Settings.MaxImageBytes, ct);
        using (upload)
        {
            Form = form;
            var result = await posting.SubmitAsync(Board, form, upload, HttpContext.GetCircuitId(), ct);
            var fileNote = upload is null ? [] : new[] { "A browser cannot fill in a file for you: choose the image again before posting." };
            switch (result)
            {
                case PostResult.Accepted a:
                    return new SeeOtherResult($"{PostHtml.ThreadUrl(Board.Slug, a.ThreadNo)}#p{a.No}");
                case PostResult.Rejected r:
                    Ticket = r.Ticket;
                    return Rejected(r.StatusCode, [.. r.Errors, .. fileNote]);
                case PostResult.Banned b:
                    Ban = b.Ban;
                    return Rejected(StatusCodes.Status403Forbidden, [$"You are banned from posting on {b.Ban.Scope}."]);
                default:
                    throw new InvalidOperationException("Unknown post result.");
            }
        }
    }

    private PageResult Rejected(int status, IReadOnlyList<string> errors)
    {
        Errors = errors;
        var page = Page();
        page.StatusCode = status;
        return page;
    }
}
