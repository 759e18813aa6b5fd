using System.Text;
using AnonymousBoard.Media;

namespace AnonymousBoard.Tests.Media;

/// <summary>The format comes from the bytes alone, and files that are two things at once are refused.</summary>
public sealed class ImageSnifferTests
{
    private static byte[] Bytes(params object[] parts) =>
        parts.SelectMany(p => p switch
        {
            string text => Encoding.Latin1.GetBytes(text),
            byte[] bytes => bytes,
            _ => throw new ArgumentException("string or byte[]", nameof(parts)),
        }).ToArray();

    private static readonly byte[] JpegStart = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10];
    private static readonly byte[] Padding = new byte[2000];

    public static TheoryData<byte[], string> Signatures() => new()
    {
        { Bytes(JpegStart, Padding), "JPEG" },
        { Bytes(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, Padding), "PNG" },
        { Bytes("GIF87a", Padding), "GIF" },
        { Bytes("GIF89a", Padding), "GIF" },
        { Bytes("RIFF", new byte[] { 1, 2, 3, 4 }, "WEBPVP8 ", Padding), "WebP" },
    };

    [Theory]
    [MemberData(nameof(Signatures))]
    public void Each_accepted_format_is_known_by_its_signature(byte[] file, string format)
    {
        var result = ImageSniffer.Sniff(file);

        Assert.Null(result.Reason);
        Assert.Equal(format, result.Format?.Name);
    }

    public static TheoryData<byte[], string> Refusals() => new()
    {
        { [], "the file is empty" },
        { Bytes("hello, this is text"), "the file is not an image that the board accepts: only JPEG, PNG, GIF and WebP images can be posted" },
        { Bytes("BM", Padding), "BMP files are not accepted: only JPEG, PNG, GIF and WebP images can be posted" },
        { Bytes("II*\0", Padding), "TIFF files are not accepted: only JPEG, PNG, GIF and WebP images can be posted" },
        { Bytes("MM\0*", Padding), "TIFF files are not accepted: only JPEG, PNG, GIF and WebP images can be posted" },
        { Bytes("%PDF-1.7", Padding), "PDF files are not accepted: only JPEG, PNG, GIF and WebP images can be posted" },
        { Bytes("\0\0\0\x18" + "ftypheic", Padding), "HEIC, AVIF and other ISO media files are not accepted: only JPEG, PNG, GIF and WebP images can be posted" },
        { Bytes("<?xml version=\"1.0\"?>\n<SVG xmlns=\"http://www.w3.org/2000/svg\"></svg>"), "SVG files are not accepted: only JPEG, PNG, GIF and WebP images can be posted" },
        // RIFF alone is not enough: this one holds sound.
        { Bytes("RIFF\0\0\0\0WAVEfmt "), "the file is not an image that the board accepts: only JPEG, PNG, GIF and WebP images can be posted" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void Other_files_are_refused_with_a_reason_that_names_them(byte[] file, string reason)
    {
        var result = ImageSniffer.Sniff(file);

        Assert.Null(result.Format);
        Assert.Equal(reason, result.Reason);
    }

    [Theory]
    [InlineData("<script>alert(1)</script>", "<script")]
    [InlineData("<!DOCTYPE html>", "<!doctype")]
    [InlineData("<HTML><BODY>", "<html")]
    [InlineData("<iframe src=x>", "<iframe")]
    public void An_image_that_is_also_HTML_in_its_first_kilobyte_is_refused(string html, string marker)
    {
        var file = Bytes("GIF89a", new byte[300], html, Padding);

        var result = ImageSniffer.Sniff(file);

        Assert.Null(result.Format);
        Assert.Equal($"the file starts like a GIF image but is also an HTML document (it contains \"{marker}\" in its first kilobyte)", result.Reason);
    }

    [Fact]
    public void HTML_after_the_first_kilobyte_is_not_what_browsers_sniff()
    {
        var file = Bytes("GIF89a", new byte[ImageSniffer.HtmlWindow], "<script>");

        Assert.Equal(ImageFormat.Gif, ImageSniffer.Sniff(file).Format);
    }

    [Fact]
    public void An_image_with_a_zip_archive_appended_is_refused()
    {
        var file = Bytes(JpegStart, Padding, TestImages.Zip());

        var result = ImageSniffer.Sniff(file);

        Assert.Null(result.Format);
        Assert.Equal("the file is a JPEG image with a ZIP archive inside it", result.Reason);
    }

    [Fact]
    public void A_zip_local_header_is_found_anywhere_in_the_file()
    {
        // Version needed 2.0, then the rest of a local header, followed by a megabyte of picture.
        var file = Bytes(JpegStart, Padding, "PK\x03\x04\x14\0\0\0\x08\0", new byte[1024 * 1024]);

        Assert.True(ImageSniffer.ContainsZip(file));
    }

    [Fact]
    public void A_zip_end_record_counts_only_where_zip_readers_look_for_it()
    {
        var endRecord = Bytes("PK\x05\x06", new byte[18]);
        var nearEnd = Bytes(JpegStart, Padding, endRecord, new byte[1000]);
        var farFromEnd = Bytes(JpegStart, endRecord, new byte[ImageSniffer.ZipTailWindow + 10]);

        Assert.True(ImageSniffer.ContainsZip(nearEnd));
        Assert.False(ImageSniffer.ContainsZip(farFromEnd));
    }

    [Fact]
    public void Signature_bytes_that_occur_by_chance_in_compressed_pixels_are_not_a_zip()
    {
        // "PK\3\4" followed by an implausible version, and "PK\5\6" followed by non-zero disk numbers.
        var file = Bytes(JpegStart, "PK\x03\x04\xC7\x91", Padding, "PK\x05\x06\x13\x37\0\0", new byte[30]);

        Assert.False(ImageSniffer.ContainsZip(file));
        Assert.Equal(ImageFormat.Jpeg, ImageSniffer.Sniff(file).Format);
    }
}
