using System.Text;

namespace AnonymousBoard.Media;

/// <summary>What <see cref="ImageSniffer"/> found: a format to decode with, or the reason the file is refused.</summary>
public sealed record SniffResult(ImageFormat? Format, string? Reason)
{
    public static SniffResult Accept(ImageFormat format) => new(format, null);
    public static SniffResult Refuse(string reason) => new(null, reason);
}

/// <summary>
/// Decides what an upload is from its bytes alone. The file name and the MIME type the browser sent
/// are never consulted: both are chosen by the poster.
/// </summary>
public static class ImageSniffer
{
    /// <summary>Browsers that guess a type from content look at about this much of the start of a file.</summary>
    public const int HtmlWindow = 1024;

    /// <summary>
    /// A ZIP reader looks for the end-of-central-directory record from the end of the file backwards,
    /// over at most its 22 bytes plus a 65,535-byte comment.
    /// </summary>
    public const int ZipTailWindow = 22 + 65_535;

    private static readonly string[] HtmlMarkers = ["<html", "<script", "<!doctype", "<head", "<body", "<iframe", "<svg"];

    private const string Accepted = "only JPEG, PNG, GIF and WebP images can be posted";

    public static SniffResult Sniff(ReadOnlySpan<byte> file)
    {
        var format = FormatOf(file);
        if (format is null)
        {
            return SniffResult.Refuse(DescribeRefused(file));
        }

        var head = Encoding.Latin1.GetString(file[..Math.Min(file.Length, HtmlWindow)]);
        var marker = HtmlMarkers.FirstOrDefault(m => head.Contains(m, StringComparison.OrdinalIgnoreCase));
        if (marker is not null)
        {
            return SniffResult.Refuse($"the file starts like a {format.Name} image but is also an HTML document (it contains \"{marker}\" in its first kilobyte)");
        }

        if (ContainsZip(file))
        {
            return SniffResult.Refuse($"the file is a {format.Name} image with a ZIP archive inside it");
        }

        return SniffResult.Accept(format);
    }

    /// <summary>The accepted format whose signature starts the file, or null.</summary>
    public static ImageFormat? FormatOf(ReadOnlySpan<byte> file)
    {
        if (file.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
        {
            return ImageFormat.Jpeg;
        }

        if (file.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return ImageFormat.Png;
        }

        if (file.StartsWith("GIF87a"u8) || file.StartsWith("GIF89a"u8))
        {
            return ImageFormat.Gif;
        }

        if (file.Length >= 12 && file.StartsWith("RIFF"u8) && file[8..12].SequenceEqual("WEBP"u8))
        {
            return ImageFormat.WebP;
        }

        return null;
    }

    private static string DescribeRefused(ReadOnlySpan<byte> file)
    {
        if (file.IsEmpty)
        {
            return "the file is empty";
        }

        string? name = null;
        if (file.StartsWith("BM"u8))
        {
            name = "BMP";
        }
        else if (file.StartsWith("II*\0"u8) || file.StartsWith("MM\0*"u8))
        {
            name = "TIFF";
        }
        else if (file.StartsWith("%PDF-"u8))
        {
            name = "PDF";
        }
        else if (file.Length >= 12 && file[4..8].SequenceEqual("ftyp"u8))
        {
            name = "HEIC, AVIF and other ISO media";
        }
        else if (Encoding.Latin1.GetString(file[..Math.Min(file.Length, HtmlWindow)]).Contains("<svg", StringComparison.OrdinalIgnoreCase))
        {
            name = "SVG";
        }

        return name is null
            ? $"the file is not an image that the board accepts: {Accepted}"
            : $"{name} files are not accepted: {Accepted}";
    }

    /// <summary>
    /// True when a ZIP archive is hidden in the file: an end-of-central-directory record where a ZIP
    /// reader looks for one, or a local file header anywhere. A bare 4-byte signature turns up by
    /// chance in about one 8 MB photo in 500, so each signature must be followed by what real archives
    /// have: disk numbers 0 and 0 after an end record, a "version needed to extract" below 64 with a
    /// zero high byte after a local header. That leaves about one false alarm in 500,000 such photos.
    /// </summary>
    public static bool ContainsZip(ReadOnlySpan<byte> file)
    {
        var tailStart = Math.Max(0, file.Length - ZipTailWindow);
        for (var at = file.IndexOf("PK"u8); at >= 0;)
        {
            var rest = file[at..];
            if (rest.Length >= 8 && rest[2] == 5 && rest[3] == 6 && at >= tailStart && rest[4..8].IndexOfAnyExcept((byte)0) < 0)
            {
                return true;
            }

            if (rest.Length >= 6 && rest[2] == 3 && rest[3] == 4 && rest[4] < 64 && rest[5] == 0)
            {
                return true;
            }

            var next = file[(at + 1)..].IndexOf("PK"u8);
            at = next < 0 ? -1 : at + 1 + next;
        }

        return false;
    }
}
