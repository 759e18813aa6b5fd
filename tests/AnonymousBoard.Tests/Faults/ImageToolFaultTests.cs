using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using AnonymousBoard.Tests.Media;
using AnonymousBoard.Tests.Support;

namespace AnonymousBoard.Tests.Faults;

/// <summary>
/// libvips missing at start, removed while the board runs, or killed in the middle of a job: the
/// poster gets a clear message with the text kept, text posting goes on, and the board keeps running.
/// </summary>
public sealed class ImageToolFaultTests : IDisposable
{
    private readonly MediaScratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    /// <summary>Each test starts its own board, with its own settings, and stops it at the end.</summary>
    private static async Task<Running> Started(BoardServer server)
    {
        await server.InitializeAsync();
        return new Running(server);
    }

    private sealed class Running(BoardServer server) : IAsyncDisposable
    {
        public BoardServer Server => server;

        public async ValueTask DisposeAsync() => await server.DisposeAsync();
    }

    private static async Task<HttpResponseMessage> PostImage(BoardServer server, byte[] image, string fileName, string body)
    {
        using var form = new MultipartFormDataContent
        {
            { new StringContent("a subject"), "subject" },
            { new StringContent(body), "body" },
        };
        var part = new ByteArrayContent(image);
        part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(part, "file", fileName);
        form.Add(new StringContent(await server.Ticket()), "ticket");
        using var client = server.Client();
        client.Timeout = TimeSpan.FromSeconds(60);
        return await client.PostAsync(new Uri("/b/post", UriKind.Relative), form);
    }

