using System.Globalization;

namespace AnonymousBoard.Media;

/// <summary>
/// What one upload may be. Pixels and frames are checked against the image header before anything
/// is decoded, so a small file that claims a huge picture (a decompression bomb) costs nothing.
/// </summary>
public sealed record ImageLimits
{
    public long MaxBytes { get; init; } = 8 * 1024 * 1024;

    /// <summary>All frames together: 40 megapixels is a large phone photo, about 160 MB decoded.</summary>
    public long MaxPixels { get; init; } = 40_000_000;

    public int MaxFrames { get; init; } = 300;

    public string TooLarge() =>
        string.Create(CultureInfo.InvariantCulture, $"the file is larger than the limit of {MaxBytes / (1024.0 * 1024):0.#} MiB");

    /// <summary>The reason an image of this size is refused, or null when it is within the limits.</summary>
    public string? Check(long width, long height, long frames)
    {
        if (frames > MaxFrames)
        {
            return string.Create(CultureInfo.InvariantCulture, $"the animation has {frames} frames; at most {MaxFrames} are allowed");
        }

        var pixels = width * height * frames;
        if (pixels > MaxPixels)
        {
            var picture = frames == 1
                ? $"the image is {width}×{height} pixels"
                : $"the animation is {frames} frames of {width}×{height} pixels";
            return string.Create(CultureInfo.InvariantCulture,
                $"{picture} ({pixels / 1e6:0.##} megapixels); at most {MaxPixels / 1e6:0.##} megapixels are allowed");
        }

        return null;
    }
}
