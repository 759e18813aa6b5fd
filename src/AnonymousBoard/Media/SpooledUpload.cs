namespace AnonymousBoard.Media;

/// <summary>
/// An uploaded file spooled to a temporary file, at most one byte past the board's limit: what posting's
/// request reader hands to the image pipeline.
/// </summary>
public sealed class SpooledUpload(string path, string? fileName, long length, bool tooLarge, string? notStored = null) : IDisposable
{
    public string? FileName => fileName;
    public long Length => length;
    /// <summary>The upload went past the limit; the rest of it was read and thrown away, never stored.</summary>
    public bool TooLarge => tooLarge;
    /// <summary>Why the upload could not be written (the disk is full, say: <see cref="Storage.StorageFailure"/>); the rest was read past.</summary>
    public string? NotStored => notStored;

    public Stream OpenRead() => new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.SequentialScan);

    public void Dispose()
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (Storage.StorageFailure.Reason(e) is not null)
        {
            // A read-only disk: the start-up sweep removes it.
        }
    }
}
