using System.Text;
using AnonymousBoard.Media;

namespace AnonymousBoard.Tests.Media;

/// <summary>Every bad upload is refused with a reason a poster can act on, and leaves nothing behind.</summary>
public sealed class ImagePipelineRefusalTests : IDisposable
{
    private readonly MediaScratch _scratch = new();
    private readonly ImagePipeline _pipeline;

    public ImagePipelineRefusalTests() => _pipeline = new ImagePipeline(_scratch.Runner());

    public void Dispose() => _scratch.Dispose();

    private async Task<string> Refuse(byte[] upload, ImageLimits? limits = null)
    {
        var outcome = await _pipeline.ProcessAsync(new MemoryStream(upload), limits ?? new ImageLimits(), CancellationToken.None);
        _scratch.AssertNoJobLeft();
        return Assert.IsType<ImageRejected>(outcome).Reason;
    }

    [Fact]
    public async Task Text_is_not_an_image()
    {
        Assert.Equal(
            "the file is not an image that the board accepts: only JPEG, PNG, GIF and WebP images can be posted",
            await Refuse(Encoding.UTF8.GetBytes("just some text, named cat.jpg by its sender")));
    }

    [Fact]
    public async Task A_TIFF_is_a_format_the_board_does_not_take()
    {
        TestImages.Marked(_scratch, "scan.tif");

        Assert.Equal(
            "TIFF files are not accepted: only JPEG, PNG, GIF and WebP images can be posted",
            await Refuse(File.ReadAllBytes(_scratch.PathOf("scan.tif"))));
    }

    [Fact]
    public async Task An_SVG_is_a_format_the_board_does_not_take()
    {
        var svg = """<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>""";

        Assert.Equal(
            "SVG files are not accepted: only JPEG, PNG, GIF and WebP images can be posted",
            await Refuse(Encoding.UTF8.GetBytes(svg)));
    }

    [Fact]
    public async Task A_truncated_JPEG_fails_to_decode_instead_of_coming_out_half_grey()
    {
        var photo = TestImages.Noise(_scratch, "photo.jpg", 400, 300);
        var bytes = File.ReadAllBytes(photo);

        var reason = await Refuse(bytes[..(bytes.Length / 2)]);

        Assert.StartsWith("the image could not be decoded: VipsJpeg: premature end of JPEG", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_JPEG_whose_data_is_garbage_fails_to_decode()
    {
        var reason = await Refuse([0xFF, 0xD8, 0xFF, 0xE0, .. new byte[500]]);

        Assert.StartsWith("the image could not be decoded: ", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_PNG_claiming_100000_by_100000_pixels_is_refused_from_its_header()
    {
        var bomb = TestImages.PngClaiming(100_000, 100_000);
        Assert.True(bomb.Length < 200);

        Assert.Equal(
            "the image is 100000×100000 pixels (10000 megapixels); at most 40 megapixels are allowed",
            await Refuse(bomb));
    }

    [Fact]
    public async Task A_GIF_of_thousands_of_frames_is_refused_from_its_header()
    {
        var bomb = TestImages.GifWithFrames(5000);

        // libvips counts the frames from the file's structure alone, without decoding one.
        Assert.Equal("the animation has 5000 frames; at most 300 are allowed", await Refuse(bomb));
    }

    [Fact]
    public async Task An_animation_whose_frames_add_up_to_too_many_pixels_is_refused()
    {
        var gif = TestImages.AnimatedGif(_scratch, "animated.gif", size: 500);

        var reason = await Refuse(File.ReadAllBytes(gif), new ImageLimits { MaxPixels = 500_000 });

        Assert.Equal("the animation is 3 frames of 500×500 pixels (0.75 megapixels); at most 0.5 megapixels are allowed", reason);
    }

    [Fact]
    public async Task An_upload_over_the_size_limit_is_refused_while_it_streams()
    {
        var limits = new ImageLimits { MaxBytes = 1024 * 1024 };
        var endless = new CountingStream(length: 10L * 1024 * 1024 * 1024);

        var outcome = await _pipeline.ProcessAsync(endless, limits, CancellationToken.None);

        Assert.Equal(new ImageRejected("the file is larger than the limit of 1 MiB"), outcome);
        Assert.Equal(limits.MaxBytes + 1, endless.BytesRead);
        _scratch.AssertNoJobLeft();
    }

    [Fact]
    public async Task A_JPEG_that_is_also_HTML_is_refused()
    {
        var jpeg = TestImages.Marked(_scratch, "polyglot.jpg");
        Tools.ExifTool(jpeg, "-Comment=<html><script>alert(document.cookie)</script></html>");

        Assert.Equal(
            "the file starts like a JPEG image but is also an HTML document (it contains \"<html\" in its first kilobyte)",
            await Refuse(File.ReadAllBytes(jpeg)));
    }

    [Fact]
    public async Task A_valid_JPEG_with_a_ZIP_archive_appended_is_refused()
    {
        var jpeg = File.ReadAllBytes(TestImages.Marked(_scratch, "carrier.jpg"));

        Assert.Equal("the file is a JPEG image with a ZIP archive inside it", await Refuse([.. jpeg, .. TestImages.Zip()]));
    }

    [Fact]
    public async Task An_empty_upload_is_refused()
    {
        Assert.Equal("the file is empty", await Refuse([]));
    }
}