    private static async Task<HttpResponseMessage> PostText(BoardServer server, string body)
    {
        using var client = server.Client();
        return await client.PostAsync(new Uri("/b/post", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["ticket"] = await server.Ticket(),
            ["body"] = body,
        }));
    }

    /// <summary>The form came back with the message and with what was typed.</summary>
    private static async Task<string> AssertRefusedWithTextKept(HttpResponseMessage response, HttpStatusCode status, string body)
    {
        Assert.Equal(status, response.StatusCode);
        var page = await WebBrowser.Read(response, "/b/post");
        Assert.Equal(body, page.Field("/b/post", "body"));
        Assert.Equal("a subject", page.Field("/b/post", "subject"));
        return page.Document.QuerySelector("[role=alert]")!.TextContent;
    }

    private static void AssertNoUploadLeft(BoardServer server)
    {
        var uploads = Path.Combine(server.DataDirectory, "uploads");
        Assert.Empty(Directory.Exists(uploads) ? Directory.EnumerateFileSystemEntries(uploads) : []);
    }

    [Fact]
    public async Task Without_vips_at_start_the_form_says_so_an_image_post_keeps_its_text_and_text_posts_work()
    {
        var empty = Directory.CreateDirectory(_scratch.PathOf("no-tools")).FullName;
        await using var running = await Started(new BoardServer { Settings = { $"--Board:VipsDirectory={empty}" } });
        var server = running.Server;

        var index = await server.Browser().Get("/b/");
        Assert.Contains("Image posting is disabled on this board", index.Html, StringComparison.Ordinal);
        Assert.Null(index.Document.QuerySelector("input[type=file]"));

        // A script can still send a file: it gets the same explanation, with its text.
        var image = await File.ReadAllBytesAsync(TestImages.Marked(_scratch, "a.png"));
        var alert = await AssertRefusedWithTextKept(await PostImage(server, image, "a.png", "with a picture"), HttpStatusCode.ServiceUnavailable, "with a picture");
        Assert.Contains("Image posting is disabled on this board", alert, StringComparison.Ordinal);
        Assert.DoesNotContain(empty, alert, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.SeeOther, (await PostText(server, "text still works")).StatusCode);
        AssertNoUploadLeft(server);
    }

    [Fact]
    public async Task Vips_removed_while_the_board_runs_gives_a_clear_message_and_posting_recovers_when_it_is_back()
    {
        var tools = Directory.CreateDirectory(_scratch.PathOf("tools")).FullName;
        void Install()
        {
            foreach (var name in new[] { "vips", "vipsheader" })
            {
                File.CreateSymbolicLink(Path.Combine(tools, name), Which(name));
            }
        }
        Install();
        await using var running = await Started(new BoardServer { Settings = { $"--Board:VipsDirectory={tools}" } });
        var server = running.Server;
        var image = await File.ReadAllBytesAsync(TestImages.Marked(_scratch, "b.png"));
        Assert.Equal(HttpStatusCode.SeeOther, (await PostImage(server, image, "b.png", "tools in place")).StatusCode);

        foreach (var link in Directory.GetFiles(tools))
        {
            File.Delete(link);
        }
        var alert = await AssertRefusedWithTextKept(await PostImage(server, image, "b.png", "tools gone"), HttpStatusCode.ServiceUnavailable, "tools gone");
        Assert.Contains("The image could not be processed: the image tools could not be run", alert, StringComparison.Ordinal);
        Assert.Contains("your text is kept", alert, StringComparison.Ordinal);
        Assert.DoesNotContain(tools, alert, StringComparison.Ordinal); // no path of the server's
        Assert.Equal(HttpStatusCode.SeeOther, (await PostText(server, "text still works")).StatusCode);
        AssertNoUploadLeft(server);

        Install();
        Assert.Equal(HttpStatusCode.SeeOther, (await PostImage(server, image, "b.png", "tools back")).StatusCode);
    }

    [Fact]
    public async Task Vips_killed_in_the_middle_of_a_job_gives_a_clear_message_and_the_board_keeps_running()
    {
        await using var running = await Started(new BoardServer());
        var server = running.Server;
        // 50 frames of 300×300 noise: decoding and re-encoding takes vips about a second here.
        TestImages.Noise(_scratch, "noise.png", 300, 300 * 50);
        Tools.Vips(_scratch.Root, "gifsave", "noise.png", "slow.gif", "--page-height", "300");
        var gif = await File.ReadAllBytesAsync(_scratch.PathOf("slow.gif"));

        var posting = PostImage(server, gif, "slow.gif", "posted while vips is killed");
        int? killed = null;
        var jobs = Path.Combine(server.DataDirectory, "uploads");
        var giveUp = Stopwatch.StartNew();
        while (killed is null && !posting.IsCompleted && giveUp.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (VipsWorkingIn(jobs) is { } pid)
            {
                using var vips = Process.GetProcessById(pid);
                vips.Kill(); // SIGKILL, as the kernel's out-of-memory killer sends it
                killed = pid;
            }
        }
        Assert.True(killed is not null, "no vips process of this board was seen running");

        var alert = await AssertRefusedWithTextKept(await posting, HttpStatusCode.ServiceUnavailable, "posted while vips is killed");
        Assert.Contains("The image could not be processed: the image decoder was stopped before it finished", alert, StringComparison.Ordinal);
        AssertNoUploadLeft(server);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client().GetAsync(new Uri("/b/thread/1", UriKind.Relative))).StatusCode);

        // The board goes on: text and images post as before.
        Assert.Equal(HttpStatusCode.SeeOther, (await PostText(server, "text after the kill")).StatusCode);
        var small = await File.ReadAllBytesAsync(TestImages.Marked(_scratch, "after.png"));
        Assert.Equal(HttpStatusCode.SeeOther, (await PostImage(server, small, "after.png", "an image after the kill")).StatusCode);
    }

    /// <summary>A vips or vipsheader process whose working directory is a job of this board, from /proc.</summary>
    private static int? VipsWorkingIn(string jobs)
    {
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }
            try
            {
                if (File.ReadAllText(Path.Combine(entry, "comm")).Trim() is "vips" or "vipsheader"
                    && new DirectoryInfo(Path.Combine(entry, "cwd")).LinkTarget is { } cwd
                    && cwd.StartsWith(jobs + "/", StringComparison.Ordinal))
                {
                    return pid;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process ended while we looked.
            }
        }
        return null;
    }

    private static string Which(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException($"{name} is not installed (.ci/install-system-packages installs libvips-tools).");
}
