using System.Diagnostics;
using AnonymousBoard.Media;

namespace AnonymousBoard.Tests.Media;

/// <summary>
/// The box an image worker runs in. Scripts stand in for the worker where a real one cannot be made
/// to misbehave on purpose; the runner takes the worker's command for that.
/// </summary>
public sealed class VipsRunnerTests : IDisposable
{
    private readonly MediaScratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    private string Script(string name, string body)
    {
        var path = _scratch.PathOf(name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        Tools.Run("chmod", _scratch.Root, "u+x", path);
        return path;
    }

    private static MemoryStream Upload(string file) => new(File.ReadAllBytes(file));

    [Fact]
    public async Task Without_a_worker_image_posting_is_disabled_and_says_why()
    {
        var runner = VipsRunner.Create(new VipsSettings { WorkerCommand = ["/nonexistent/AnonymousBoard", "image-worker"], TempDirectory = _scratch.JobsDirectory });
        var pipeline = new ImagePipeline(runner);

        Assert.False(pipeline.IsAvailable);
        Assert.Equal("image posting is disabled: the image worker could not be found", pipeline.UnavailableReason);
        var outcome = await pipeline.ProcessAsync(new MemoryStream([0xFF, 0xD8, 0xFF]), new ImageLimits(), CancellationToken.None);
        Assert.Equal(new ImageRejected("image posting is disabled: the image worker could not be found"), outcome);
    }

    [Fact]
    public async Task A_decoder_that_hangs_is_killed_with_its_children_at_the_time_limit()
    {
        var sleeperPid = _scratch.PathOf("sleeper.pid");
        var hanging = Script("hanging-worker", $"sleep 300 &\necho $! > {sleeperPid}\nwait");
        var pipeline = new ImagePipeline(_scratch.Runner(timeLimit: TimeSpan.FromSeconds(1), workerCommand: [hanging]));
        var jpeg = TestImages.Marked(_scratch, "marked.jpg");

        var clock = Stopwatch.StartNew();
        var outcome = await pipeline.ProcessAsync(Upload(jpeg), new ImageLimits(), CancellationToken.None);

        Assert.Equal(new ImageRejected("the image took too long to decode"), outcome);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10));
        var pid = File.ReadAllText(sleeperPid).Trim();
        Assert.False(IsRunning(pid), $"the decoder's child {pid} outlived the time limit");
        _scratch.AssertNoJobLeft();
    }

    /// <summary>Running unless gone or a zombie (killed, waiting for its parent to reap it).</summary>
    private static bool IsRunning(string pid)
    {
        var stat = $"/proc/{pid}/stat";
        return File.Exists(stat) && File.ReadAllText(stat).Split(") ")[1][0] != 'Z';
    }

    [Fact]
    public async Task A_real_decode_that_passes_the_time_limit_is_stopped()
    {
        var big = Photo("slow.jpg");
        var pipeline = new ImagePipeline(_scratch.Runner(timeLimit: TimeSpan.FromMilliseconds(50)));

        var outcome = await pipeline.ProcessAsync(Upload(big), new ImageLimits { MaxBytes = 64 * 1024 * 1024 }, CancellationToken.None);

        Assert.Equal(new ImageRejected("the image took too long to decode"), outcome);
        _scratch.AssertNoJobLeft();
    }

    [Fact]
    public async Task A_decode_that_needs_more_memory_than_allowed_fails_with_a_reason()
    {
        var big = Photo("big.jpg");
        // Enough to read the header, not to decode and write 12 megapixels in colour (that takes about 200 MB more).
        var pipeline = new ImagePipeline(_scratch.Runner(memoryLimitBytes: 64L * 1024 * 1024));

        var outcome = await pipeline.ProcessAsync(Upload(big), new ImageLimits { MaxBytes = 64 * 1024 * 1024 }, CancellationToken.None);

        Assert.Equal(new ImageRejected("the image needs more memory to decode than the board allows"), outcome);
        _scratch.AssertNoJobLeft();
    }

    /// <summary>A 4000×3000 (12 megapixel) noisy JPEG.</summary>
    private string Photo(string name)
    {
        using var noise = NetVips.Image.NewFromFile(TestImages.Noise(_scratch, "photo.png", 4000, 3000));
        using var colour = noise.Colourspace(NetVips.Enums.Interpretation.Srgb);
        colour.WriteToFile(_scratch.PathOf(name));
        return _scratch.PathOf(name);
    }

    [Fact]
    public async Task A_worker_runs_with_a_clean_environment_a_CPU_limit_no_network_in_its_own_directory()
    {
        var probe = Script("probe-worker", """
            echo "cwd=$(pwd)"
            echo "args=$*"
            env
            cat /proc/self/limits
            echo "interfaces: $(tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' | tr '\n' ' ')"
            """);
        var runner = VipsRunner.Create(new VipsSettings { WorkerCommand = [probe], TempDirectory = _scratch.JobsDirectory, MemoryLimitBytes = 123_456_789, CpuSecondsLimit = 42 });

        string output;
        using (var job = runner.CreateJob())
        {
            var run = await job.WorkerAsync(["JPEG"], CancellationToken.None);
            Assert.True(run.Succeeded, run.Reason);
            output = run.Output;
            Assert.Contains($"cwd={job.WorkingDirectory}\n", output, StringComparison.Ordinal);
            Assert.Contains($"TMPDIR={job.WorkingDirectory}\n", output, StringComparison.Ordinal);
        }

        // The worker caps its own address space with the budget it is given, once started.
        Assert.Contains("args=JPEG 123456789\n", output, StringComparison.Ordinal);
        Assert.Contains("VIPS_BLOCK_UNTRUSTED=1\n", output, StringComparison.Ordinal);
        Assert.Contains("DOTNET_gcServer=0\n", output, StringComparison.Ordinal);
        var variables = output.Split('\n').Where(l => l.Contains('=', StringComparison.Ordinal) && !l.StartsWith("cwd=", StringComparison.Ordinal) && !l.StartsWith("args=", StringComparison.Ordinal)).Select(l => l.Split('=')[0]);
        var allowed = VipsRunner.WorkerEnvironment("/").Keys.Concat(["PWD", "SHLVL", "_", "OLDPWD"]).ToList();
        Assert.All(variables, v => Assert.Contains(v, allowed));
        Assert.Matches(@"Max cpu time\s+42\s+42\s+seconds", output);
        Assert.Matches(@"Max core file size\s+0\s+0\s+bytes", output);
        // In a network namespace of its own there is only a loopback interface.
        Assert.Contains("interfaces: lo \n", output, StringComparison.Ordinal);
        Assert.StartsWith("image workers run without network access (unshare", runner.NetworkNote, StringComparison.Ordinal);
        _scratch.AssertNoJobLeft();
    }

    [Fact]
    public async Task Output_past_the_cap_is_dropped_without_blocking_the_child()
    {
        var chatty = Script("chatty-worker", "head -c 5000000 /dev/zero | tr '\\0' x\necho oops >&2\nexit 3");
        var runner = VipsRunner.Create(new VipsSettings { WorkerCommand = [chatty], TempDirectory = _scratch.JobsDirectory, OutputLimitBytes = 1000 });

        using var job = runner.CreateJob();
        var run = await job.WorkerAsync([], CancellationToken.None);

        Assert.Equal(new string('x', 1000), run.Output);
        Assert.Equal("the image could not be decoded (exit code 3)", run.Reason);
    }

    [Theory]
    [InlineData("accepted\nwidth=60\nheight=40\nframes=1\nthumbnail-width=60\nthumbnail-height=40\n", true)]
    [InlineData("accepted\nwidth=61\nheight=40\nframes=1\nthumbnail-width=60\nthumbnail-height=40\n", false)]
    [InlineData("accepted\nwidth=60\nheight=40\nframes=1\nthumbnail-width=60\nthumbnail-height=41\n", false)]
    [InlineData("accepted\nwidth=60\nheight=40\nframes=2\nthumbnail-width=60\nthumbnail-height=40\n", false)]
    [InlineData("accepted\nheight=40\nwidth=60\nframes=1\nthumbnail-width=60\nthumbnail-height=40\n", false)]
    [InlineData("accepted\nwidth=60\nheight=40\nframes=1\nthumbnail-width=60\nthumbnail-height=40\nextra=1\n", false)]
    [InlineData("rejected\nthe file is <b>bad</b>\n", true)]
    [InlineData("rejected\ntwo\nlines\n", false)]
    public async Task What_a_worker_answers_is_believed_only_when_its_files_agree(string result, bool believed)
    {
        // A PNG and a WebP thumbnail of 60×40, made for real; the script only copies them and answers.
        var png = TestImages.Marked(_scratch, "real.png");
        var webp = TestImages.Marked(_scratch, "real.webp");
        File.WriteAllText(_scratch.PathOf("answer"), result);
        var liar = Script("answering-worker", $"cp {png} content.png\ncp {webp} thumbnail.webp\ncp {_scratch.PathOf("answer")} result");
        var pipeline = new ImagePipeline(_scratch.Runner(workerCommand: [liar]));

        var outcome = await pipeline.ProcessAsync(Upload(png), new ImageLimits(), CancellationToken.None);

        var expected = !believed ? "the image could not be written again" : result.StartsWith("rejected", StringComparison.Ordinal) ? "the file is <b>bad</b>" : null;
        if (expected is null)
        {
            var image = Assert.IsType<ImageAccepted>(outcome).Image;
            Assert.Equal((60, 40, 1, 60, 40), (image.Width, image.Height, image.Frames, image.ThumbnailWidth, image.ThumbnailHeight));
        }
        else
        {
            Assert.Equal(new ImageRejected(expected), outcome);
        }
        _scratch.AssertNoJobLeft();
    }

    [Fact]
    public async Task Cancelling_the_request_kills_the_decoder_too()
    {
        var sleeperPid = _scratch.PathOf("cancelled.pid");
        var hanging = Script("hanging-worker", $"echo $$ > {sleeperPid}\nexec sleep 300");
        var runner = VipsRunner.Create(new VipsSettings { WorkerCommand = [hanging], TempDirectory = _scratch.JobsDirectory });
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));

        using (var job = runner.CreateJob())
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => job.WorkerAsync([], cancel.Token));
        }

        Assert.False(IsRunning(File.ReadAllText(sleeperPid).Trim()));
        _scratch.AssertNoJobLeft();
    }

    [Theory]
    [InlineData(134, "Unhandled exception. System.OutOfMemoryException: Insufficient memory to continue the execution of the program.\n", "the image needs more memory to decode than the board allows")]
    [InlineData(134, "(process:22038): GLib-ERROR **: 21:00:21.560: ../glib/gmem.c:177: failed to allocate 8388608 bytes\n", "the image needs more memory to decode than the board allows")]
    [InlineData(1, "glib: Error creating thread: Resource temporarily unavailable\n", "the image needs more memory to decode than the board allows")]
    [InlineData(145, "The application to execute does not exist: '/srv/board/AnonymousBoard.dll'.\n", "the image tools could not be run")]
    [InlineData(139, "", "the image could not be decoded: the decoder crashed")]
    [InlineData(2, "", "the image could not be decoded (exit code 2)")]
    public void How_a_worker_died_becomes_a_reason_a_poster_can_read(int exitCode, string stderr, string reason)
    {
        Assert.Equal(reason, VipsRunner.DescribeFailure(exitCode, stderr));
    }

    [Theory]
    [InlineData("unable to call jpegload\nVipsJpeg: Premature end of input file\nupload: unable to read\n", "the image could not be decoded: VipsJpeg: Premature end of input file")]
    [InlineData("unable to call pngload\nvips_tracked: out of memory --- size == 34MB\n", "the image needs more memory to decode than the board allows")]
    [InlineData("unable to call gifload\nbad \u00e9\u0007 name\n", "the image could not be decoded: bad ?? name")]
    public void What_libvips_said_becomes_a_reason_a_poster_can_read(string error, string reason)
    {
        Assert.Equal(reason, ImageWorker.Describe(error));
    }
}
