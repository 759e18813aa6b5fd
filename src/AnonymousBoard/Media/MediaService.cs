using System.Text.RegularExpressions;
using AnonymousBoard.Boards;
using AnonymousBoard.Settings;
using AnonymousBoard.Storage;
using Microsoft.Extensions.Options;

namespace AnonymousBoard.Media;

/// <summary>
/// Images on the board: every upload goes through <see cref="ImagePipeline"/> (decoded and
/// re-encoded in a contained worker process, several at once up to a bound) before anything is stored, files are kept once per
/// content hash and removed when no post shows them, and only stored files are ever served.
/// </summary>
public sealed partial class MediaService : ICommitListener, IDisposable
{
    private readonly ImagePipeline _pipeline;
    private readonly MediaStore _files;
    private readonly IStorage _storage;
    private readonly IMediaStore _store;
    private readonly ILogger<MediaService> _log;
    // Decoding is CPU- and memory-heavy: at most this many workers at once, each with its share of the cores.
    private readonly SemaphoreSlim _workers;
    // Image posts being processed or waiting for a worker; past the bound a poster is asked to come back.
    private readonly int _admissionLimit;
    private int _admitted;

    public const string Busy =
        "The board is busy processing other images: try again in a moment. Nothing was posted and your text is kept.";

    public MediaService(IOptions<BoardOptions> options, IStorage storage, IMediaStore store, ILogger<MediaService> log)
    {
        _storage = storage;
        _store = store;
        _log = log;
        _files = new MediaStore(options.Value.DataDirectory);
        SpoolDirectory = Path.Combine(options.Value.DataDirectory, "uploads");
        var images = options.Value.Images;
        var workers = images.EffectiveWorkers;
        _workers = new SemaphoreSlim(workers);
        _admissionLimit = workers + Math.Max(0, images.Queue);
        var runner = VipsRunner.Create(new VipsSettings
        {
            TempDirectory = SpoolDirectory,
            ThreadsPerWorker = Math.Max(1, Environment.ProcessorCount / workers),
        });
        _pipeline = new ImagePipeline(runner);
        if (runner.UnavailableReason is { } reason)
        {
            LogUnavailable(log, reason);
        }
        LogNetwork(log, runner.NetworkNote);
    }

    /// <summary>Held while a file is stored and its post written, and while unused files are removed.</summary>
    public Lock FilesLock { get; } = new();

    public string SpoolDirectory { get; }

    public bool IsAvailable => _pipeline.IsAvailable;

    /// <summary>Why image posting is off, in words for the form; null when it works.</summary>
    public string? UnavailableReason => _pipeline.UnavailableReason is { } reason
        ? $"Image posting is disabled on this board ({reason}); text posts work as usual."
        : null;

    /// <summary>Runs an upload through the pipeline and the ban list; the image is not stored yet.</summary>
    /// <returns>The image, or the HTTP status and the reason to show with the form.</returns>
    public async Task<(ProcessedImage? Image, int Status, string? Error)> ProcessAsync(Board board, SpooledUpload upload, CancellationToken ct)
    {
        var s = board.Settings;
        const int Refused = StatusCodes.Status422UnprocessableEntity;
        if (!s.ImagesAllowed)
        {
            return (null, Refused, $"Image refused: /{board.Slug}/ does not take images. Post without the file.");
        }
        if (UnavailableReason is { } unavailable)
        {
            return (null, StatusCodes.Status503ServiceUnavailable, unavailable);
        }
        var limits = new ImageLimits { MaxBytes = s.MaxImageBytes, MaxPixels = s.MaxImagePixels, MaxFrames = s.MaxImageFrames };
        if (upload.TooLarge)
        {
            return (null, Refused, $"Image refused: {limits.TooLarge()}.");
        }
        if (Interlocked.Increment(ref _admitted) > _admissionLimit)
        {
            Interlocked.Decrement(ref _admitted);
            return (null, StatusCodes.Status503ServiceUnavailable, Busy);
        }
        try
        {
            await _workers.WaitAsync(ct);
            try
            {
                return await ProcessAdmittedAsync(upload, limits, ct);
            }
            finally
            {
                _workers.Release();
            }
        }
        finally
        {
            Interlocked.Decrement(ref _admitted);
        }
    }

    private async Task<(ProcessedImage? Image, int Status, string? Error)> ProcessAdmittedAsync(SpooledUpload upload, ImageLimits limits, CancellationToken ct)
    {
        const int Refused = StatusCodes.Status422UnprocessableEntity;
        await using var stream = upload.OpenRead();
        ImageOutcome outcome;
        try
        {
            outcome = await _pipeline.ProcessAsync(stream, limits, ct);
        }
        catch (Exception e) when (StorageFailure.Reason(e) is { } full)
        {
            // The job's copy of the upload could not be written: the disk, not the image.
            return (null, StatusCodes.Status503ServiceUnavailable, StorageFailure.ForPoster(full));
        }
        switch (outcome)
        {
            case ImageRejected rejected:
                return (null, Refused, $"Image refused: {rejected.Reason}. Your text is kept; choose another file or post without one.");
            case ImageFailed failed:
                LogFailed(_log, failed.Reason);
                return (null, StatusCodes.Status503ServiceUnavailable,
                    $"The image could not be processed: {failed.Reason}. Nothing was posted and your text is kept; post again in a while, or without the image.");
            case ImageAccepted { Image: var image } when IsBanned([image.UploadHash, image.ContentHash]):
                return (null, StatusCodes.Status403Forbidden, "This image is on the board's list of banned files.");
            case ImageAccepted accepted:
                return (accepted.Image, StatusCodes.Status200OK, null);
            default:
                throw new InvalidOperationException("Unknown image outcome.");
        }
    }

