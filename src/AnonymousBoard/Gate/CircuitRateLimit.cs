using System.Globalization;

namespace AnonymousBoard.Gate;

/// <summary>
/// Per-circuit request budget, first in the pipeline: a circuit that hammers the board is told to wait
/// before anything else runs. Connections without a circuit id (loopback, a clearnet mirror) are not
/// limited here, since they would all share one bucket.
/// </summary>
public static class CircuitRateLimit
{
    public static IApplicationBuilder UseCircuitRateLimit(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.GetCircuitId() is { } circuit)
        {
            var decision = context.RequestServices.GetRequiredService<CircuitRateLimiter>().TryAcquire(circuit, context.Request.Method);
            if (!decision.Allowed)
            {
                if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
                {
                    context.RequestServices.GetRequiredService<AdmissionGate>().RecordRejected();
                }
                context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                context.Response.Headers.RetryAfter = Math.Ceiling(decision.RetryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
                context.Response.ContentType = "text/plain; charset=utf-8";
                await context.Response.WriteAsync($"Too many requests from this tor circuit: {decision.Reason}. Nothing you typed was sent; go back and try again shortly.");
                return;
            }
        }
        await next(context);
    });
}
