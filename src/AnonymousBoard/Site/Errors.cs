using AnonymousBoard.Boards;
using AnonymousBoard.Markup;
using AnonymousBoard.Storage;
using Microsoft.AspNetCore.Diagnostics;

namespace AnonymousBoard.Site;

/// <summary>An error page (Site/ErrorPage.cshtml).</summary>
public sealed record ErrorPageView(IReadOnlyList<Board> Boards, string Heading, string Explanation);

/// <summary>
/// /error/{code}: every error status re-executes here, with the failed request's own method (POST,
/// PUT, an invented one), so it answers any method and reads nothing but the code in its address.
/// </summary>
public static class Errors
{
    public static IResult Show(int code, HttpContext context, BoardDirectory boards)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(boards);
        var (heading, explanation) = code switch
        {
            404 => ("Not found", "There is nothing at this address. The post or thread may have been deleted, or may have fallen off the board."),
            405 => ("Not allowed", "This address does not take that kind of request."),
            413 => ("Too large", "What was sent is larger than this board accepts, so it was not read. If you were typing something, your browser's Back button should still have it."),
            408 => ("Too slow", "The request arrived too slowly and the board stopped waiting for it. Please try again."),
            400 => ("Bad request", "The request could not be understood: it held something no browser sends (such as a NUL "
                + "character or broken text), or far more than this board takes. Go back, check what you typed and send it again."),
            414 or 431 => ("Too long", "The address or the request's headers are longer than this board accepts."),
            >= 500 => ("Something went wrong", "The board could not answer this request. Nothing you posted was half-saved; please try again."),
            _ => ("Error", "The request could not be completed."),
        };
        // A full or read-only disk is no bug: say so, and that it passes.
        if (code >= 500 && context.Features.Get<IExceptionHandlerFeature>()?.Error is { } error && StorageFailure.Reason(error) is { } reason)
        {
            (heading, explanation) = ("Not saved", $"Nothing was saved: the board {reason} right now. Reading works as usual; try again later.");
            code = StatusCodes.Status503ServiceUnavailable;
        }
        context.Response.Headers.CacheControl = "no-store";
        return Templates.Page(ErrorPage.Create(new ErrorPageView(boards.All, heading, explanation)), code is >= 400 and <= 599 ? code : 404);
    }
}
