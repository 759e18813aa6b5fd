using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AnonymousBoard.Pages;

/// <summary>Every error the board shows: a plain page that names no file, path, host or stack.</summary>
[ResponseCache(NoStore = true)]
public sealed class ErrorModel : PageModel
{
    public string Heading { get; private set; } = "";
    public string Explanation { get; private set; } = "";

    public IActionResult OnGet(int code) => Show(code);

    public IActionResult OnPost(int code) => Show(code);

    private PageResult Show(int code)
    {
        (Heading, Explanation) = code switch
        {
            404 => ("Not found", "There is nothing at this address. The post or thread may have been deleted, or may have fallen off the board."),
            405 => ("Not allowed", "This address does not take that kind of request."),
            413 => ("Too large", "What was sent is larger than this board accepts."),
            400 => ("Bad request", "The request could not be understood."),
            >= 500 => ("Something went wrong", "The board could not answer this request. Nothing you posted was half-saved; please try again."),
            _ => ("Error", "The request could not be completed."),
        };
        var page = Page();
        page.StatusCode = code is >= 400 and <= 599 ? code : 404;
        return page;
    }
}
