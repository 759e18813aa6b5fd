using AnonymousBoard.Markup;
using Microsoft.AspNetCore.Diagnostics;
using AnonymousBoard.Site;

namespace AnonymousBoard.Hosting;

/// <summary>
/// Before a handler (or the antiforgery check) reads them, the query and the form become
/// <see cref="HtmlText.Printable"/> text. <see cref="RequestLimits"/> has already read the form, or
/// refused it; the posting handler reads its own as it streams (and cleans it in <see cref="Posting.PostForm"/>).
/// </summary>
public static class RequestText
{
    public static IApplicationBuilder UseRequestText(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var request = context.Request;
        if (request.QueryString.HasValue)
        {
            request.Query = new QueryCollection(FormInput.Printable(request.Query));
        }
        // An error page re-executes the failed request; its body is never read again.
        if (request.HasFormContentType && !RequestLimits.ReadsItsOwnForm(context)
            && context.Features.Get<IStatusCodeReExecuteFeature>() is null && context.Features.Get<IExceptionHandlerFeature>() is null)
        {
            var form = await request.ReadFormAsync(context.RequestAborted);
            request.Form = new FormCollection(FormInput.Printable(form), form.Files);
        }
        await next(context);
    });
}
