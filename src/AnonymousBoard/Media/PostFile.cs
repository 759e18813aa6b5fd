namespace AnonymousBoard.Media;

/// <summary>The image of a post, as the page shows it: only the re-encoded file and its thumbnail.</summary>
public sealed record PostFile(
    string Hash, string UploadHash, ImageFormat Format, int Width, int Height, long Bytes,
    int ThumbnailWidth, int ThumbnailHeight, bool Spoiler, string? FileName)
{
    public string Url => "/media/" + MediaStore.ContentPath(Hash, Format);
    public string ThumbnailUrl => "/media/" + MediaStore.ThumbnailPath(Hash);

    public static ImageFormat FormatNamed(string name) =>
        ImageFormat.All.First(f => f.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
}
