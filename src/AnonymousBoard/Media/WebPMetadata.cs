using System.Buffers.Binary;

namespace AnonymousBoard.Media;

/// <summary>
/// Drops the metadata chunks (EXIF, XMP, ICC profile) from a WebP file that libvips wrote. libvips
/// 8.14.1, the version in Debian 12, ignores <c>strip</c> when it saves WebP: it copies the source's
/// EXIF (GPS included), XMP and ICC profile, and adds an EXIF block of its own. The other savers
/// honour <c>strip</c>. This only ever reads libvips's output, never an upload.
/// </summary>
public static class WebPMetadata
{
    // VP8X flag bits that announce the chunks removed here.
    private const byte IccFlag = 0x20;
    private const byte ExifFlag = 0x08;
    private const byte XmpFlag = 0x04;

    /// <summary>The file without EXIF, XMP and ICCP chunks, or null when it is not a well-formed WebP.</summary>
    public static byte[]? Strip(ReadOnlySpan<byte> webp)
    {
        if (webp.Length < 12 || !webp.StartsWith("RIFF"u8) || !webp[8..12].SequenceEqual("WEBP"u8))
        {
            return null;
        }

        using var output = new MemoryStream(webp.Length);
        output.Write(webp[..12]);
        var at = 12;
        while (at < webp.Length)
        {
            if (webp.Length - at < 8)
            {
                return null;
            }

            var size = BinaryPrimitives.ReadUInt32LittleEndian(webp[(at + 4)..]);
            // Chunks are padded to an even length.
            var length = 8L + size + (size & 1);
            if (length > webp.Length - at)
            {
                return null;
            }

            var chunk = webp.Slice(at, (int)length);
            var fourCc = chunk[..4];
            if (!fourCc.SequenceEqual("EXIF"u8) && !fourCc.SequenceEqual("XMP "u8) && !fourCc.SequenceEqual("ICCP"u8))
            {
                var start = (int)output.Position;
                output.Write(chunk);
                if (fourCc.SequenceEqual("VP8X"u8) && size >= 1)
                {
                    output.GetBuffer()[start + 8] &= unchecked((byte)~(IccFlag | ExifFlag | XmpFlag));
                }
            }

            at += (int)length;
        }

        var result = output.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(4), (uint)(result.Length - 8));
        return result;
    }
}
