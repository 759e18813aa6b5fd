using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using NetVips;

namespace AnonymousBoard.Media;

/// <summary>
/// The child side of image processing: <c>AnonymousBoard image-worker FORMAT MAX-PIXELS MAX-FRAMES THREADS MEMORY-BYTES</c>,
/// started by <see cref="VipsRunner"/> inside its box (no network, capped memory and CPU time, a
/// cleared environment) with the job's directory as its working directory. It reads <c>upload</c>,
/// and writes <c>content.EXT</c>, <c>thumbnail.webp</c> and last <c>result</c>, the only thing the
/// board reads back as text. One job per process: whatever a hostile file does to libvips ends with it.
/// Not listed in the help; nobody but the board has a reason to call it.
/// </summary>
/// <remarks>
/// <c>result</c> is a few ASCII lines: <c>accepted</c> then <c>width=</c>, <c>height=</c>,
/// <c>frames=</c>, <c>thumbnail-width=</c>, <c>thumbnail-height=</c>; or <c>rejected</c> then one
/// line of reason for the poster. Anything else (no file, a crash, a signal) is the board's to explain.
/// </remarks>
public static class ImageWorker
{
    public const string Command = "image-worker";

    public const string UploadFile = "upload";
    public const string ThumbnailFile = "thumbnail.webp";
    public const string ResultFile = "result";

    /// <summary>The exit code of a job that ended with an answer in <see cref="ResultFile"/>.</summary>
    public const int Answered = 0;

    /// <summary>The arguments were not what the board sends: a bug, not an upload.</summary>
    public const int Misused = 64;

    public static string ContentFile(ImageFormat format)
    {
        ArgumentNullException.ThrowIfNull(format);
        return "content." + format.Extension;
    }

    private static readonly int[] ThumbnailQualities = [80, 70, 60, 50, 40, 30];

    private static readonly int[] JpegShrinks = [8, 4, 2];

    public static int Run(string[] args, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stderr);
        if (args.Length != 6
            || ImageFormat.All.FirstOrDefault(f => f.Name == args[1]) is not { } format
            || !long.TryParse(args[2], NumberStyles.None, CultureInfo.InvariantCulture, out var maxPixels)
            || !int.TryParse(args[3], NumberStyles.None, CultureInfo.InvariantCulture, out var maxFrames)
            || !int.TryParse(args[4], NumberStyles.None, CultureInfo.InvariantCulture, out var threads)
            || !long.TryParse(args[5], NumberStyles.None, CultureInfo.InvariantCulture, out var memory))
        {
            stderr.WriteLine("usage: AnonymousBoard image-worker JPEG|PNG|GIF|WebP MAX-PIXELS MAX-FRAMES THREADS MEMORY-BYTES (started by the board)");
            return Misused;
        }

        // libvips is loaded (and the runtime started) when the first NetVips type is touched: do
        // that now, then cap the address space, and only then open the upload. Belt and braces
        // with VIPS_BLOCK_UNTRUSTED=1 in the environment: no loader libvips marks untrusted
        // (ImageMagick, PDF, FITS, ...) can run, whatever a file looks like.
        NetVips.NetVips.BlockUntrusted = true;
        if (!LimitAddressSpace(memory, stderr))
        {
            return Misused;
        }

        NetVips.NetVips.Concurrency = Math.Max(1, threads);
        // One image per process: nothing to reuse, and the cache only holds memory.
        Cache.Max = 0;
        var limits = new ImageLimits { MaxPixels = maxPixels, MaxFrames = maxFrames };
        string result;
        try
        {
            result = Process(format, limits);
        }
        catch (VipsException e)
        {
            result = "rejected\n" + Describe(e.Message) + "\n";
        }

        File.WriteAllText(ResultFile, result, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        return Answered;
    }

