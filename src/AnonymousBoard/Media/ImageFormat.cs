namespace AnonymousBoard.Media;

/// <summary>
/// One of the four image formats the board accepts, with how libvips reads and re-writes it.
/// The format of an upload is chosen by <see cref="ImageSniffer"/> from its first bytes only.
/// </summary>
/// <param name="Name">For messages: "JPEG".</param>
/// <param name="Extension">Of stored files, without the dot.</param>
/// <param name="ContentType">Served with the stored file.</param>
/// <param name="Loader">The libvips loader the worker calls by name (<see cref="ImageWorker"/>), so no other parser ever sees the upload.</param>
/// <param name="Animates">Whether the format can hold several frames that the board keeps.</param>
public sealed record ImageFormat(string Name, string Extension, string ContentType, string Loader, bool Animates)
{
    public static readonly ImageFormat Jpeg = new("JPEG", "jpg", "image/jpeg", "jpegload", false);
    public static readonly ImageFormat Png = new("PNG", "png", "image/png", "pngload", false);
    // libvips writes animated GIFs itself (cgif), so a GIF stays a GIF.
    public static readonly ImageFormat Gif = new("GIF", "gif", "image/gif", "gifload", true);
    public static readonly ImageFormat WebP = new("WebP", "webp", "image/webp", "webpload", true);

    public static IReadOnlyList<ImageFormat> All { get; } = [Jpeg, Png, Gif, WebP];
}
