using System.Globalization;
using AnonymousBoard.Boards;
using AnonymousBoard.Gate;
using AnonymousBoard.Markup;
using AnonymousBoard.Media;
using AnonymousBoard.Site;

namespace AnonymousBoard.Posting;

/// <summary>
/// POST /{board}/post and /{board}/delete: the forms on every board page. Success is a 303 to the
/// post (or where it was); a refusal is the form again, with everything typed and what was wrong.
/// </summary>
public static class PostingPages
{
    /// <summary>GET /{board}/post and /{board}/delete: the forms live on the board's pages.</summary>
    public static IResult ToBoard(string board, BoardDirectory boards) =>
        boards.Find(board) is null ? Results.NotFound() : Results.Redirect($"/{board}/");

    /// <summary>POST /{board}/post: a new thread or a reply.</summary>
    /// <remarks>
    /// Nothing is bound from the body: <see cref="PostRequest"/> reads it as it streams (the file
    /// only up to the board's limit, which it also sets as the request's size limit).
    /// </remarks>
    [StreamedForm]
    public static async Task<IResult> Submit(string board, HttpContext context, BoardDirectory boards, PostingService posting, MediaService media,
        PostForms forms, AdmissionGate gate, ReportGate reportGate, TimeProvider time)
    {
        var ct = context.RequestAborted;
        if (boards.Find(board) is not { } b)
        {
            return Results.NotFound();
        }
        var request = context.Request;
        IResult Refused(int status, PostForm form, IReadOnlyList<string> errors, TicketOffer? ticket = null, BanNoticeView? ban = null, bool textKept = true)
        {
            // A message may quote what was sent (a bad thread number): shown as text HTML can carry.
            var view = forms.View(b, form.Thread, form, [.. errors.Select(HtmlText.Printable)], context.GetCircuitId(), ticket, textKept);
            return Templates.Page(PostPage.Create(new PostPageView(boards.All, gate.Status, view, ban)), status);
        }

        PostForm sent;
        SpooledUpload? upload;
        int? unreadable;
        try
        {
            (sent, upload, unreadable) = await PostRequest.ReadAsync(request, media.SpoolDirectory, b.Settings, ct);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // Kestrel stopped reading at the board's limit, so there is no text to give back.
            var multipart = request.HasFormContentType && request.ContentType!.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase);
            return Refused(e.StatusCode, new PostForm(), [TooLarge(b, multipart)], textKept: false);
        }
        catch (BadHttpRequestException e)
        {
            // Too slow (below the minimum data rate) or cut short: the client is gone or going.
            return Results.StatusCode(e.StatusCode);
        }
        catch (IOException) when (ct.IsCancellationRequested)
        {
            // The connection closed in the middle of the upload: nobody is left to answer.
            return Results.Empty;
        }
        using (upload)
        {
            var form = sent.ForRedisplay();
            if (unreadable is { } status)
            {
                return Refused(status, form, ["The form could not be read: it held something no browser sends (such as a NUL character), "
                    + "or broke off. Check the text below and send it again."]);
            }
            var result = await posting.SubmitAsync(b, sent, upload, context.GetCircuitId(), ct);
            string[] fileNote = upload is null ? [] : ["A browser cannot fill in a file for you: choose the image again before posting."];
            switch (result)
            {
                case PostResult.Accepted a:
                    return SeeOther.To($"{Links.Thread(b.Slug, a.ThreadNo)}#p{a.No}");
                case PostResult.Rejected r:
                    return Refused(r.StatusCode, form, [.. r.Errors, .. fileNote], r.Ticket);
                case PostResult.Banned banned:
                    // Appeals go through the reports' gate; the notice's form carries its ticket like the appeal page's.
                    var appealTicket = reportGate.Admission.IssueTicket(ReportGate.AppealScope, context.GetCircuitId());
                    var notice = new BanNoticeView(banned.Ban, new GateFieldsView(appealTicket, null, time.GetUtcNow(), "appeal", "Send appeal"));
                    return Refused(StatusCodes.Status403Forbidden, form, [$"You are banned from posting on {banned.Ban.Scope}."], ban: notice);
                default:
                    throw new InvalidOperationException("Unknown post result.");
            }
        }
    }

    /// <summary>POST /{board}/delete: a poster deletes their own post with its password.</summary>
    public static async Task<IResult> Delete(string board, HttpContext context, BoardDirectory boards, PostingService posting, AdmissionGate gate)
    {
        if (boards.Find(board) is not { } b)
        {
            return Results.NotFound();
        }
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        string? no = form["no"];
        IResult Refused(int status, string error) =>
            Templates.Page(DeletePage.Create(new DeletePageView(boards.All, gate.Status, new DeleteFormView(b, no, error))), status);

        if (!long.TryParse(no?.Trim().TrimStart('#', 'p'), NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < 1)
        {
            return Refused(StatusCodes.Status400BadRequest, "Type the number of the post to delete.");
        }
        return posting.Delete(b, number, form["password"]) switch
        {
            DeleteResult.Deleted { WasThread: true } => SeeOther.To($"/{b.Slug}/"),
            DeleteResult.Deleted d => SeeOther.To(Links.Thread(b.Slug, d.ThreadNo)),
            DeleteResult.Refused r => Refused(r.StatusCode, r.Error),
            _ => throw new InvalidOperationException("Unknown delete result."),
        };
    }

    private static string TooLarge(Board board, bool multipart)
    {
        var s = board.Settings;
        var image = s.MaxImageBytes >= 1024 * 1024
            ? string.Create(CultureInfo.InvariantCulture, $"{s.MaxImageBytes / 1024.0 / 1024.0:0.#} MiB")
            : string.Create(CultureInfo.InvariantCulture, $"{s.MaxImageBytes / 1024} KiB");
        var what = multipart
            ? $"an image may be up to {image}"
            : string.Create(CultureInfo.InvariantCulture, $"a post sent without a file may be up to {PostRequest.BodyLimit(s, multipart: false) / 1024} KiB");
        return string.Create(CultureInfo.InvariantCulture, $"Your post is far larger than /{board.Slug}/ takes ({what}, a comment up to {s.MaxBodyChars} characters). ")
            + "The board stopped reading it, so it cannot show your text again here: your browser's Back button should still have it.";
    }
}