    /// <summary>
    /// Caps this process's address space at what it uses now plus <paramref name="budget"/>, soft
    /// and hard alike, so it can never be raised again. Done here rather than by prlimit before
    /// start: the .NET runtime reserves up to 2 GB of address space for JIT code at start-up,
    /// taking whatever a limit leaves, so a limit set before start is eaten by that reservation
    /// and says nothing about what decoding may use. Set after start-up and before the upload is
    /// opened, the budget is what libvips has for this one file.
    /// </summary>
    private static bool LimitAddressSpace(long budget, TextWriter stderr)
    {
        var status = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmSize:", StringComparison.Ordinal));
        if (status is null || !long.TryParse(status["VmSize:".Length..].Trim().Split(' ')[0], NumberStyles.None, CultureInfo.InvariantCulture, out var kilobytes))
        {
            stderr.WriteLine("image-worker: cannot read VmSize from /proc/self/status");
            return false;
        }

        var limit = new ResourceLimit { Current = (ulong)(kilobytes * 1024 + budget), Maximum = (ulong)(kilobytes * 1024 + budget) };
        if (SetResourceLimit(AddressSpace, ref limit) != 0)
        {
            stderr.WriteLine("image-worker: setrlimit(RLIMIT_AS) failed: " + Marshal.GetLastPInvokeErrorMessage());
            return false;
        }

        return true;
    }

    private const int AddressSpace = 9; // RLIMIT_AS on Linux

