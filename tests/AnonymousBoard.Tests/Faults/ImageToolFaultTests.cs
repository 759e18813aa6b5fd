using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using AnonymousBoard.Tests.Media;
using AnonymousBoard.Tests.Support;

namespace AnonymousBoard.Tests.Faults;

/// <summary>
/// The image worker impossible at start, its program removed while the board runs, killed in the
/// middle of a job, or all workers busy: the poster gets a clear message with the text kept, text
/// posting goes on, and the board keeps running.
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
        using var form = ImageForm(image, fileName, body, await server.Ticket());
        using var client = server.Client();
        client.Timeout = TimeSpan.FromSeconds(60);
        return await client.PostAsync(new Uri("/b/post", UriKind.Relative), form);
    }

    /// <summary>The posting form with a subject, a comment, an image and the ticket, as a browser sends it.</summary>
    private static MultipartFormDataContent ImageForm(byte[] image, string fileName, string body, string ticket)
    {
        var form = new MultipartFormDataContent
        {
            { new StringContent("a subject"), "subject" },
            { new StringContent(body), "body" },
        };
        var part = new ByteArrayContent(image);
        part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(part, "file", fileName);
        form.Add(new StringContent(ticket), "ticket");
        return form;
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

    /// <summary>
    /// The built board run from a directory of its own (links to the test run's build, and a copy of
    /// AnonymousBoard.dll that a test may take away), as <see cref="Durability.BoardProcess"/>.
    /// </summary>
    private string ProgramCopy()
    {
        var program = Directory.CreateDirectory(_scratch.PathOf("program")).FullName;
        foreach (var entry in Directory.EnumerateFileSystemEntries(AppContext.BaseDirectory))
        {
            var name = Path.GetFileName(entry);
            if (name != "AnonymousBoard.dll")
            {
                File.CreateSymbolicLink(Path.Combine(program, name), entry);
            }
        }
        File.Copy(Path.Combine(AppContext.BaseDirectory, "AnonymousBoard.dll"), Path.Combine(program, "AnonymousBoard.dll"));
        return program;
    }

    private static async Task<HttpResponseMessage> PostImage(Durability.BoardProcess board, byte[] image, string fileName, string body)
    {
        using var client = board.Client();
        var page = await new WebBrowser(board.Client()).Get("/b/");
        using var form = ImageForm(image, fileName, body, page.Field("/b/post", "ticket")!);
        return await client.PostAsync(new Uri("/b/post", UriKind.Relative), form);
    }

    [Fact]
    public async Task Without_prlimit_at_start_the_form_says_so_an_image_post_keeps_its_text_and_text_posts_work()
    {
        // A PATH without util-linux: the board cannot box a worker in, so it starts none.
        var empty = Directory.CreateDirectory(_scratch.PathOf("no-tools")).FullName;
        var data = _scratch.PathOf("board-data");
        using var board = await Durability.BoardProcess.StartAsync(data, AppContext.BaseDirectory, new Dictionary<string, string> { ["PATH"] = empty });
        Assert.Contains("image posting is disabled: install util-linux", board.Output, StringComparison.Ordinal);

        var index = await new WebBrowser(board.Client()).Get("/b/");
        Assert.Contains("Image posting is disabled on this board", index.Html, StringComparison.Ordinal);
        Assert.Null(index.Document.QuerySelector("input[type=file]"));

        // A script can still send a file: it gets the same explanation, with its text.
        var image = await File.ReadAllBytesAsync(TestImages.Marked(_scratch, "a.png"));
        var alert = await AssertRefusedWithTextKept(await PostImage(board, image, "a.png", "with a picture"), HttpStatusCode.ServiceUnavailable, "with a picture");
        Assert.Contains("Image posting is disabled on this board", alert, StringComparison.Ordinal);
        Assert.DoesNotContain(empty, alert, StringComparison.Ordinal);

        using var client = board.Client();
        var ticket = (await new WebBrowser(board.Client()).Get("/b/")).Field("/b/post", "ticket")!;
        var text = await client.PostAsync(new Uri("/b/post", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string> { ["ticket"] = ticket, ["body"] = "text still works" }));
        Assert.Equal(HttpStatusCode.SeeOther, text.StatusCode);
    }

    [Fact]
    public async Task Worker_program_removed_while_the_board_runs_gives_a_clear_message_and_posting_recovers_when_it_is_back()
    {
        var program = ProgramCopy();
        var assembly = Path.Combine(program, "AnonymousBoard.dll");
        var data = _scratch.PathOf("board-data");
        using var board = await Durability.BoardProcess.StartAsync(data, program, new Dictionary<string, string>());
        var image = await File.ReadAllBytesAsync(TestImages.Marked(_scratch, "b.png"));
        Assert.Equal(HttpStatusCode.SeeOther, (await PostImage(board, image, "b.png", "worker in place")).StatusCode);

        // As an upgrade in place that went wrong: the running board keeps its copy in memory, a
        // new worker finds nothing to run.
        File.Move(assembly, assembly + ".away");
        var alert = await AssertRefusedWithTextKept(await PostImage(board, image, "b.png", "worker gone"), HttpStatusCode.ServiceUnavailable, "worker gone");
        Assert.Contains("The image could not be processed: the image tools could not be run", alert, StringComparison.Ordinal);
        Assert.Contains("your text is kept", alert, StringComparison.Ordinal);
        Assert.DoesNotContain(program, alert, StringComparison.Ordinal); // no path of the server's
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(data, "uploads")));

        File.Move(assembly + ".away", assembly);
        Assert.Equal(HttpStatusCode.SeeOther, (await PostImage(board, image, "b.png", "worker back")).StatusCode);
    }

    [Fact]
    public async Task Worker_killed_in_the_middle_of_a_job_gives_a_clear_message_and_the_board_keeps_running()
    {
        await using var running = await Started(new BoardServer());
        var server = running.Server;
        // 50 frames of 300×300 noise: decoding and re-encoding takes a worker about a second here.
        var gif = await File.ReadAllBytesAsync(TestImages.NoiseGif(_scratch, "slow.gif", 300, 50));

        var posting = PostImage(server, gif, "slow.gif", "posted while the worker is killed");
        int? killed = null;
        var jobs = Path.Combine(server.DataDirectory, "uploads");
        var giveUp = Stopwatch.StartNew();
        while (killed is null && !posting.IsCompleted && giveUp.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (WorkerIn(jobs) is { } pid)
            {
                using var worker = Process.GetProcessById(pid);
                worker.Kill(); // SIGKILL, as the kernel's out-of-memory killer sends it
                killed = pid;
            }
        }
        Assert.True(killed is not null, "no image worker of this board was seen running");

        var alert = await AssertRefusedWithTextKept(await posting, HttpStatusCode.ServiceUnavailable, "posted while the worker is killed");
        Assert.Contains("The image could not be processed: the image decoder was stopped before it finished", alert, StringComparison.Ordinal);
        AssertNoUploadLeft(server);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client().GetAsync(new Uri("/b/thread/1", UriKind.Relative))).StatusCode);

        // The board goes on: text and images post as before.
        Assert.Equal(HttpStatusCode.SeeOther, (await PostText(server, "text after the kill")).StatusCode);
        var small = await File.ReadAllBytesAsync(TestImages.Marked(_scratch, "after.png"));
        Assert.Equal(HttpStatusCode.SeeOther, (await PostImage(server, small, "after.png", "an image after the kill")).StatusCode);
    }

    [Fact]
    public async Task With_every_worker_busy_and_the_queue_full_a_poster_is_asked_to_try_again_with_the_text_kept()
    {
        // One worker, no queue: while one slow image is processed, the others are turned away.
        await using var running = await Started(new BoardServer { Settings = { "--Board:Images:Workers=1", "--Board:Images:Queue=0" } });
        var server = running.Server;
        var gif = await File.ReadAllBytesAsync(TestImages.NoiseGif(_scratch, "slow.gif", 300, 50));

        var posts = Enumerable.Range(1, 3).Select(i => PostImage(server, gif, "slow.gif", $"poster {i}")).ToList();
        var responses = await Task.WhenAll(posts);

        Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.SeeOther);
        var busy = responses.Select((r, i) => (Response: r, Body: $"poster {i + 1}")).Where(p => p.Response.StatusCode != HttpStatusCode.SeeOther).ToList();
        Assert.NotEmpty(busy);
        foreach (var (response, body) in busy)
        {
            var alert = await AssertRefusedWithTextKept(response, HttpStatusCode.ServiceUnavailable, body);
            Assert.Contains("The board is busy processing other images: try again in a moment", alert, StringComparison.Ordinal);
            Assert.Contains("your text is kept", alert, StringComparison.Ordinal);
        }

        // Once the worker is free, the next image goes through.
        var small = await File.ReadAllBytesAsync(TestImages.Marked(_scratch, "after.png"));
        Assert.Equal(HttpStatusCode.SeeOther, (await PostImage(server, small, "after.png", "after the rush")).StatusCode);
        AssertNoUploadLeft(server);
    }

    /// <summary>An image worker (this program's image-worker subcommand) working in a job of this board, from /proc.</summary>
    internal static int? WorkerIn(string jobs)
    {
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }
            try
            {
                if (File.ReadAllText(Path.Combine(entry, "cmdline")).Split('\0').Contains("image-worker")
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
}
