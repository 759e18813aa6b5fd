namespace AnonymousBoard.Media;

/// <summary>
/// Every way <see cref="ImagePipeline.ProcessAsync"/> can end: <see cref="ImageAccepted"/>,
/// <see cref="ImageRejected"/>, or <see cref="ImageFailed"/>.
/// </summary>
public abstract record ImageOutcome;

public sealed record ImageAccepted(ProcessedImage Image) : ImageOutcome;

/// <summary>The upload is refused; <paramref name="Reason"/> is a sentence for the poster, starting in lower case.</summary>
public sealed record ImageRejected(string Reason) : ImageOutcome;

/// <summary>
/// The server could not process the upload (the image tools could not be run, or were killed);
/// the file may be fine. <paramref name="Reason"/> is a sentence for the poster, starting in lower case.
/// </summary>
public sealed record ImageFailed(string Reason) : ImageOutcome;

/// <summary>
/// An upload after decoding and re-encoding: only these bytes are ever stored or served, never the
/// upload's own.
/// </summary>
/// <param name="ContentHash">Lower-case hex SHA-256 of <paramref name="Content"/>: the name it is stored under.</param>
/// <param name="UploadHash">Lower-case hex SHA-256 of the bytes as uploaded, for file bans.</param>
/// <param name="Width">Of the picture as shown, after EXIF orientation was applied.</param>
/// <param name="Frames">1 for a still image.</param>
/// <param name="Thumbnail">A WebP that fits in <see cref="ImagePipeline.ThumbnailBox"/> pixels square.</param>
public sealed record ProcessedImage(
    ImageFormat Format,
    string ContentHash,
    string UploadHash,
    int Width,
    int Height,
    int Frames,
    byte[] Content,
    int ThumbnailWidth,
    int ThumbnailHeight,
    byte[] Thumbnail)
{
    public const string ThumbnailContentType = "image/webp";

    public string ContentType => Format.ContentType;

    public long ByteSize => Content.Length;

    public long ThumbnailByteSize => Thumbnail.Length;
}
