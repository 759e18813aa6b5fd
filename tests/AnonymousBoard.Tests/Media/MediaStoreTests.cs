using System.Text;
using AnonymousBoard.Media;

namespace AnonymousBoard.Tests.Media;

public sealed class MediaStoreTests : IDisposable
{
    private readonly MediaScratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    private static ProcessedImage Image(string content, ImageFormat format)
    {
        var bytes = Encoding.UTF8.GetBytes(content);
        var hash = Sha256Hex.Of(bytes);
        return new ProcessedImage(format, hash, hash, 10, 10, 1, bytes, 5, 5, Encoding.UTF8.GetBytes("thumb of " + content));
    }

    private List<string> FilesUnderData() =>
        Directory.EnumerateFiles(_scratch.DataDirectory, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(_scratch.DataDirectory, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();

    [Fact]
    public void A_picture_and_its_thumbnail_are_stored_under_the_hash_of_the_picture()
    {
        var store = new MediaStore(_scratch.DataDirectory);
        var image = Image("picture", ImageFormat.Png);

        Assert.True(store.Save(image));

        var shard = image.ContentHash[..2];
        Assert.Equal([$"media/{shard}/{image.ContentHash}-thumb.webp", $"media/{shard}/{image.ContentHash}.png"], FilesUnderData());
        Assert.Equal("picture", File.ReadAllText(Path.Combine(store.MediaDirectory, MediaStore.ContentPath(image.ContentHash, ImageFormat.Png))));
        Assert.Equal("thumb of picture", File.ReadAllText(Path.Combine(store.MediaDirectory, MediaStore.ThumbnailPath(image.ContentHash))));
    }

    [Fact]
    public void A_directory_can_be_synced_and_a_missing_one_is_an_error()
    {
        // The call that makes a rename durable: it must reach the kernel, not silently do nothing.
        AnonymousBoard.Storage.FileSync.Directory(_scratch.DataDirectory);
        var missing = Assert.Throws<IOException>(() => AnonymousBoard.Storage.FileSync.Directory(Path.Combine(_scratch.DataDirectory, "missing")));
        Assert.Contains("errno 2", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Half_written_files_a_crash_left_are_removed_and_finished_ones_kept()
    {
        var store = new MediaStore(_scratch.DataDirectory);
        var image = Image("kept", ImageFormat.Png);
        store.Save(image);
        var incoming = Directory.CreateDirectory(Path.Combine(_scratch.DataDirectory, "media-incoming")).FullName;
        File.WriteAllText(Path.Combine(incoming, "0123456789abcdef"), "half of a picture");

        Assert.Equal(1, store.RemoveUnfinished());
        Assert.Empty(Directory.EnumerateFileSystemEntries(incoming));
        Assert.Equal([image.ContentHash], store.ListHashes());
    }

    [Fact]
    public void The_same_picture_saved_twice_is_stored_once()
    {
        var store = new MediaStore(_scratch.DataDirectory);
        var image = Image("picture", ImageFormat.Jpeg);

        Assert.True(store.Save(image));
        Assert.False(store.Save(image with { UploadHash = Sha256Hex.Of("another upload"u8) }));

        Assert.Equal(2, FilesUnderData().Count);
    }

    [Fact]
    public void Stored_hashes_are_listed_and_deleted()
    {
        var store = new MediaStore(_scratch.DataDirectory);
        var first = Image("first", ImageFormat.Gif);
        var second = Image("second", ImageFormat.WebP);
        store.Save(first);
        store.Save(second);

        Assert.Equal(new[] { first.ContentHash, second.ContentHash }.Order(StringComparer.Ordinal), store.ListHashes());

        Assert.Equal(2, store.Delete(first.ContentHash));
        Assert.Equal(0, store.Delete(first.ContentHash));
        Assert.Equal([second.ContentHash], store.ListHashes());
    }

    [Fact]
    public void Nothing_is_left_in_the_incoming_folder_and_nothing_half_written_is_in_media()
    {
        var store = new MediaStore(_scratch.DataDirectory);

        store.Save(Image("picture", ImageFormat.Png));

        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_scratch.DataDirectory, "media-incoming")));
        Assert.All(FilesUnderData(), f => Assert.Matches("^media/[0-9a-f]{2}/[0-9a-f]{64}(\\.png|-thumb\\.webp)$", f));
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789")]
    [InlineData("")]
    public void Anything_but_a_lower_case_hash_is_refused_as_a_name(string hash)
    {
        var store = new MediaStore(_scratch.DataDirectory);

        Assert.Throws<ArgumentException>(() => store.Delete(hash));
        Assert.Throws<ArgumentException>(() => MediaStore.ThumbnailPath(hash));
    }

    [Fact]
    public void An_empty_store_lists_nothing()
    {
        Assert.Empty(new MediaStore(_scratch.DataDirectory).ListHashes());
    }
}
