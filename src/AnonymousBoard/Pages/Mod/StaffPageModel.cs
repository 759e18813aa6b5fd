using AnonymousBoard.Moderation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AnonymousBoard.Pages.StaffPages;

/// <summary>
/// A staff page: requires a signed-in member (GET goes to the sign-in page, anything else is
/// refused) and shows the outcome of an action. Which member may do what is checked again by
/// the moderation handlers (<see cref="PostModeration"/> and the others) for every action; this only checks that someone is signed in.
/// </summary>
public abstract class StaffPageModel : PageModel
{
    public StaffMember Staff { get; private set; } = null!;
    public string? Message { get; protected set; }
    public bool Ok { get; protected set; }

    public ModPaths Paths => HttpContext.RequestServices.GetRequiredService<ModPaths>();

    public override void OnPageHandlerExecuting(PageHandlerExecutingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (StaffSessions.Current(HttpContext) is not { } member)
        {
            context.Result = HttpMethods.IsGet(Request.Method) || HttpMethods.IsHead(Request.Method)
                ? new SeeOtherResult(Paths.To("login"))
                : new StatusCodeResult(StatusCodes.Status403Forbidden);
            return;
        }
        Staff = member;
    }

    /// <summary>The page again, with the outcome said at the top and the matching status.</summary>
    protected PageResult Show(ModResult result)
    {
        var page = Page();
        switch (result)
        {
            case ModResult.Done done:
                (Ok, Message) = (true, done.Message);
                break;
            case ModResult.Refused refused:
                (Ok, Message) = (false, refused.Message);
                page.StatusCode = refused.StatusCode;
                break;
        }
        return page;
    }
}
