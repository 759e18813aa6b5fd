namespace AnonymousBoard.Site;

/// <summary>Post/redirect/get answers a form with 303 See Other, so a reload never posts again.</summary>
public static class SeeOther
{
    public static IResult To(string location) => new Result(location);

    private sealed class Result(string location) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            ArgumentNullException.ThrowIfNull(httpContext);
            httpContext.Response.StatusCode = StatusCodes.Status303SeeOther;
            httpContext.Response.Headers.Location = location;
            return Task.CompletedTask;
        }
    }
}
