using System.Buffers.Binary;

namespace AnonymousBoard.Media;

/// <summary>
/// Width and height from the first bytes of a file the worker wrote, without decoding it: the board
/// checks what the worker says against what it wrote. Only ever reads a worker's output.
/// </summary>
public static class ImageSize
{
    /// <summary>The picture's (for an animation, one frame's) size, or null when the header is not as expected.</summary>
    public static (int Width, int Height)? Of(ReadOnlySpan<byte> file, ImageFormat format)
    {
        ArgumentNullException.ThrowIfNull(format);
        if (ImageSniffer.FormatOf(file) != format)
        {
            return null;
        }

        return format.Name switch
        {
            // IHDR is always the first chunk: width and height big-endian at 16 and 20.
            "PNG" when file.Length >= 24 => (BinaryPrimitives.ReadInt32BigEndian(file[16..]), BinaryPrimitives.ReadInt32BigEndian(file[20..])),
            // The logical screen, little-endian at 6 and 8; libvips writes every frame at that size.
            "GIF" when file.Length >= 10 => (BinaryPrimitives.ReadUInt16LittleEndian(file[6..]), BinaryPrimitives.ReadUInt16LittleEndian(file[8..])),
            "WebP" => WebP(file),
            "JPEG" => Jpeg(file),
            _ => null,
        };
    }

    private static (int, int)? WebP(ReadOnlySpan<byte> file)
    {
        if (file.Length < 30)
        {
            return null;
        }

        var chunk = file[12..16];
        if (chunk.SequenceEqual("VP8X"u8))
        {
            // The canvas: 24-bit little-endian width - 1 and height - 1.
            return (1 + (file[24] | file[25] << 8 | file[26] << 16), 1 + (file[27] | file[28] << 8 | file[29] << 16));
        }

        if (chunk.SequenceEqual("VP8 "u8))
        {
            // After the frame tag and start code: 14-bit width and height, 2 bits of scale each.
            return (BinaryPrimitives.ReadUInt16LittleEndian(file[26..]) & 0x3FFF, BinaryPrimitives.ReadUInt16LittleEndian(file[28..]) & 0x3FFF);
        }

        if (chunk.SequenceEqual("VP8L"u8) && file[20] == 0x2F)
        {
            // After the signature byte: 14 bits of width - 1, then 14 bits of height - 1.
            var bits = BinaryPrimitives.ReadUInt32LittleEndian(file[21..]);
            return ((int)(bits & 0x3FFF) + 1, (int)((bits >> 14) & 0x3FFF) + 1);
        }

        return null;
    }

    /// <summary>The first start-of-frame marker's size; markers before it are skipped by their lengths.</summary>
    private static (int, int)? Jpeg(ReadOnlySpan<byte> file)
    {
        var at = 2;
        while (at + 9 <= file.Length && file[at] == 0xFF)
        {
            var marker = file[at + 1];
            var length = BinaryPrimitives.ReadUInt16BigEndian(file[(at + 2)..]);
            // SOF0-SOF15, which are C0-CF without DHT (C4), JPG (C8) and DAC (CC).
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
            {
                return (BinaryPrimitives.ReadUInt16BigEndian(file[(at + 7)..]), BinaryPrimitives.ReadUInt16BigEndian(file[(at + 5)..]));
            }

            at += 2 + length;
        }

        return null;
    }
}
