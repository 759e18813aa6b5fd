using System.Globalization;

namespace AnonymousBoard.Media;

/// <summary>
/// Turns an upload into an image the board may serve. The rule it keeps: no uploaded byte reaches a
/// reader unless libvips decoded it and wrote it anew. In order: copy to a private directory while
/// counting bytes, decide the format from the bytes, read the header and refuse bombs, decode with
/// the format's own loader, turn the pixels upright by EXIF orientation, write the picture again
/// with no metadata at all, make a thumbnail, hash both the upload and the result.
/// </summary>
public sealed class ImagePipeline(VipsRunner runner)
{
    public const int ThumbnailBox = 250;

    /// <summary>Thumbnails fill the index pages, and every byte of them crosses Tor.</summary>
    public const int ThumbnailTargetBytes = 12 * 1024;

    private static readonly int[] ThumbnailQualities = [80, 70, 60, 50, 40, 30];

    // Fixed names inside the job's own directory: nothing the poster chose is ever a path.
    private const string UploadFile = "upload";
    private const string UprightFile = "upright.png";
    private const string ThumbnailSource = "thumbnail.png";
    private const string ThumbnailFile = "thumbnail.webp";

    private const string NotRewritten = "the image could not be written again";

    public bool IsAvailable => runner.IsAvailable;

    /// <summary>Why image posting is off on this machine, for the posting form; null when it works.</summary>
    public string? UnavailableReason => runner.UnavailableReason;

    public async Task<ImageOutcome> ProcessAsync(Stream upload, ImageLimits limits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        ArgumentNullException.ThrowIfNull(limits);
        if (runner.UnavailableReason is { } unavailable)
        {
            return new ImageRejected(unavailable);
        }

        using var job = runner.CreateJob();
        var outcome = await ProcessInJobAsync(job, upload, limits, cancellationToken);
        // A step that failed because of the server, not the file, must not be blamed on the file.
        return outcome is ImageRejected && job.ServerFault is { } fault ? new ImageFailed(fault) : outcome;
    }

    private static async Task<ImageOutcome> ProcessInJobAsync(VipsJob job, Stream upload, ImageLimits limits, CancellationToken cancellationToken)
    {
        if (!await SaveUploadAsync(upload, job.PathOf(UploadFile), limits.MaxBytes, cancellationToken))
        {
            return new ImageRejected(limits.TooLarge());
        }

        var original = await File.ReadAllBytesAsync(job.PathOf(UploadFile), cancellationToken);
        var sniffed = ImageSniffer.Sniff(original);
        if (sniffed.Format is not { } format)
        {
            return new ImageRejected(sniffed.Reason!);
        }

        // Header first: a small file can claim a picture that would need gigabytes once decoded.
        var (header, headerProblem) = await ReadHeaderAsync(job, UploadFile, cancellationToken);
        if (header is null)
        {
            return new ImageRejected(headerProblem!);
        }

        if (header.Loader != format.Loader)
        {
            return new ImageRejected($"the file starts like a {format.Name} image but is not one");
        }

        var frames = format.Animates ? await ReadNumberAsync(job, "n-pages", UploadFile, cancellationToken) ?? 1 : 1;
        var overLimit = limits.Check(header.Width, header.Height, frames);
        if (overLimit is not null)
        {
            return new ImageRejected(overLimit);
        }

        var content = "content." + format.Extension;
        var reencodeProblem = await ReencodeAsync(job, format, frames, content, cancellationToken);
        if (reencodeProblem is not null)
        {
            return new ImageRejected(reencodeProblem);
        }

        var (picture, pictureProblem) = await ReadHeaderAsync(job, content, cancellationToken);
        if (picture is null)
        {
            return new ImageRejected(pictureProblem!);
        }

        var (thumbnail, thumbnailProblem) = await MakeThumbnailAsync(job, content, cancellationToken);
        if (thumbnail is null)
        {
            return new ImageRejected(thumbnailProblem!);
        }

        var contentBytes = await ReadOutputAsync(job, content, cancellationToken);
        if (contentBytes is null)
        {
            return new ImageRejected(NotRewritten);
        }

        return new ImageAccepted(new ProcessedImage(
            format,
            Sha256Hex.Of(contentBytes),
            Sha256Hex.Of(original),
            picture.Width,
            picture.Height,
            frames,
            contentBytes,
            thumbnail.Width,
            thumbnail.Height,
            thumbnail.Bytes));
    }

    /// <summary>
    /// Copies the upload to disk and stops reading one byte past the limit, so an endless or huge
    /// upload costs at most <paramref name="maxBytes"/> of reading and of disk.
    /// </summary>
    private static async Task<bool> SaveUploadAsync(Stream upload, string path, long maxBytes, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        var buffer = new byte[64 * 1024];
        long total = 0;
        while (true)
        {
            var wanted = (int)Math.Min(buffer.Length, maxBytes + 1 - total);
            var read = await upload.ReadAsync(buffer.AsMemory(0, wanted), cancellationToken);
            if (read == 0)
            {
                return true;
            }

            total += read;
            if (total > maxBytes)
            {
                return false;
            }

            await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }
    }

