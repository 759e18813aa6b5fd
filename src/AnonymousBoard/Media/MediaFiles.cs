namespace AnonymousBoard.Media;

/// <summary>GET /media/{shard}/{name}: an image or thumbnail.</summary>
public static class MediaFiles
{
    public static IResult Serve(string shard, string name, HttpContext context, MediaService media)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(media);
        if (media.ServedFile(shard, name) is not { } path)
        {
            return Results.NotFound();
        }
        // Content-addressed: the bytes under a name never change. No ETag or Last-Modified, which
        // would reveal file system times.
        context.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
        var type = ImageFormat.All.FirstOrDefault(f => name.EndsWith("." + f.Extension, StringComparison.Ordinal))?.ContentType ?? "image/webp";
        return Results.Bytes(File.ReadAllBytes(path), type);
    }
}
