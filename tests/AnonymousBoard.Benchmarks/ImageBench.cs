using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using AnonymousBoard.Media;
using NetVips;

namespace AnonymousBoard.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project tests/AnonymousBoard.Benchmarks -- images</c>: what the image
/// worker costs. (1) A 12-megapixel JPEG through the whole pipeline, Debian's vips command-line
/// tools run the way the board ran them before (one boxed process per step) against the NetVips
/// worker, interleaved, medians of wall time, CPU seconds and peak RSS. (2) The same for a tiny
/// image: the fixed cost of starting a process. (3) Image posts per second through the real form
/// with 1 and 4 posters. (4) Peak RSS of the board and its workers with 4 large images at once.
/// Needs /usr/bin/time (package "time") and, for the comparison only, Debian's libvips-tools;
/// both are installed with apt-get when missing and allowed.
/// </summary>
internal static partial class ImageBench
{
    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    public static async Task<int> RunAsync(string[] args)
    {
        var rounds = args.Length > 0 && int.TryParse(args[0], CultureInfo.InvariantCulture, out var r) ? r : 5;
        if (!Installed("/usr/bin/time", "time") || !Installed("/usr/bin/vips", "libvips-tools"))
        {
            return 2;
        }

        var scratch = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "anonboard-images-" + Guid.NewGuid().ToString("N"))).FullName;
        try
        {
            Console.WriteLine("AnonymousBoard image benchmark");
            Console.WriteLine(Invariant($"Machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}; libvips {Tool("vips", "--version").Trim()} (Debian) and {NetVips.NetVips.Version(0)}.{NetVips.NetVips.Version(1)}.{NetVips.NetVips.Version(2)} (NuGet)."));
            var photo = Photo(Path.Combine(scratch, "photo.jpg"), 4000, 3000);
            var small = Photo(Path.Combine(scratch, "small.jpg"), 1920, 1080);
            var tiny = Photo(Path.Combine(scratch, "tiny.png"), 60, 40);
            Console.WriteLine(Invariant($"Images: 4000×3000 JPEG of {new FileInfo(photo).Length / 1024} KiB, 1920×1080 JPEG of {new FileInfo(small).Length / 1024} KiB, 60×40 PNG; colour noise, lightly blurred."));
            Console.WriteLine();

            ComparePipelines(scratch, photo, rounds, "12-megapixel JPEG");
            ComparePipelines(scratch, tiny, rounds, "60×40 PNG (start-up cost)");
            await PostsPerSecond(small);
            await FourAtOnce(photo);
            return 0;
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    private static bool Installed(string path, string package)
    {
        if (File.Exists(path))
        {
            return true;
        }

        Console.WriteLine($"Installing {package} for this benchmark (apt-get)...");
        foreach (var command in new[] { "apt-get update -qq", $"apt-get install -y -qq --no-install-recommends {package}" })
        {
            var parts = command.Split(' ');
            var sudo = Environment.UserName == "root" ? parts : ["sudo", "-n", .. parts];
            using var process = Process.Start(new ProcessStartInfo(sudo[0], sudo[1..]) { UseShellExecute = false });
            process!.WaitForExit();
        }

        if (!File.Exists(path))
        {
            Console.Error.WriteLine($"{path} is missing: install {package} (sudo apt-get install {package}).");
            return false;
        }

        return true;
    }

    /// <summary>Colour noise with a little blur: about as hard to compress as a phone photo.</summary>
    private static string Photo(string path, int width, int height)
    {
        using var noise = Image.Gaussnoise(width, height, mean: 128, sigma: 60);
        using var bands = Image.Gaussnoise(width, height, mean: 128, sigma: 60).Bandjoin(Image.Gaussnoise(width, height, mean: 128, sigma: 60));
        using var rgb = noise.Bandjoin(bands);
        using var blurred = rgb.Gaussblur(1.2);
        using var uchar = blurred.Cast(Enums.BandFormat.Uchar).Copy(interpretation: Enums.Interpretation.Srgb);
        uchar.WriteToFile(path);
        return path;
    }

    private static string Tool(string name, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(name, args) { RedirectStandardOutput = true, UseShellExecute = false })!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output;
    }

    private sealed record Measure(double Wall, double Cpu, long PeakKiB);

    /// <summary>Lines of /usr/bin/time -f "%e %U %S %M": CPU summed, peak RSS the largest.</summary>
    private static (double Cpu, long PeakKiB) ReadTimes(string file)
    {
        var lines = File.ReadAllLines(file).Select(l => l.Split(' ')).Where(p => p.Length == 4 && double.TryParse(p[0], CultureInfo.InvariantCulture, out _)).ToList();
        return (lines.Sum(p => double.Parse(p[1], CultureInfo.InvariantCulture) + double.Parse(p[2], CultureInfo.InvariantCulture)),
            lines.Max(p => long.Parse(p[3], CultureInfo.InvariantCulture)));
    }

    private static void ComparePipelines(string scratch, string image, int rounds, string what)
    {
        var format = ImageSniffer.FormatOf(File.ReadAllBytes(image))!;
        var results = new Dictionary<string, List<Measure>> { ["before: vips CLI, 6+ boxed processes"] = [], ["after: NetVips worker, 1 thread"] = [], ["after: NetVips worker, 2 threads"] = [] };
        for (var round = 0; round < rounds; round++)
        {
            // Interleaved, so that whatever else the machine does falls on all three alike.
            results["before: vips CLI, 6+ boxed processes"].Add(Cli(scratch, image, format));
            results["after: NetVips worker, 1 thread"].Add(Worker(scratch, image, threads: 1));
            results["after: NetVips worker, 2 threads"].Add(Worker(scratch, image, threads: 2));
        }

        Console.WriteLine(Invariant($"{what}: whole pipeline, median of {rounds} interleaved rounds"));
        var before = results.First().Value;
        foreach (var (name, measures) in results)
        {
            var wall = Median(measures.Select(m => m.Wall));
            var cpu = Median(measures.Select(m => m.Cpu));
            var peak = Median(measures.Select(m => (double)m.PeakKiB)) / 1024;
            Console.WriteLine(Invariant($"  {name,-38} wall {wall,6:0.000} s   CPU {cpu,6:0.000} s   peak RSS {peak,6:0.0} MiB   (wall ×{wall / Median(before.Select(m => m.Wall)):0.00}, CPU ×{cpu / Median(before.Select(m => m.Cpu)):0.00}, RSS ×{peak * 1024 / Median(before.Select(m => (double)m.PeakKiB)):0.00})"));
        }

        Console.WriteLine();
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>The NetVips worker as the board runs it, each job under /usr/bin/time.</summary>
    private static Measure Worker(string scratch, string image, int threads)
    {
        var times = Path.Combine(scratch, "worker.times");
        File.Delete(times);
        var host = Path.GetFullPath(Path.Combine(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..", "dotnet"));
        var runner = VipsRunner.Create(new VipsSettings
        {
            TempDirectory = Directory.CreateDirectory(Path.Combine(scratch, "jobs")).FullName,
            ThreadsPerWorker = threads,
            WorkerCommand = ["/usr/bin/time", "-f", "%e %U %S %M", "-a", "-o", times, host, "exec", typeof(ImageWorker).Assembly.Location, ImageWorker.Command],
        });
        var clock = Stopwatch.StartNew();
        var outcome = new ImagePipeline(runner).ProcessAsync(new MemoryStream(File.ReadAllBytes(image)), new ImageLimits { MaxBytes = 64 << 20 }, CancellationToken.None).GetAwaiter().GetResult();
        var wall = clock.Elapsed.TotalSeconds;
        if (outcome is not ImageAccepted)
        {
            throw new InvalidOperationException($"the worker refused the image: {outcome}");
        }

        var (cpu, peak) = ReadTimes(times);
        return new Measure(wall, cpu, peak);
    }

    /// <summary>
    /// Debian's vips and vipsheader run as the board ran them before (see git history of
    /// Media/ImagePipeline.cs): each step its own process under prlimit --as=1 GiB and unshare -r -n,
    /// a cleared environment, the same steps for a still image with no orientation; files read and hashed.
    /// </summary>
    private static Measure Cli(string scratch, string image, ImageFormat format)
    {
        var job = Directory.CreateDirectory(Path.Combine(scratch, "cli-job")).FullName;
        var times = Path.Combine(scratch, "cli.times");
        File.Delete(times);
        var clock = Stopwatch.StartNew();
        File.Copy(image, Path.Combine(job, "upload"), overwrite: true);
        var options = format == ImageFormat.Jpeg ? "[Q=90,optimize-coding,strip]" : "[strip]";
        var content = "content." + format.Extension;
        string Run(string tool, params string[] args)
        {
            var start = new ProcessStartInfo("/usr/bin/prlimit") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = job };
            foreach (var a in (string[])["--as=1073741824", "--", "/usr/bin/unshare", "-r", "-n", "--", "/usr/bin/time", "-f", "%e %U %S %M", "-a", "-o", times, tool, .. args])
            {
                start.ArgumentList.Add(a);
            }

            start.Environment.Clear();
            start.Environment["PATH"] = "/usr/local/bin:/usr/bin:/bin";
            start.Environment["VIPS_BLOCK_UNTRUSTED"] = "1";
            start.Environment["VIPSHOME"] = "/nonexistent";
            start.Environment["MALLOC_ARENA_MAX"] = "2";
            start.Environment["TMPDIR"] = job;
            start.Environment["HOME"] = job;
            start.Environment["LC_ALL"] = "C";
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEnd();
            var errors = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? output : throw new InvalidOperationException($"{tool} {string.Join(' ', args)}: {errors}");
        }

        Run("/usr/bin/vipsheader", "upload");
        List<string> load = [format.Loader, "upload", content + options, "--fail-on", "truncated"];
        if (format == ImageFormat.Jpeg)
        {
            load.Add("--autorotate");
        }
        else
        {
            Run("/usr/bin/vipsheader", "-f", "orientation", "upload");
        }

        Run("/usr/bin/vips", [.. load]);
        Run("/usr/bin/vipsheader", content);
        Run("/usr/bin/vips", "thumbnail", content, "thumbnail.png", "250", "--height", "250", "--size", "down");
        foreach (var quality in new[] { "80", "70", "60", "50", "40", "30" })
        {
            Run("/usr/bin/vips", "webpsave", "thumbnail.png", "thumbnail.webp", "--Q", quality, "--strip");
            if (new FileInfo(Path.Combine(job, "thumbnail.webp")).Length <= ImagePipeline.ThumbnailTargetBytes)
            {
                break;
            }
        }

        Run("/usr/bin/vipsheader", "thumbnail.webp");
        _ = Sha256Hex.Of(File.ReadAllBytes(Path.Combine(job, content)));
        _ = Sha256Hex.Of(File.ReadAllBytes(Path.Combine(job, "upload")));
        var wall = clock.Elapsed.TotalSeconds;
        Directory.Delete(job, recursive: true);
        var (cpu, peak) = ReadTimes(times);
        return new Measure(wall, cpu, peak);
    }

    /// <summary>One image post through the real form: GET for the ticket, POST multipart; true when it was posted.</summary>
    private static async Task<bool> PostImage(HttpClient client, byte[] image, string body)
    {
        var html = await client.GetStringAsync(new Uri("/b/", UriKind.Relative));
        var ticket = TicketField().Match(html);
        using var form = new MultipartFormDataContent { { new StringContent(body), "body" } };
        var file = new ByteArrayContent(image);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        form.Add(file, "file", "photo.jpg");
        form.Add(new StringContent(WebUtility.HtmlDecode(ticket.Groups[1].Value)), "ticket");
        using var response = await client.PostAsync(new Uri("/b/post", UriKind.Relative), form);
        return response.StatusCode == HttpStatusCode.SeeOther;
    }

    private static HttpClient Client(BoardProcess board) =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, MaxConnectionsPerServer = 16 })
        {
            BaseAddress = board.BaseAddress,
            Timeout = TimeSpan.FromSeconds(120),
        };

    private static async Task PostsPerSecond(string imagePath)
    {
        var image = await File.ReadAllBytesAsync(imagePath);
        Console.WriteLine("Image posts per second through the real form (1920×1080 JPEG, new threads on /b/):");
        foreach (var workers in new[] { 1, Environment.ProcessorCount })
        {
            await using var board = await BoardProcess.StartAsync([.. Posters.GateSettings, Invariant($"--Board:Images:Workers={workers}")]);
            using var client = Client(board);
            await PostImage(client, image, "warm-up");
            foreach (var posters in new[] { 1, 4 })
            {
                const int PostsPerPoster = 6;
                var clock = Stopwatch.StartNew();
                var posted = await Task.WhenAll(Enumerable.Range(0, posters).Select(async p =>
                {
                    var ok = 0;
                    for (var i = 0; i < PostsPerPoster; i++)
                    {
                        ok += await PostImage(client, image, Invariant($"poster {p} post {i} workers {workers}")) ? 1 : 0;
                    }

                    return ok;
                }));
                var seconds = clock.Elapsed.TotalSeconds;
                Console.WriteLine(Invariant($"  Board:Images:Workers={workers}, {posters} poster(s): {posted.Sum()} of {posters * PostsPerPoster} posted in {seconds:0.0} s = {posted.Sum() / seconds:0.00} posts/s"));
            }
        }

        Console.WriteLine();
    }

    private static async Task FourAtOnce(string imagePath)
    {
        var image = await File.ReadAllBytesAsync(imagePath);
        await using var board = await BoardProcess.StartAsync([.. Posters.GateSettings, "--Board:Images:Workers=4", "--Board:Images:Queue=4"]);
        using var client = Client(board);
        await PostImage(client, image, "warm-up");
        var boardBefore = board.Status("VmRSS") ?? 0;
        var uploads = Path.Combine(board.DataDirectory, "uploads");
        long peakSum = 0, peakOne = 0;
        var seen = new HashSet<int>();
        var posting = Task.WhenAll(Enumerable.Range(0, 4).Select(i => PostImage(client, image, Invariant($"large {i}"))));
        while (!posting.IsCompleted)
        {
            long sum = 0;
            foreach (var (pid, rss, hwm) in Workers(uploads))
            {
                seen.Add(pid);
                sum += rss;
                peakOne = Math.Max(peakOne, hwm);
            }

            peakSum = Math.Max(peakSum, sum);
            await Task.Delay(10);
        }

        var posted = (await posting).Count(ok => ok);
        Console.WriteLine(Invariant($"4 × 12-megapixel JPEG posted at once (Board:Images:Workers=4): {posted} of 4 posted; {seen.Count} workers seen"));
        Console.WriteLine(Invariant($"  workers: peak of one (VmHWM) {peakOne / 1024.0:0.0} MiB, peak of all together (sum of VmRSS, sampled every 10 ms) {peakSum / 1024.0:0.0} MiB"));
        Console.WriteLine(Invariant($"  board:   RSS {boardBefore / 1048576.0:0.0} MiB before, peak (VmHWM) {(board.Status("VmHWM") ?? 0) / 1048576.0:0.0} MiB over its life"));
    }

    /// <summary>The board's workers now, from /proc: pid, VmRSS and VmHWM in KiB.</summary>
    private static IEnumerable<(int Pid, long Rss, long Hwm)> Workers(string uploads)
    {
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            (int, long, long)? found = null;
            try
            {
                if (File.ReadAllText(Path.Combine(entry, "cmdline")).Split('\0').Contains(ImageWorker.Command)
                    && new DirectoryInfo(Path.Combine(entry, "cwd")).LinkTarget is { } cwd && cwd.StartsWith(uploads, StringComparison.Ordinal))
                {
                    var status = File.ReadAllLines(Path.Combine(entry, "status"));
                    long Field(string name) => long.Parse(status.First(l => l.StartsWith(name + ":", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
                    found = (pid, Field("VmRSS"), Field("VmHWM"));
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                // Gone while we looked, or not yet past exec.
            }

            if (found is { } f)
            {
                yield return f;
            }
        }
    }

    [GeneratedRegex("<input type=\"hidden\" name=\"ticket\" value=\"([^\"]*)\"")]
    private static partial Regex TicketField();
}