    /// <summary>
    /// Decodes the upload with the loader of its sniffed format and writes it again with every kind
    /// of metadata stripped (EXIF with GPS and camera, XMP, IPTC, ICC, comments, embedded thumbnails).
    /// The orientation recorded in EXIF is applied to the pixels first, as stripping removes it.
    /// </summary>
    private static async Task<string?> ReencodeAsync(VipsJob job, ImageFormat format, int frames, string content, CancellationToken cancellationToken)
    {
        var saveAs = content + format.SaveOptions;
        // Truncated files fail instead of coming out padded with grey.
        List<string> load = [format.Loader, UploadFile, saveAs, "--fail-on", "truncated"];
        // Exactly the frames that were counted against the limits; when the count could not be read
        // that is 1, and only the first frame is decoded.
        if (frames > 1)
        {
            load.AddRange(["--n", frames.ToString(CultureInfo.InvariantCulture)]);
        }

        // JPEG's loader applies EXIF orientation itself. PNG (eXIf) and WebP can carry one too, for
        // which libvips has no loader option: decode losslessly, keep the EXIF, then autorot. An
        // animation is left as it is; autorot would turn its whole strip of frames.
        var orientation = 1;
        if (format == ImageFormat.Jpeg)
        {
            load.Add("--autorotate");
        }
        else if (format != ImageFormat.Gif && frames == 1)
        {
            orientation = await ReadNumberAsync(job, "orientation", UploadFile, cancellationToken) ?? 1;
        }

        if (orientation is < 2 or > 8)
        {
            return (await job.VipsAsync(load, cancellationToken)).Reason;
        }

        load[2] = UprightFile;
        var decoded = await job.VipsAsync(load, cancellationToken);
        if (!decoded.Succeeded)
        {
            return decoded.Reason;
        }

        // From here vips reads only a file it wrote itself.
        return (await job.VipsAsync(["autorot", UprightFile, saveAs], cancellationToken)).Reason;
    }

    /// <summary>
    /// A WebP that fits in <see cref="ThumbnailBox"/> square (never enlarged), made from the re-encoded
    /// picture, so it carries nothing the picture does not. Quality steps down until it is under
    /// <see cref="ThumbnailTargetBytes"/>, or the lowest step is reached.
    /// </summary>
    private static async Task<(Thumbnail? Thumbnail, string? Reason)> MakeThumbnailAsync(VipsJob job, string content, CancellationToken cancellationToken)
    {
        var box = ThumbnailBox.ToString(CultureInfo.InvariantCulture);
        var shrunk = await job.VipsAsync(["thumbnail", content, ThumbnailSource, box, "--height", box, "--size", "down"], cancellationToken);
        if (!shrunk.Succeeded)
        {
            return (null, shrunk.Reason);
        }

        byte[]? bytes = null;
        foreach (var quality in ThumbnailQualities)
        {
            var saved = await job.VipsAsync(
                ["webpsave", ThumbnailSource, ThumbnailFile, "--Q", quality.ToString(CultureInfo.InvariantCulture), "--strip"],
                cancellationToken);
            if (!saved.Succeeded)
            {
                return (null, saved.Reason);
            }

            bytes = await ReadOutputAsync(job, ThumbnailFile, cancellationToken);
            if (bytes is null || bytes.Length <= ThumbnailTargetBytes)
            {
                break;
            }
        }

        var (size, problem) = await ReadHeaderAsync(job, ThumbnailFile, cancellationToken);
        if (bytes is null || size is null)
        {
            return (null, problem ?? NotRewritten);
        }

        return (new Thumbnail(bytes, size.Width, size.Height), null);
    }

    /// <summary>A file vips wrote, with the metadata that libvips 8.14.1 leaves in WebP removed.</summary>
    private static async Task<byte[]?> ReadOutputAsync(VipsJob job, string file, CancellationToken cancellationToken)
    {
        var bytes = await File.ReadAllBytesAsync(job.PathOf(file), cancellationToken);
        return file.EndsWith(".webp", StringComparison.Ordinal) ? WebPMetadata.Strip(bytes) : bytes;
    }

    private sealed record Thumbnail(byte[] Bytes, int Width, int Height);

    private sealed record Header(int Width, int Height, string Loader);

    /// <summary>
    /// Size and loader from the one-line summary of vipsheader, "upload: 60x40 uchar, 3 bands, srgb,
    /// jpegload". Not <c>vipsheader -a</c>: it lists EXIF strings, and a newline inside one can fake a
    /// "width:" line.
    /// </summary>
    private static async Task<(Header? Header, string? Reason)> ReadHeaderAsync(VipsJob job, string file, CancellationToken cancellationToken)
    {
        var run = await job.HeaderAsync([file], cancellationToken);
        if (!run.Succeeded)
        {
            return (null, run.Reason);
        }

        var prefix = file + ": ";
        var line = run.Output.Split('\n')[0].TrimEnd();
        if (line.StartsWith(prefix, StringComparison.Ordinal))
        {
            var parts = line[prefix.Length..].Split(", ");
            var size = parts[0].Split(' ')[0].Split('x');
            if (parts.Length >= 2
                && size.Length == 2
                && int.TryParse(size[0], NumberStyles.None, CultureInfo.InvariantCulture, out var width)
                && int.TryParse(size[1], NumberStyles.None, CultureInfo.InvariantCulture, out var height))
            {
                return (new Header(width, height, parts[^1]), null);
            }
        }

        return (null, "the image header could not be read");
    }

    /// <summary>
    /// One whole-number header field, or null when it cannot be read. A still WebP has no "n-pages"
    /// and most images no "orientation", so a missing field is normal; callers fall back to 1.
    /// </summary>
    private static async Task<int?> ReadNumberAsync(VipsJob job, string field, string file, CancellationToken cancellationToken)
    {
        var run = await job.HeaderAsync(["-f", field, file], cancellationToken);
        return run.Succeeded && int.TryParse(run.Output.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
    }
}
