using AnonymousBoard.Media;

namespace AnonymousBoard.Tests.Media;

/// <summary>Real uploads through real libvips: what comes out is upright, complete and says nothing about its author.</summary>
public sealed class ImagePipelineTests : IDisposable
{
    private readonly MediaScratch _scratch = new();
    private readonly ImagePipeline _pipeline;
    private readonly MediaStore _store;

    public ImagePipelineTests()
    {
        _pipeline = new ImagePipeline(_scratch.Runner());
        _store = new MediaStore(_scratch.DataDirectory);
    }

    public void Dispose() => _scratch.Dispose();

    private async Task<ProcessedImage> Accept(string file)
    {
        await using var upload = File.OpenRead(file);
        var outcome = await _pipeline.ProcessAsync(upload, new ImageLimits(), CancellationToken.None);
        _scratch.AssertNoJobLeft();
        var accepted = Assert.IsType<ImageAccepted>(outcome);
        return accepted.Image;
    }

    private (string Content, string Thumbnail) Store(ProcessedImage image)
    {
        _store.Save(image);
        return (Path.Combine(_store.MediaDirectory, MediaStore.ContentPath(image.ContentHash, image.Format)),
            Path.Combine(_store.MediaDirectory, MediaStore.ThumbnailPath(image.ContentHash)));
    }

    /// <summary>
    /// exiftool's groups for what the re-encoded file is made of; any other group (IFD0, GPS, XMP-*,
    /// IPTC, ICC_Profile, MakerNotes, ...) is metadata that survived.
    /// </summary>
    private static readonly string[] StructuralGroups = ["SourceFile", "ExifTool", "System", "File", "Composite", "PNG", "PNG-pHYs", "GIF", "RIFF"];

    private static readonly string[] IdentifyingTags =
        ["Make", "Model", "SerialNumber", "Orientation", "ThumbnailImage", "Comment", "Creator", "Description", "Keywords", "By-line", "ProfileDescription"];

    private static void AssertNoMetadata(string file)
    {
        var tags = Tools.Tags(file);
        Assert.All(tags, tag => Assert.Contains(tag.Split(':')[0], StructuralGroups));
        Assert.DoesNotContain(tags, tag => tag.Contains("GPS", StringComparison.Ordinal));
        Assert.DoesNotContain(tags, tag => IdentifyingTags.Contains(tag.Split(':')[^1]));
    }

    private static void AssertBright(string file, int x, int y) => Assert.All(Tools.Pixel(file, x, y), v => Assert.True(v > 200, $"({x},{y}) is {v}, not white"));

    private static void AssertDark(string file, int x, int y) => Assert.All(Tools.Pixel(file, x, y), v => Assert.True(v < 60, $"({x},{y}) is {v}, not black"));

    [Fact]
    public async Task A_phone_JPEG_loses_every_tag_and_is_turned_upright()
    {
        var jpeg = TestImages.Marked(_scratch, "phone.jpg[profile=srgb]");
        TestImages.AddIdentifyingMetadata(_scratch, jpeg, embeddedThumbnail: true);
        // The test is only as good as its input: the tags really are there before.
        var before = Tools.Tags(jpeg);
        Assert.Contains("GPS:GPSLatitude", before);
        Assert.Contains("IFD1:ThumbnailImage", before);
        Assert.Contains("ICC_Profile:ProfileDescription", before);
        Assert.Contains("XMP-dc:Creator", before);
        Assert.Contains("IPTC:Keywords", before);

        var image = await Accept(jpeg);
        var (content, thumbnail) = Store(image);

        AssertNoMetadata(content);
        AssertNoMetadata(thumbnail);
        // Orientation 6 means "turn 90° clockwise to view": 60×40 becomes 40×60, and the white
        // square moves from the top-left corner to the top-right one.
        Assert.Equal((40, 60), (image.Width, image.Height));
        AssertBright(content, 35, 4);
        AssertDark(content, 4, 4);
        AssertDark(content, 35, 55);
        Assert.Equal((40, 60), (image.ThumbnailWidth, image.ThumbnailHeight));
        AssertBright(thumbnail, 35, 4);
        AssertDark(thumbnail, 4, 4);
    }

    [Fact]
    public async Task The_result_describes_the_stored_files()
    {
        var jpeg = TestImages.Marked(_scratch, "plain.jpg");
        var upload = await File.ReadAllBytesAsync(jpeg);

        var image = await Accept(jpeg);

        Assert.Equal(ImageFormat.Jpeg, image.Format);
        Assert.Equal("image/jpeg", image.ContentType);
        Assert.Equal((60, 40, 1), (image.Width, image.Height, image.Frames));
        Assert.Equal(Sha256Hex.Of(upload), image.UploadHash);
        Assert.Equal(Sha256Hex.Of(image.Content), image.ContentHash);
        Assert.NotEqual(image.UploadHash, image.ContentHash);
        Assert.Equal(image.Content.Length, image.ByteSize);
        Assert.Equal(image.Thumbnail.Length, image.ThumbnailByteSize);
        Assert.True(ImageSniffer.FormatOf(image.Thumbnail) == ImageFormat.WebP);
    }