    [StructLayout(LayoutKind.Sequential)]
    private struct ResourceLimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    [DllImport("libc.so.6", EntryPoint = "setrlimit", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int SetResourceLimit(int resource, ref ResourceLimit limit);

    private static string Process(ImageFormat format, ImageLimits limits)
    {
        // The loader of the sniffed format, named: the generic loader, which picks one by looking at
        // the bytes, never sees the upload. Loading is lazy: this reads the header, not the pixels.
        using var header = Load(format, frames: 1);
        var frames = format.Animates && header.GetTypeOf("n-pages") != 0 ? (int)header.Get("n-pages") : 1;
        var pageHeight = frames > 1 ? header.PageHeight : header.Height;
        var overLimit = limits.Check(header.Width, pageHeight, frames);
        if (overLimit is not null)
        {
            return "rejected\n" + overLimit + "\n";
        }

        // JPEG's loader turns it upright itself. PNG (eXIf) and WebP can carry an orientation too,
        // which stripping would drop: apply it to the pixels. An animation is left as it is; autorot
        // would turn its whole strip of frames.
        var orientation = format != ImageFormat.Jpeg && frames == 1 && header.GetTypeOf("orientation") != 0 ? (int)header.Get("orientation") : 1;
        var turn = orientation is >= 2 and <= 8;
        // Exactly the frames counted against the limits. Turning reads the pixels out of order, so
        // only then is the whole picture decoded into memory; otherwise it streams through.
        using var loaded = LoadFile(format, UploadFile, frames, turn ? Enums.Access.Random : Enums.Access.Sequential);
        using var upright = turn ? loaded.Autorot() : loaded.Copy();

        // keep=None: libvips 8.18 writes the pixels and nothing else (no EXIF, XMP, IPTC, ICC, comments).
        var content = ContentFile(format);
        Save(upright, format, content);

        // The thumbnail is made from the re-encoded file, read back with the same named loader, so
        // it can carry nothing the picture does not. A JPEG is decoded at 1/2, 1/4 or 1/8 of its
        // size when that still leaves more pixels than the thumbnail has: a tenth of the memory
        // and time of decoding 12 megapixels whole.
        using var written = format == ImageFormat.Jpeg
            ? Image.Jpegload(content, shrink: JpegShrink(upright.Width, upright.Height), access: Enums.Access.Sequential, failOn: Enums.FailOn.Truncated)
            : LoadFile(format, content, frames: 1);
        using var shrunk = written.ThumbnailImage(ImagePipeline.ThumbnailBox, height: ImagePipeline.ThumbnailBox, size: Enums.Size.Down);
        // Saved up to six times: kept in memory (250×250 at most) rather than decoded again each time.
        using var small = shrunk.CopyMemory();
        foreach (var quality in ThumbnailQualities)
        {
            small.Webpsave(ThumbnailFile, q: quality, keep: Enums.ForeignKeep.None);
            if (new FileInfo(ThumbnailFile).Length <= ImagePipeline.ThumbnailTargetBytes)
            {
                break;
            }
        }

        return string.Create(CultureInfo.InvariantCulture,
            $"accepted\nwidth={upright.Width}\nheight={(frames > 1 ? upright.PageHeight : upright.Height)}\nframes={frames}\nthumbnail-width={small.Width}\nthumbnail-height={small.Height}\n");
    }

    /// <summary>The largest JPEG shrink-on-load factor that keeps both sides at least the thumbnail's.</summary>
    private static int JpegShrink(int width, int height)
    {
        var scale = Math.Min(1.0, Math.Min((double)ImagePipeline.ThumbnailBox / width, (double)ImagePipeline.ThumbnailBox / height));
        var (thumbnailWidth, thumbnailHeight) = (Math.Ceiling(width * scale), Math.Ceiling(height * scale));
        return JpegShrinks.FirstOrDefault(shrink => width / shrink >= thumbnailWidth && height / shrink >= thumbnailHeight, 1);
    }

    private static Image Load(ImageFormat format, int frames) => LoadFile(format, UploadFile, frames, Enums.Access.Sequential);

    /// <summary>Truncated files fail instead of coming out padded with grey.</summary>
    private static Image LoadFile(ImageFormat format, string file, int frames, Enums.Access access = Enums.Access.Sequential)
    {
        const Enums.FailOn Fail = Enums.FailOn.Truncated;
        return format.Name switch
        {
            "JPEG" => Image.Jpegload(file, autorotate: true, access: access, failOn: Fail),
            "PNG" => Image.Pngload(file, access: access, failOn: Fail),
            "GIF" => Image.Gifload(file, n: frames, access: access, failOn: Fail),
            "WebP" => Image.Webpload(file, n: frames, access: access, failOn: Fail),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format.Name, "not a format the board accepts"),
        };
    }

    private static void Save(Image image, ImageFormat format, string file)
    {
        const Enums.ForeignKeep Nothing = Enums.ForeignKeep.None;
        switch (format.Name)
        {
            case "JPEG":
                image.Jpegsave(file, q: 90, optimizeCoding: true, keep: Nothing);
                break;
            case "PNG":
                image.Pngsave(file, keep: Nothing);
                break;
            case "GIF":
                image.Gifsave(file, keep: Nothing);
                break;
            default:
                image.Webpsave(file, q: 90, keep: Nothing);
                break;
        }
    }

    /// <summary>
    /// What a poster reads when libvips refuses the file: the first line of its error that says
    /// something, one line, at most 200 characters, printable ASCII only.
    /// </summary>
    public static string Describe(string vipsError)
    {
        ArgumentNullException.ThrowIfNull(vipsError);
        if (VipsRunner.MeansOutOfMemory(vipsError))
        {
            return VipsRunner.NeedsMoreMemory;
        }

        // NetVips puts its own "unable to call jpegload" first, then libvips's error buffer.
        var line = vipsError.Split('\n')
            .Select(l => l.Trim())
            .FirstOrDefault(l => l.Length > 0 && !l.StartsWith("unable to call", StringComparison.Ordinal) && !l.Contains("WARNING", StringComparison.Ordinal));
        if (line is null)
        {
            return "the image could not be decoded";
        }

        var printable = new string(line.Select(c => c is >= ' ' and <= '~' ? c : '?').ToArray());
        return "the image could not be decoded: " + (printable.Length > 200 ? printable[..200] + "..." : printable);
    }
}
