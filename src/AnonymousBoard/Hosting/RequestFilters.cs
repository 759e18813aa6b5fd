using AnonymousBoard.Markup;
using Microsoft.AspNetCore.Diagnostics;
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
