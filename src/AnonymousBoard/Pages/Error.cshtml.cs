using AnonymousBoard.Storage;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AnonymousBoard.Pages;

/// <summary>Every error the board shows: a plain page that names no file, path, host or stack.</summary>
[ResponseCache(NoStore = true)]
public sealed class ErrorModel : PageModel
{
    public string Heading { get; private set; } = "";
    public string Explanation { get; private set; } = "";

    // Shown for any method (the failed request is re-executed with its own: POST, PUT, an invented
    // one), so there is no OnGet/OnPost. The code comes from the route alone: a bound parameter
    // would make MVC read the failed request's form, where a field named "code" would win.
    public override void OnPageHandlerExecuting(PageHandlerExecutingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Result = Show();
    }

    private PageResult Show()
    {
        var code = int.TryParse(RouteData.Values["code"] as string, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var c) ? c : 404;
        (Heading, Explanation) = code switch
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
        if (code >= 500 && HttpContext.Features.Get<IExceptionHandlerFeature>()?.Error is { } error && StorageFailure.Reason(error) is { } reason)
        {
            (Heading, Explanation) = ("Not saved", $"Nothing was saved: the board {reason} right now. Reading works as usual; try again later.");
            code = StatusCodes.Status503ServiceUnavailable;
        }
        var page = Page();
        page.StatusCode = code is >= 400 and <= 599 ? code : 404;
        return page;
    }
}
