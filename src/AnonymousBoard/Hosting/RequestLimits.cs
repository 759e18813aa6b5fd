using AnonymousBoard.Site;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using KestrelServerLimits = Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerLimits;
using MinDataRate = Microsoft.AspNetCore.Server.Kestrel.Core.MinDataRate;
using AnonymousBoard.Settings;

namespace AnonymousBoard.Hosting;

/// <summary>
/// How much, how slowly and how many at once clients may send, chosen for a small server behind
/// tor: circuits are slow (seconds of latency, tens of KB/s), but a request that is only slow, not
/// big, is an attacker holding a connection open. Each Kestrel limit is set here on purpose.
/// </summary>
public static class RequestLimits
{
    /// <summary>
    /// A form other than posting (delete, report, appeal, the staff pages) is a few short fields; the
    /// longest, a board's rules of up to 4000 characters, percent-encodes to at most 36 KB. The posting
    /// page raises the limit to what its board takes (<see cref="Posting.PostRequest.BodyLimit"/>).
    /// </summary>
    public const long MaxFormBytes = 64 * 1024;

    /// <summary>Throws a <see cref="StartupException"/> naming the setting that is out of range.</summary>
    public static void Check(RequestLimitOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var (name, value) in new[]
        {
            (nameof(options.MaxConnections), options.MaxConnections),
            (nameof(options.RequestHeadersTimeoutSeconds), options.RequestHeadersTimeoutSeconds),
            (nameof(options.MinBodyBytesPerSecond), options.MinBodyBytesPerSecond),
            (nameof(options.MinBodyGraceSeconds), options.MinBodyGraceSeconds),
        })
        {
            if (value < 1)
            {
                throw new StartupException($"Board:Limits:{name} is {value}; it must be 1 or more.");
            }
        }
    }

    public static void Apply(KestrelServerLimits limits, RequestLimitOptions options)
    {
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(options);
        limits.MaxRequestBodySize = MaxFormBytes;
        // Readers send no cookie and staff two small ones: 16 KiB of headers (Kestrel allows 32) and
        // 50 of them (it allows 100) is far more than Tor Browser sends.
        limits.MaxRequestHeadersTotalSize = 16 * 1024;
        limits.MaxRequestHeaderCount = 50;
        // The board's longest URLs are a board, a thread number and a page: 8 KiB is Kestrel's default and plenty.
        limits.MaxRequestLineSize = 8 * 1024;
        // Headers fit in one or two tor cells, so even a slow circuit sends them in a few seconds; a
        // client that trickles them (slowloris) is dropped when this runs out.
        limits.RequestHeadersTimeout = TimeSpan.FromSeconds(options.RequestHeadersTimeoutSeconds);
        // Tor Browser keeps a connection for the next page, which saves a round trip of seconds; an
        // idle one costs a socket and a little memory, so it may wait a minute, not Kestrel's 130 s.
        limits.KeepAliveTimeout = TimeSpan.FromSeconds(60);
        // Each open connection holds buffers; 1000 of them stay within tens of megabytes. Tor's
        // per-circuit stream limit and proof of work (torrc.sample) stand in front of this.
        limits.MaxConcurrentConnections = options.MaxConnections;
        // The board has no WebSockets or other upgraded connections: none are allowed.
        limits.MaxConcurrentUpgradedConnections = 0;
        // A body slower than about a tor cell (509 bytes) every two seconds, averaged after the grace
        // period, is someone holding the connection, not a slow circuit: it is dropped.
        limits.MinRequestBodyDataRate = new MinDataRate(options.MinBodyBytesPerSecond, TimeSpan.FromSeconds(options.MinBodyGraceSeconds));
        // The same for a client that does not read the page it asked for.
        limits.MinResponseDataRate = new MinDataRate(240, TimeSpan.FromSeconds(10));
    }

    /// <summary>The posting handler: it sets its board's limit and reads the form as it streams in.</summary>
    public static bool ReadsItsOwnForm(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<Posting.StreamedFormAttribute>() is not null;

    /// <summary>
    /// Refuses a form that is too large (413) or cannot be read (400) before a page sees it. Razor
    /// Pages would otherwise bind every parameter of such a request as null, silently. The posting
    /// page is left alone: it sets its board's limit and reads the form itself, as it streams in.
    /// </summary>
    public static IApplicationBuilder UseRequestLimits(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        // An error page shown for this request (re-executed after a status code or an exception)
        // must not trip over the same body again: it may have been read already, or be the problem.
        if (context.Features.Get<IStatusCodeReExecuteFeature>() is not null
            || context.Features.Get<IExceptionHandlerFeature>() is not null
            || ReadsItsOwnForm(context))
        {
            await next(context);
            return;
        }
        var limit = context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize;
        if (context.Request.ContentLength > limit)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            return;
        }
        if (context.Request.HasFormContentType)
        {
            try
            {
                await context.Request.ReadFormAsync(context.RequestAborted);
            }
            catch (BadHttpRequestException e)
            {
                // Too large (sent without a length), or too slow.
                context.Response.StatusCode = e.StatusCode;
                return;
            }
            catch (Exception e) when (FormInput.IsMalformed(e, context.RequestAborted))
            {
                // A NUL in a url-encoded value, a value past the form limits, a multipart body that breaks off.
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }
            catch (IOException) when (context.RequestAborted.IsCancellationRequested)
            {
                // The client went away in the middle of its body: nobody is left to answer.
                return;
            }
        }
        await next(context);
    });
}
