using System.Collections.Concurrent;
using Microsoft.Net.Http.Headers;

namespace AnonymousBoard.Reading;

/// <summary>A document served as it was prepared (JSON, a feed), with the time its bytes last changed.</summary>
public sealed record ReadDocument(ReadOnlyMemory<byte> Bytes, DateTimeOffset LastModified);

/// <summary>
/// Last-Modified for prepared documents, from their bytes: a document keeps its time while a rebuild
/// gives the same bytes, and gets a later one when they differ. Clients poll with If-Modified-Since,
/// and HTTP dates count whole seconds: two changes within one second must still give two times, or a
/// client that fetched between them would be told "not modified" for ever after. So a new time is
/// one second past the previous one when the clock has not moved on (it can run ahead of the clock
/// by as many changes as a second saw, and catches up after). After a restart every document starts
/// at the time it is first built: clients fetch it once more, never miss a change.
/// </summary>
public sealed class ReadDocuments(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, ReadDocument> _last = new(StringComparer.Ordinal);

    /// <summary>The document named <paramref name="key"/> as now built; call it from a <see cref="PageCache"/> build.</summary>
    public ReadDocument Stamp(string key, byte[] bytes) =>
        _last.AddOrUpdate(key,
            _ => new ReadDocument(bytes, Now()),
            (_, previous) => previous.Bytes.Span.SequenceEqual(bytes) ? previous : new ReadDocument(bytes, After(previous.LastModified)));

    private DateTimeOffset Now() => DateTimeOffset.FromUnixTimeSeconds(time.GetUtcNow().ToUnixTimeSeconds());

    private DateTimeOffset After(DateTimeOffset previous)
    {
        var now = Now();
        return now > previous ? now : previous.AddSeconds(1);
    }

    /// <summary>
    /// Answers with the document, or 304 when the client's If-Modified-Since is not older than it.
    /// Cache-Control no-cache: a client may keep it but asks again each time, which is what polling is.
    /// </summary>
    public static IResult Serve(HttpContext context, ReadDocument document, string contentType)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(document);
        var response = context.Response.GetTypedHeaders();
        response.LastModified = document.LastModified;
        response.CacheControl = new CacheControlHeaderValue { NoCache = true };
        if (context.Request.GetTypedHeaders().IfModifiedSince is { } since && document.LastModified <= since)
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }
        return Results.Bytes(document.Bytes, contentType);
    }
}