    [Fact]
    public async Task A_PNG_with_EXIF_orientation_and_tags_comes_out_upright_and_bare()
    {
        var png = TestImages.Marked(_scratch, "screenshot.png");
        TestImages.AddIdentifyingMetadata(_scratch, png, embeddedThumbnail: false);
        Assert.Contains("GPS:GPSLatitude", Tools.Tags(png));

        var image = await Accept(png);
        var (content, thumbnail) = Store(image);

        Assert.Equal(ImageFormat.Png, image.Format);
        AssertNoMetadata(content);
        AssertNoMetadata(thumbnail);
        Assert.Equal((40, 60), (image.Width, image.Height));
        AssertBright(content, 35, 4);
        AssertDark(content, 4, 4);
    }

    [Fact]
    public async Task A_WebP_stays_WebP_without_the_metadata_libvips_would_keep()
    {
        var webp = TestImages.Marked(_scratch, "picture.webp[Q=95]");
        TestImages.AddIdentifyingMetadata(_scratch, webp, embeddedThumbnail: false);
        Assert.Contains("GPS:GPSLatitude", Tools.Tags(webp));

        var image = await Accept(webp);
        var (content, thumbnail) = Store(image);

        Assert.Equal(ImageFormat.WebP, image.Format);
        AssertNoMetadata(content);
        AssertNoMetadata(thumbnail);
        Assert.Equal((40, 60), (image.Width, image.Height));
        AssertBright(content, 35, 4);
        AssertDark(content, 4, 4);
    }

    [Fact]
    public async Task An_animated_GIF_keeps_its_frames_and_gets_a_still_thumbnail()
    {
        var gif = TestImages.AnimatedGif(_scratch, "animated.gif");
        Tools.ExifTool(gif, "-Comment=made by Alice");

        var image = await Accept(gif);
        var (content, thumbnail) = Store(image);

        Assert.Equal(ImageFormat.Gif, image.Format);
        Assert.Equal((20, 20, 3), (image.Width, image.Height, image.Frames));
        Assert.Equal(3, Tools.HeaderNumber(content, "n-pages"));
        AssertNoMetadata(content);
        AssertNoMetadata(thumbnail);
        Assert.Equal((20, 20), (image.ThumbnailWidth, image.ThumbnailHeight));
        // The first frame is red.
        var pixel = Tools.Pixel(thumbnail, 10, 10);
        Assert.True(pixel[0] > 200 && pixel[1] < 60 && pixel[2] < 60, string.Join(' ', pixel));
    }

    [Fact]
    public async Task The_same_picture_posted_twice_is_stored_once()
    {
        var jpeg = TestImages.Marked(_scratch, "twice.jpg");

        var first = await Accept(jpeg);
        var second = await Accept(jpeg);

        Assert.Equal(first.ContentHash, second.ContentHash);
        Assert.True(_store.Save(first));
        Assert.False(_store.Save(second));
        Assert.Equal([first.ContentHash], _store.ListHashes());
        Assert.Equal(2, Directory.EnumerateFiles(_store.MediaDirectory, "*", SearchOption.AllDirectories).Count());
    }

    [Fact]
    public async Task A_large_picture_gets_a_thumbnail_that_fits_the_box()
    {
        var noise = TestImages.Noise(_scratch, "noise.png", 1200, 900);

        var image = await Accept(noise);

        Assert.Equal((250, 188), (image.ThumbnailWidth, image.ThumbnailHeight));
        Assert.InRange(image.Thumbnail.Length, 1, ImagePipeline.ThumbnailTargetBytes);
    }

    [Fact]
    public async Task A_thumbnail_over_the_byte_budget_is_saved_again_at_lower_quality()
    {
        // Fine detail at thumbnail size is not smoothed by shrinking: at the first quality (80) it
        // is about 14 KB, at 60 about 10 KB.
        var noise = TestImages.Noise(_scratch, "noise.png", 250, 188, blur: 0.7);
        using (var picture = NetVips.Image.NewFromFile(noise))
        {
            picture.Webpsave(_scratch.PathOf("first-quality.webp"), q: 80);
        }
        Assert.True(new FileInfo(_scratch.PathOf("first-quality.webp")).Length > ImagePipeline.ThumbnailTargetBytes);

        var image = await Accept(noise);

        Assert.Equal((250, 188), (image.ThumbnailWidth, image.ThumbnailHeight));
        Assert.InRange(image.Thumbnail.Length, 1, ImagePipeline.ThumbnailTargetBytes);
    }
}
