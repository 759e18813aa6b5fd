using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using AnonymousBoard.Media;
using NetVips;

namespace AnonymousBoard.Tests.Media;

/// <summary>
/// A temp directory for one test class: the images it makes, a data directory for the store, and
/// the directory where the pipeline's jobs live, which must be empty again after every upload.
/// </summary>
public sealed class MediaScratch : IDisposable
{
    public MediaScratch()
    {
        Root = Path.Combine(Path.GetTempPath(), "media-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(JobsDirectory);
        Directory.CreateDirectory(DataDirectory);
    }

    public string Root { get; }

    public string JobsDirectory => Path.Combine(Root, "jobs");

    public string DataDirectory => Path.Combine(Root, "data");

    public string PathOf(string name) => Path.Combine(Root, name);

    public VipsRunner Runner(TimeSpan? timeLimit = null, long? memoryLimitBytes = null, IReadOnlyList<string>? workerCommand = null) =>
        VipsRunner.Create(new VipsSettings
        {
            TempDirectory = JobsDirectory,
            TimeLimit = timeLimit ?? TimeSpan.FromSeconds(20),
            MemoryLimitBytes = memoryLimitBytes ?? 1024L * 1024 * 1024,
            WorkerCommand = workerCommand,
        });

    public void AssertNoJobLeft() => Assert.Empty(Directory.EnumerateFileSystemEntries(JobsDirectory));

    public void Dispose() => Directory.Delete(Root, recursive: true);
}

/// <summary>The real command-line tools the tests use to make and inspect images, run without a shell.</summary>
internal static class Tools
{
    public static string Run(string executable, string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo(executable)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{executable} {string.Join(' ', arguments)} failed: {errors.Result}");
        return output;
    }

    public static void ExifTool(string file, params string[] tags) =>
        Run("exiftool", Path.GetDirectoryName(file)!, ["-q", "-overwrite_original", .. tags, file]);

    /// <summary>Every tag exiftool finds, named "Group:Tag" (-G1), e.g. "GPS:GPSLatitude".</summary>
    public static IReadOnlyList<string> Tags(string file)
    {
        var json = Run("exiftool", Path.GetDirectoryName(file)!, "-j", "-G1", "-a", file);
        using var document = JsonDocument.Parse(json);
        return document.RootElement[0].EnumerateObject().Select(p => p.Name).ToList();
    }

    /// <summary>The value of one pixel, band by band, read by libvips in the test process (NetVips).</summary>
    public static double[] Pixel(string file, int x, int y)
    {
        using var image = Image.NewFromFile(file);
        return image.Getpoint(x, y);
    }

    public static int HeaderNumber(string file, string field)
    {
        using var image = Image.NewFromFile(file);
        return (int)image.Get(field);
    }
}

/// <summary>Test images, made by libvips (NetVips, in the test process) and exiftool, or written byte by byte where a tool would refuse.</summary>
internal static class TestImages
{
    /// <summary>
    /// A 60×40 picture (wider than tall), black but for a white 10×10 square in its top-left corner:
    /// after any rotation the square shows which way up the picture is. The format follows the
    /// extension of <paramref name="name"/>; save options may follow it in brackets.
    /// </summary>
    public static string Marked(MediaScratch scratch, string name)
    {
        using var black = Image.Black(10, 10, bands: 3);
        using var white = black.Linear([1, 1, 1], [255, 255, 255], uchar: true);
        using var marked = white.Embed(0, 0, 60, 40);
        marked.WriteToFile(scratch.PathOf(name));
        return scratch.PathOf(name.Split('[')[0]);
    }

    /// <summary>Grey noise, the hardest case for a small thumbnail; a little blur makes it fine detail instead.</summary>
    public static string Noise(MediaScratch scratch, string name, int width, int height, double blur = 0)
    {
        using var noise = Image.Gaussnoise(width, height, mean: 128, sigma: 40);
        using var blurred = blur > 0 ? noise.Gaussblur(blur) : noise.Copy();
        using var grey = blurred.Cast(Enums.BandFormat.Uchar);
        grey.WriteToFile(scratch.PathOf(name));
        return scratch.PathOf(name);
    }

    /// <summary>A picture of one colour; the format follows the extension of <paramref name="path"/>.</summary>
    public static byte[] Solid(string path, int width, int height, double red, double green, double blue)
    {
        using var black = Image.Black(width, height, bands: 3);
        using var coloured = black.Linear([1, 1, 1], [red, green, blue], uchar: true);
        coloured.WriteToFile(path);
        return File.ReadAllBytes(path);
    }

