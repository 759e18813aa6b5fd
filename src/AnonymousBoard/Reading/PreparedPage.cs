using System.Text;
using AnonymousBoard.Markup;
using Microsoft.AspNetCore.Mvc;

namespace AnonymousBoard.Reading;

/// <summary>
/// A page answered from HTML already written, in UTF-8, without Razor: the board index and the
/// thread page, read far more than anything else. Their posts are prepared once per write
/// (<see cref="PageCache"/>); what differs per request (the posting level, the form's single-use
/// ticket) is written in code by the same writers the Razor pages use (<see cref="PageFrame"/>,
/// <see cref="BoardHeader"/>, <see cref="Posting.PostFormHtml"/>). Razor's page machinery cost about
/// as much as sending the whole 38 KB index (measured by tests/AnonymousBoard.Benchmarks), so the hot
/// pages go without it.
/// </summary>
public sealed class PreparedPage(params ReadOnlyMemory<byte>[] parts) : IActionResult
{
    public static ReadOnlyMemory<byte> Utf8(TrustedHtml html)
    {
        ArgumentNullException.ThrowIfNull(html);
        return Encoding.UTF8.GetBytes(html.Value);
    }

    public static ReadOnlyMemory<byte> Utf8(HtmlWriter html)
    {
        ArgumentNullException.ThrowIfNull(html);
        return Utf8(html.ToTrustedHtml());
    }

    public async Task ExecuteResultAsync(ActionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var response = context.HttpContext.Response;
        response.ContentType = "text/html; charset=utf-8";
        response.ContentLength = parts.Sum(p => (long)p.Length);
        // Through Body, not BodyWriter: for GET, WholePageResponses puts the parts straight into
        // Kestrel's pipe and sends them together; for HEAD, Kestrel drops them.
        foreach (var part in parts)
        {
            await response.Body.WriteAsync(part, context.HttpContext.RequestAborted);
        }
    }
}
