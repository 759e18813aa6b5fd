using Microsoft.AspNetCore.Mvc;

namespace AnonymousBoard.Pages;

/// <summary>Post/redirect/get answers a form with 303 See Other, so a reload never posts again.</summary>
public sealed class SeeOtherResult(string location) : IActionResult
{
    public Task ExecuteResultAsync(ActionContext context)
    {
        context.HttpContext.Response.StatusCode = StatusCodes.Status303SeeOther;
        context.HttpContext.Response.Headers.Location = location;
        return Task.CompletedTask;
    }
}
