using System.Globalization;

namespace AnonymousBoard.Media;

/// <summary>
/// Turns an upload into an image the board may serve. The rule it keeps: no uploaded byte reaches a
/// reader unless libvips decoded it and wrote it anew. Here, in the board: copy to a private
/// directory while counting bytes, decide the format from the bytes, and after the worker, check
/// what it wrote and hash both the upload and the result. In the worker (<see cref="ImageWorker"/>):
/// read the header and refuse bombs, decode with the format's own loader, turn the pixels upright by
/// EXIF orientation, write the picture again with no metadata at all, make a thumbnail.
/// </summary>
public sealed class ImagePipeline(VipsRunner runner)
{
    public const int ThumbnailBox = 250;

    /// <summary>Thumbnails fill the index pages, and every byte of them crosses Tor.</summary>
    public const int ThumbnailTargetBytes = 12 * 1024;

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
        var outcome = await ProcessInJobAsync(job, upload, limits, runner.Settings.ThreadsPerWorker, cancellationToken);
        // A step that failed because of the server, not the file, must not be blamed on the file.
        return outcome is ImageRejected && job.ServerFault is { } fault ? new ImageFailed(fault) : outcome;
    }

    private static async Task<ImageOutcome> ProcessInJobAsync(VipsJob job, Stream upload, ImageLimits limits, int threads, CancellationToken cancellationToken)
    {
        if (!await SaveUploadAsync(upload, job.PathOf(ImageWorker.UploadFile), limits.MaxBytes, cancellationToken))
        {
            return new ImageRejected(limits.TooLarge());
        }

        var original = await File.ReadAllBytesAsync(job.PathOf(ImageWorker.UploadFile), cancellationToken);
        var sniffed = ImageSniffer.Sniff(original);
        if (sniffed.Format is not { } format)
        {
            return new ImageRejected(sniffed.Reason!);
        }

        var run = await job.WorkerAsync(
            [format.Name, N(limits.MaxPixels), N(limits.MaxFrames), N(threads)],
            cancellationToken);
        if (!run.Succeeded)
        {
            return new ImageRejected(run.Reason!);
        }

        var result = await ReadResultAsync(job, cancellationToken);
        if (result is null)
        {
            return new ImageRejected(NotRewritten);
        }

        if (result.Rejected is { } reason)
        {
            return new ImageRejected(reason);
        }

        // The worker's word is checked against its files: the right format, the size it reported,
        // within the limits, a thumbnail that fits its box.
        var content = await ReadIfPresentAsync(job.PathOf(ImageWorker.ContentFile(format)), cancellationToken);
        var thumbnail = await ReadIfPresentAsync(job.PathOf(ImageWorker.ThumbnailFile), cancellationToken);
        if (content is null || thumbnail is null
            || ImageSize.Of(content, format) != (result.Width, result.Height)
            || ImageSize.Of(thumbnail, ImageFormat.WebP) != (result.ThumbnailWidth, result.ThumbnailHeight)
            || result.Frames < 1 || (result.Frames > 1 && !format.Animates)
            || limits.Check(result.Width, result.Height, result.Frames) is not null
            || result.ThumbnailWidth > ThumbnailBox || result.ThumbnailHeight > ThumbnailBox)
        {
            return new ImageRejected(NotRewritten);
        }

        return new ImageAccepted(new ProcessedImage(
            format,
            Sha256Hex.Of(content),
            Sha256Hex.Of(original),
            result.Width,
            result.Height,
            result.Frames,
            content,
            result.ThumbnailWidth,
            result.ThumbnailHeight,
            thumbnail));
    }

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static async Task<byte[]?> ReadIfPresentAsync(string path, CancellationToken cancellationToken) =>
        File.Exists(path) ? await File.ReadAllBytesAsync(path, cancellationToken) : null;

    /// <summary>What the worker answered in its result file (see <see cref="ImageWorker"/>).</summary>
    private sealed record WorkerResult(string? Rejected, int Width, int Height, int Frames, int ThumbnailWidth, int ThumbnailHeight);

    /// <summary>
    /// The result file, read strictly: a known first line, then for an acceptance exactly the five
    /// numbered fields in their order; anything else is no answer. At most 1 KiB is read.
    /// </summary>
    private static async Task<WorkerResult?> ReadResultAsync(VipsJob job, CancellationToken cancellationToken)
    {
        var path = job.PathOf(ImageWorker.ResultFile);
        if (!File.Exists(path) || new FileInfo(path).Length > 1024)
        {
            return null;
        }

        var lines = (await File.ReadAllTextAsync(path, cancellationToken)).Split('\n');
        if (lines is ["rejected", var reason, ""] && reason.Length is > 0 and <= 300 && reason.All(c => c is >= ' ' and <= '~' or '×'))
        {
            return new WorkerResult(reason, 0, 0, 0, 0, 0);
        }

        string[] fields = ["width", "height", "frames", "thumbnail-width", "thumbnail-height"];
        if (lines.Length != fields.Length + 2 || lines[0] != "accepted" || lines[^1] != "")
        {
            return null;
        }

        var numbers = new int[fields.Length];
        for (var i = 0; i < fields.Length; i++)
        {
            var prefix = fields[i] + "=";
            if (!lines[i + 1].StartsWith(prefix, StringComparison.Ordinal)
                || !int.TryParse(lines[i + 1].AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out numbers[i])
                || numbers[i] < 1)
            {
                return null;
            }
        }

        return new WorkerResult(null, numbers[0], numbers[1], numbers[2], numbers[3], numbers[4]);
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
}
