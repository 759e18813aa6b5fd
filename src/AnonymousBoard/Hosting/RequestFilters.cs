using AnonymousBoard.Markup;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.Extensions.Primitives;

namespace AnonymousBoard.Hosting;

/// <summary>Forms read from requests that may be hostile.</summary>
public static class FormInput
{
    /// <summary>
    /// A body ASP.NET Core could not parse (a NUL in a url-encoded value, a value past the form
    /// limits, a multipart body that breaks off): not one that was too large or too slow (those are
    /// a BadHttpRequestException with their own status), nor a client that went away.
    /// </summary>
    public static bool IsMalformed(Exception e, CancellationToken ct) =>
        (e is InvalidDataException || e is IOException and not BadHttpRequestException) && !ct.IsCancellationRequested;

    /// <summary>The same fields with every value <see cref="HtmlText.Printable"/>.</summary>
    public static Dictionary<string, StringValues> Printable(IEnumerable<KeyValuePair<string, StringValues>> fields)
    {
        var clean = new Dictionary<string, StringValues>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, values) in fields)
        {
            clean[HtmlText.Printable(key)] = new StringValues([.. values.Select(v => HtmlText.Printable(v ?? ""))]);
        }
        return clean;
    }
}

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

/// <summary>
/// Before anything on a page (antiforgery, model binding, Request.Form) reads them, the query and
/// the form become <see cref="HtmlText.Printable"/> text. <see cref="RequestLimits"/> has already
/// read the form, or refused it; the posting page reads its own as it streams (and cleans it in
/// <see cref="Posting.PostForm"/>).
/// </summary>
public sealed class RequestTextFilter : IAsyncAuthorizationFilter, IOrderedFilter
{
    // Before the antiforgery check, which reads the form too.
    public int Order => int.MinValue;

    public async Task OnAuthorizationAsync(AuthorizationFilterContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.HttpContext.Request;
        if (request.QueryString.HasValue)
        {
            request.Query = new QueryCollection(FormInput.Printable(request.Query));
        }
        // An error page re-executes the failed request; its body is never read again.
        if (request.HasFormContentType && !RequestLimits.ReadsItsOwnForm(context.HttpContext)
            && context.HttpContext.Features.Get<IStatusCodeReExecuteFeature>() is null && context.HttpContext.Features.Get<IExceptionHandlerFeature>() is null)
        {
            var form = await request.ReadFormAsync(context.HttpContext.RequestAborted);
            request.Form = new FormCollection(FormInput.Printable(form), form.Files);
        }
    }
}

/// <summary>
/// A request whose method the page has no handler for (PUT, DELETE, TRACE, an invented one) is
/// answered 405. Razor Pages would otherwise render the page with nothing loaded, and fail.
/// A page with no handlers at all (help text, no model) has nothing to load and is read with GET or HEAD.
/// </summary>
public sealed class MethodNotAllowedFilter : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        // The error page has no handlers on purpose: it answers whatever method failed.
        var readsFixedText = context.ActionDescriptor.HandlerMethods.Count == 0
            && (HttpMethods.IsGet(context.HttpContext.Request.Method) || HttpMethods.IsHead(context.HttpContext.Request.Method));
        if (context.HandlerMethod is null && !readsFixedText)
        {
            context.Result = new StatusCodeResult(StatusCodes.Status405MethodNotAllowed);
            return;
        }
        await next();
    }
}
