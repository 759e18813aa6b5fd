using System.Globalization;
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
// The body is read by PostRequest as it streams (the file only up to the board's limit), which also
// sets the request size limit for the board (PostRequest.BodyLimit).
public sealed class PostModel(BoardDirectory boards, PostingService posting, MediaService media, PostForms forms) : BoardPageModel(boards)
{
    public PostForm Form { get; private set; } = new();

    public IReadOnlyList<string> Errors { get; private set; } = [];

    /// <summary>The ticket the gate gave for the form that goes back (a queued place), if any.</summary>
    public TicketOffer? Ticket { get; private set; }

    /// <summary>The form that goes back, with everything typed and what was wrong.</summary>
    public PostFormView? FormView { get; private set; }

    /// <summary>The ban that refused this post, shown with everything typed.</summary>
    public Ban? Ban { get; private set; }

    /// <summary>False when the post was too large to read: what was typed is not in <see cref="Form"/>.</summary>
    public bool TextKept { get; private set; } = true;

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
        PostForm form;
        SpooledUpload? upload;
        int? unreadable;
        try
        {
            (form, upload, unreadable) = await PostRequest.ReadAsync(Request, media.SpoolDirectory, Board.Settings, ct);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // Kestrel stopped reading at the board's limit, so there is no text to give back.
            TextKept = false;
            return Rejected(e.StatusCode, [TooLarge(Request.HasFormContentType && Request.ContentType!.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase))]);
        }
        catch (BadHttpRequestException e)
        {
            // Too slow (below the minimum data rate) or cut short: the client is gone or going.
            return StatusCode(e.StatusCode);
        }
        catch (IOException) when (ct.IsCancellationRequested)
        {
            // The connection closed in the middle of the upload: nobody is left to answer.
            return new EmptyResult();
        }
        using (upload)
        {
            Form = form.ForRedisplay();
            if (unreadable is { } status)
            {
                return Rejected(status, ["The form could not be read: it held something no browser sends (such as a NUL character), "
                    + "or broke off. Check the text below and send it again."]);
            }
            var result = await posting.SubmitAsync(Board, form, upload, HttpContext.GetCircuitId(), ct);
            var fileNote = upload is null ? [] : new[] { "A browser cannot fill in a file for you: choose the image again before posting." };
            switch (result)
            {
                case PostResult.Accepted a:
                    return new SeeOtherResult($"{AnonymousBoard.Site.Links.Thread(Board.Slug, a.ThreadNo)}#p{a.No}");
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

    private string TooLarge(bool multipart)
    {
        var s = Board.Settings;
        var image = s.MaxImageBytes >= 1024 * 1024
            ? string.Create(CultureInfo.InvariantCulture, $"{s.MaxImageBytes / 1024.0 / 1024.0:0.#} MiB")
            : string.Create(CultureInfo.InvariantCulture, $"{s.MaxImageBytes / 1024} KiB");
        var what = multipart
            ? $"an image may be up to {image}"
            : string.Create(CultureInfo.InvariantCulture, $"a post sent without a file may be up to {PostRequest.BodyLimit(s, multipart: false) / 1024} KiB");
        return string.Create(CultureInfo.InvariantCulture, $"Your post is far larger than /{Board.Slug}/ takes ({what}, a comment up to {s.MaxBodyChars} characters). ")
            + "The board stopped reading it, so it cannot show your text again here: your browser's Back button should still have it.";
    }

    private PageResult Rejected(int status, IReadOnlyList<string> errors)
    {
        // A message may quote what was sent (a bad thread number): shown as text HTML can carry.
        Errors = [.. errors.Select(AnonymousBoard.Markup.HtmlText.Printable)];
        FormView = forms.View(Board, Form.Thread, Form, Errors, HttpContext.GetCircuitId(), Ticket, TextKept);
        var page = Page();
        page.StatusCode = status;
        return page;
    }
}
