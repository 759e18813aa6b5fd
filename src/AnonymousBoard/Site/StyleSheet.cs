using System.Security.Cryptography;

namespace AnonymousBoard.Site;

/// <summary>
/// The board's one CSS file, embedded in the program and served under a name that carries its hash,
/// so it can be cached for a year and nothing reveals file system times.
/// </summary>
public static class StyleSheet
{
    public static readonly byte[] Bytes = Load();
    public static readonly string Url = $"/static/board-{Convert.ToHexStringLower(SHA256.HashData(Bytes))[..12]}.css";

    // Compressed once, by the first request that asks for each coding.
    private static readonly CompressedPage Compressed = CompressedPage.Of(Bytes);

    private static byte[] Load()
    {
        using var stream = typeof(StyleSheet).Assembly.GetManifestResourceStream("AnonymousBoard.board.css")!;
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }

    /// <summary>GET <see cref="Url"/>: the name changes with the content, so it is cached for a year.</summary>
    public static IResult Serve(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
        return Compressed.Result("text/css; charset=utf-8");
    }
}