    /// <summary>Stores the processed image under its hash; call with <see cref="FilesLock"/> held.</summary>
    public PostFile Store(ProcessedImage image, bool spoiler, string? fileName)
    {
        _files.Save(image);
        return new PostFile(image.ContentHash, image.UploadHash, image.Format, image.Width, image.Height, image.ByteSize,
            image.ThumbnailWidth, image.ThumbnailHeight, spoiler, fileName);
    }

    /// <summary>Removes the files of these hashes unless a post still shows them.</summary>
    public void Release(IEnumerable<string> hashes)
    {
        lock (FilesLock)
        {
            foreach (var hash in hashes.Where(h => !IsUsed(h)))
            {
                _files.Delete(hash);
            }
        }
    }

    /// <summary>After every commit: the files the posts it deleted showed go, unless another post shows them.</summary>
    public void Committed(ChangeSet changes)
    {
        if (changes.FreedFiles.Count > 0)
        {
            Release(changes.FreedFiles);
        }
    }

    private bool IsUsed(string hash)
    {
        using var work = _storage.Read();
        return _store.IsUsed(work, hash);
    }

    private bool IsBanned(IEnumerable<string> hashes)
    {
        using var work = _storage.Read();
        return _store.IsBanned(work, hashes);
    }

    /// <summary>Like <see cref="Release"/>, after a failed write: a disk that refuses this too leaves the file to the start-up sweep.</summary>
    public void TryRelease(string hash)
    {
        try
        {
            Release([hash]);
        }
        catch (Exception e) when (StorageFailure.Reason(e) is not null)
        {
            // Swept at the next start.
        }
    }

    /// <summary>
    /// At start-up: files that no post shows (a crash between storing a file and writing its post,
    /// or between deleting a post and its files), files a crash left half-written, and uploads
    /// spooled by requests that never finished. Returns how many unused images were removed.
    /// </summary>
    public int Sweep()
    {
        _files.RemoveUnfinished();
        if (Directory.Exists(SpoolDirectory))
        {
            foreach (var leftover in Directory.EnumerateFileSystemEntries(SpoolDirectory))
            {
                if (Directory.Exists(leftover))
                {
                    Directory.Delete(leftover, recursive: true);
                }
                else
                {
                    File.Delete(leftover);
                }
            }
        }
        var orphans = _files.ListHashes().Where(h => !IsUsed(h)).ToList();
        Release(orphans);
        return orphans.Count;
    }

    [GeneratedRegex("^[0-9a-f]{2}/[0-9a-f]{64}(\\.(jpg|png|gif|webp)|-thumb\\.webp)$", RegexOptions.CultureInvariant)]
    private static partial Regex MediaName();

    /// <summary>
    /// The file behind /media/{shard}/{name}, only for a name the store itself makes (never a path
    /// from a request), and only while it exists.
    /// </summary>
    public string? ServedFile(string shard, string name)
    {
        var path = Path.Combine(_files.MediaDirectory, shard, name);
        return MediaName().IsMatch($"{shard}/{name}") && File.Exists(path) ? path : null;
    }

    // Files never change under their name, so each is hashed once; bounded like the other per-process tables.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _md5 = new(StringComparer.Ordinal);
    private const int Md5Remembered = 200_000;

    /// <summary>
    /// The MD5 of the served file, base64 (4chan's <c>md5</c>: clients use it to find files they have), or
    /// null when the file is gone. Read from disk the first time it is asked for; not a security hash.
    /// </summary>
    public string? Md5Base64(PostFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (_md5.TryGetValue(file.Hash, out var known))
        {
            return known;
        }
        var path = Path.Combine(_files.MediaDirectory, MediaStore.ContentPath(file.Hash, file.Format));
        string md5;
        try
        {
            using var stream = File.OpenRead(path);
#pragma warning disable CA5351 // MD5 is what 4chan's API names files by; nothing here trusts it
            md5 = Convert.ToBase64String(System.Security.Cryptography.MD5.HashData(stream));
#pragma warning restore CA5351
        }
        catch (IOException)
        {
            return null;
        }
        if (_md5.Count < Md5Remembered)
        {
            _md5[file.Hash] = md5;
        }
        return md5;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Reason}")]
    private static partial void LogUnavailable(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "An image post failed on the server: {Reason}")]
    private static partial void LogFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Note}")]
    private static partial void LogNetwork(ILogger logger, string note);

    public void Dispose() => _workers.Dispose();
}
