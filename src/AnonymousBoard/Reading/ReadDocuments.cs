using System.Security.Cryptography;
using AnonymousBoard.Site;
using Microsoft.Net.Http.Headers;

namespace AnonymousBoard.Reading;

/// <summary>
/// A document served as it was prepared (JSON, a feed): its bytes, when what it shows last changed (the
/// stored time of <see cref="Storage.UnitOfWork"/>'s stamps, read no later than the content) and its
/// entity tag, a hash of the bytes.
/// </summary>
public sealed record ReadDocument(ReadOnlyMemory<byte> Bytes, DateTimeOffset ChangedAt, string ETag)
{
    /// <summary>The bytes in each coding, compressed once (the document is prepared once per change).</summary>
    public CompressedPage Compressed { get; } = CompressedPage.Of(Bytes);

    public static ReadDocument Of(byte[] bytes, DateTimeOffset changedAt) =>
        new(bytes, changedAt, $"\"{Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 12))}\"");
}

/// <summary>
/// Conditional GET for prepared documents, which clients poll. Two validators, both from stored data,
/// so they are the same after a restart:
/// <list type="bullet">
/// <item>ETag, a hash of the bytes: exact. A client that sends If-None-Match (browsers, feed readers,
/// most HTTP libraries) gets 304 exactly when it holds the current bytes; If-Modified-Since is then
/// ignored, as RFC 9110 says.</item>
/// <item>Last-Modified, the stored change time in whole seconds, never later than now. 4chan clients poll
/// with If-Modified-Since alone, and whole seconds cannot tell two changes within one second apart: a
/// client that fetched between them would be told "not modified" for ever after. So while the second of
/// the last change may not be over, the date given is two seconds before now (earlier than the change:
/// the client fetches once more, never misses one). A date given is thus always one after which no
/// change can still arrive, and 304 answers exactly when nothing changed after that date. "Now" is
/// taken before the document is looked up; the stamp is taken just before its commit, so only a commit
/// that took over a second to become visible could slip past.</item>
/// </list>
/// </summary>
public sealed class ReadDocuments(TimeProvider time)
{
    private static readonly TimeSpan Settling = TimeSpan.FromSeconds(2);
    private static readonly string NoCache = new CacheControlHeaderValue { NoCache = true }.ToString();

    /// <summary>
    /// Answers with the document <paramref name="lookup"/> finds (404 when null), or 304 when the client
    /// holds it already. Cache-Control no-cache: a client may keep it but asks again each time, which is what polling is.
    /// </summary>
    public IResult Serve(HttpContext context, string contentType, Func<ReadDocument?> lookup)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(lookup);
        var asOf = time.GetUtcNow();
        if (lookup() is not { } document)
        {
            return Results.NotFound();
        }
        var changed = Seconds(document.ChangedAt < asOf ? document.ChangedAt : asOf);
        var settled = Seconds(asOf - Settling);
        // The headers are written as strings (the ETag was made with the document); the request's validators
        // are parsed only when there are some, as a document served is mostly a first fetch.
        var response = context.Response.Headers;
        response.LastModified = HeaderUtilities.FormatDate(changed <= settled ? changed : settled);
        response.ETag = document.ETag;
        response.CacheControl = NoCache;
        // A 304 names what the answer varies on as the 200 does: the document goes compressed when asked (CompressedPage).
        response.Vary = "Accept-Encoding";
        var headers = context.Request.Headers;
        bool notModified;
        if (headers.IfNoneMatch.Count > 0)
        {
            var etag = new EntityTagHeaderValue(document.ETag);
            notModified = context.Request.GetTypedHeaders().IfNoneMatch
                .Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(etag, useStrongComparison: false));
        }
        else
        {
            notModified = headers.IfModifiedSince.Count > 0 && context.Request.GetTypedHeaders().IfModifiedSince is { } since && changed <= since;
        }
        return notModified ? Results.StatusCode(StatusCodes.Status304NotModified) : document.Compressed.Result(contentType);
    }

    private static DateTimeOffset Seconds(DateTimeOffset time) => DateTimeOffset.FromUnixTimeSeconds(time.ToUnixTimeSeconds());
}