    /// <summary>A square GIF of three frames: red, green, blue.</summary>
    public static string AnimatedGif(MediaScratch scratch, string name, int size = 20)
    {
        using var frame = Image.Black(size, size, bands: 3);
        using var red = frame.Linear([1, 1, 1], [255, 0, 0], uchar: true);
        using var green = frame.Linear([1, 1, 1], [0, 255, 0], uchar: true);
        using var blue = frame.Linear([1, 1, 1], [0, 0, 255], uchar: true);
        using var strip = Image.Arrayjoin([red, green, blue], across: 1);
        using var animation = strip.Mutate(m => m.Set(GValue.GIntType, "page-height", size));
        animation.Gifsave(scratch.PathOf(name));
        return scratch.PathOf(name);
    }

    /// <summary>Several frames of noise, <paramref name="size"/> square: slow to decode and re-encode.</summary>
    public static string NoiseGif(MediaScratch scratch, string name, int size, int frames)
    {
        using var noise = Image.Gaussnoise(size, size * frames, mean: 128, sigma: 40);
        using var grey = noise.Cast(Enums.BandFormat.Uchar);
        using var animation = grey.Mutate(m => m.Set(GValue.GIntType, "page-height", size));
        animation.Gifsave(scratch.PathOf(name));
        return scratch.PathOf(name);
    }

    /// <summary>Everything a camera or an editor leaves behind that could identify a poster.</summary>
    public static void AddIdentifyingMetadata(MediaScratch scratch, string file, bool embeddedThumbnail)
    {
        List<string> tags =
        [
            "-Orientation#=6",
            "-Make=PhoneMaker",
            "-Model=Phone 12 Pro",
            "-SerialNumber=SN123456",
            "-GPSLatitude=51.5007",
            "-GPSLatitudeRef=N",
            "-GPSLongitude=0.1246",
            "-GPSLongitudeRef=W",
            "-XMP:Creator=Alice Example",
            "-XMP:Description=secret place",
            "-IPTC:Keywords=private",
            "-IPTC:By-line=Alice Example",
            "-Comment=taken at home",
        ];
        if (embeddedThumbnail)
        {
            using (var thumbnail = Image.Black(16, 16, bands: 3))
            {
                thumbnail.WriteToFile(scratch.PathOf("embedded-thumbnail.jpg"));
            }

            tags.Add("-ThumbnailImage<=" + scratch.PathOf("embedded-thumbnail.jpg"));
        }

        Tools.ExifTool(file, [.. tags]);
    }

    /// <summary>A PNG whose IHDR claims <paramref name="width"/>×<paramref name="height"/>, with a few bytes of pixels.</summary>
    public static byte[] PngClaiming(int width, int height)
    {
        using var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth
        header[9] = 2; // RGB
        WritePngChunk(png, "IHDR", header);
        using (var pixels = new MemoryStream())
        {
            using (var zlib = new ZLibStream(pixels, CompressionLevel.SmallestSize, leaveOpen: true))
            {
                zlib.Write(new byte[1000]);
            }

            WritePngChunk(png, "IDAT", pixels.ToArray());
        }

        WritePngChunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void WritePngChunk(Stream png, string type, byte[] data)
    {
        var typeAndData = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        var number = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(number, data.Length);
        png.Write(number);
        png.Write(typeAndData);
        BinaryPrimitives.WriteUInt32BigEndian(number, Crc32(typeAndData));
        png.Write(number);
    }

    /// <summary>CRC-32 as the PNG specification defines it (polynomial 0xEDB88320, reflected).</summary>
    private static uint Crc32(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }

    /// <summary>A GIF of <paramref name="frames"/> frames of 1×1 pixel: tiny on disk, a bomb in frame count.</summary>
    public static byte[] GifWithFrames(int frames)
    {
        using var gif = new MemoryStream();
        gif.Write("GIF89a"u8);
        gif.Write([1, 0, 1, 0, 0x80, 0, 0]); // 1×1 screen, a global palette of 2 colours
        gif.Write([0, 0, 0, 255, 255, 255]);
        for (var i = 0; i < frames; i++)
        {
            gif.Write([0x21, 0xF9, 0x04, 0x00, 0x01, 0x00, 0x00, 0x00]); // graphic control: 10 ms
            gif.Write([0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0]); // image descriptor: 1×1 at 0,0
            gif.Write([0x02, 0x02, 0x44, 0x01, 0x00]); // LZW: clear, pixel 0, end
        }

        gif.WriteByte(0x3B);
        return gif.ToArray();
    }

    /// <summary>A ZIP archive with one small text file, as System.IO.Compression writes it.</summary>
    public static byte[] Zip()
    {
        using var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var entry = archive.CreateEntry("hidden.txt").Open();
            entry.Write("payload"u8);
        }

        return zip.ToArray();
    }
}

/// <summary>A stream of <paramref name="length"/> zero bytes that counts what was read from it.</summary>
internal sealed class CountingStream(long length) : Stream
{
    public long BytesRead { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position
    {
        get => BytesRead;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var read = (int)Math.Min(count, length - BytesRead);
        Array.Clear(buffer, offset, read);
        BytesRead += read;
        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
