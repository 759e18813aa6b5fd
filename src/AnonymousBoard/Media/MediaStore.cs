using AnonymousBoard.Storage;

namespace AnonymousBoard.Media;

/// <summary>
/// Processed images on disk, named by the SHA-256 of their bytes: <c>media/ab/abcd….jpg</c> and
/// <c>media/ab/abcd…-thumb.webp</c>. The same picture posted twice is one pair of files. Files are
/// written under <c>media-incoming/</c> and renamed into place, so <c>media/</c> only ever holds
/// complete files; both live in the data directory, on one file system, so the rename is atomic.
/// </summary>
public sealed class MediaStore
{
    private const string ThumbnailSuffix = "-thumb.webp";

    private readonly string _incoming;

    public MediaStore(string dataDirectory)
    {
        MediaDirectory = Path.Combine(dataDirectory, "media");
        _incoming = Path.Combine(dataDirectory, "media-incoming");
    }

    /// <summary>The folder to serve under /media/: it holds nothing but complete, re-encoded files.</summary>
    public string MediaDirectory { get; }

    /// <summary>Where the picture is under <see cref="MediaDirectory"/>, with '/' separators, for URLs: "ab/abcd….jpg".</summary>
    public static string ContentPath(string hash, ImageFormat format)
    {
        ArgumentNullException.ThrowIfNull(format);
        return $"{Shard(hash)}/{hash}.{format.Extension}";
    }

    /// <summary>Where the thumbnail is under <see cref="MediaDirectory"/>: "ab/abcd…-thumb.webp".</summary>
    public static string ThumbnailPath(string hash) => $"{Shard(hash)}/{hash}{ThumbnailSuffix}";

    /// <summary>Stores the picture and its thumbnail; false when they were already stored.</summary>
    public bool Save(ProcessedImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        // Thumbnail first: once the picture is in place, both are.
        var thumbnailWritten = WriteOnce(ThumbnailPath(image.ContentHash), image.Thumbnail);
        var contentWritten = WriteOnce(ContentPath(image.ContentHash, image.Format), image.Content);
        return thumbnailWritten || contentWritten;
    }

    /// <summary>Removes the picture and thumbnail of this hash; returns how many files were removed.</summary>
    public int Delete(string hash)
    {
        var removed = 0;
        foreach (var path in ImageFormat.All.Select(f => ContentPath(hash, f)).Append(ThumbnailPath(hash)))
        {
            var full = FullPath(path);
            if (File.Exists(full))
            {
                File.Delete(full);
                removed++;
            }
        }

        return removed;
    }

    /// <summary>At start-up: removes half-written files a crash left in <c>media-incoming/</c>; returns how many.</summary>
    public int RemoveUnfinished()
    {
        if (!Directory.Exists(_incoming))
        {
            return 0;
        }
        var removed = 0;
        foreach (var leftover in Directory.EnumerateFiles(_incoming))
        {
            File.Delete(leftover);
            removed++;
        }
        return removed;
    }

    /// <summary>Every hash with a picture or a thumbnail on disk, sorted, to compare with the database.</summary>
    public IReadOnlyList<string> ListHashes()
    {
        if (!Directory.Exists(MediaDirectory))
        {
            return [];
        }

        return Directory.EnumerateFiles(MediaDirectory, "*", SearchOption.AllDirectories)
            .Select(path => Path.GetFileName(path))
            .Select(name => name.Length > 64 ? name[..64] : "")
            .Where(Sha256Hex.IsValid)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    private bool WriteOnce(string relativePath, byte[] bytes)
    {
        var target = FullPath(relativePath);
        if (File.Exists(target))
        {
            return false;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        Directory.CreateDirectory(_incoming);
        var temporary = Path.Combine(_incoming, Guid.NewGuid().ToString("N"));
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
            {
                file.Write(bytes);
                // On disk before the rename, or a crash could leave an empty file under the final name.
                file.Flush(flushToDisk: true);
            }

            // Two posts of the same picture may race here; both wrote the same bytes, either may win.
            File.Move(temporary, target, overwrite: true);
            // The rename itself on disk before the post that shows the file is committed: else a
            // power cut could keep the post (SQLite syncs its own files) and lose the file's name.
            FileSync.Directory(Path.GetDirectoryName(target)!);
            return true;
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private string FullPath(string relativePath) => Path.Combine(MediaDirectory, relativePath);

    private static string Shard(string hash)
    {
        if (!Sha256Hex.IsValid(hash))
        {
            throw new ArgumentException("a media hash is 64 lower-case hex digits", nameof(hash));
        }

        return hash[..2];
    }
}
