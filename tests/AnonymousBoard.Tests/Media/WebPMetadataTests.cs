using System.Buffers.Binary;
using System.Text;
using AnonymousBoard.Media;

namespace AnonymousBoard.Tests.Media;

public sealed class WebPMetadataTests
{
    private static byte[] Chunk(string fourCc, params byte[] payload)
    {
        var chunk = new byte[8 + payload.Length + (payload.Length & 1)];
        Encoding.ASCII.GetBytes(fourCc).CopyTo(chunk, 0);
        BinaryPrimitives.WriteInt32LittleEndian(chunk.AsSpan(4), payload.Length);
        payload.CopyTo(chunk, 8);
        return chunk;
    }

    private static byte[] Riff(params byte[][] chunks)
    {
        var body = chunks.SelectMany(c => c).ToArray();
        var file = new byte[12 + body.Length];
        "RIFF"u8.CopyTo(file);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(4), 4 + body.Length);
        "WEBP"u8.CopyTo(file.AsSpan(8));
        body.CopyTo(file, 12);
        return file;
    }

    // Flags: ICC (0x20), alpha (0x10), EXIF (0x08), XMP (0x04); then reserved bytes and the canvas size.
    private static byte[] Vp8X(byte flags) => Chunk("VP8X", flags, 0, 0, 0, 9, 0, 0, 9, 0, 0);

    [Fact]
    public void EXIF_XMP_and_ICC_chunks_are_dropped_and_their_flags_cleared()
    {
        var picture = Chunk("VP8 ", 1, 2, 3, 4, 5);
        var alpha = Chunk("ALPH", 7, 7);
        var file = Riff(Vp8X(0x20 | 0x10 | 0x08 | 0x04), Chunk("ICCP", 1, 2, 3), alpha, picture, Chunk("EXIF", 9, 9, 9, 9, 9), Chunk("XMP ", 8, 8));

        var stripped = WebPMetadata.Strip(file);

        Assert.Equal(Riff(Vp8X(0x10), alpha, picture), stripped);
    }

    [Fact]
    public void A_file_without_metadata_comes_back_unchanged()
    {
        var file = Riff(Chunk("VP8L", 1, 2, 3, 4));

        Assert.Equal(file, WebPMetadata.Strip(file));
    }

    [Fact]
    public void A_file_that_is_not_a_well_formed_WebP_gives_null()
    {
        var truncated = Riff(Chunk("VP8 ", 1, 2, 3, 4))[..^2];

        Assert.Null(WebPMetadata.Strip(truncated));
        Assert.Null(WebPMetadata.Strip("RIFF\0\0\0\0WAVE"u8));
        Assert.Null(WebPMetadata.Strip([]));
    }
}
