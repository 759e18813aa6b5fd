using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using AnonymousBoard.Tests.Support;

namespace AnonymousBoard.Tests.Durability;

/// <summary>A post whose 303 the poster received: the board promised it exists.</summary>
/// <param name="Image">The test image sent with it, or null for a text post.</param>
/// <param name="Tripcode">True when it was posted as Name#key.</param>
/// <param name="Quotes">The post (same board and thread) its body quotes with &gt;&gt;N, or null.</param>
public sealed record AckedPost(string Board, long No, long ThreadNo, string Body, string Marker, string? Image, bool Tripcode, long? Quotes)
{
    /// <summary>Which POST this was, counting from 1 as they were sent (<see cref="Posters.Attempts"/> before it was sent is one less).</summary>
    public int Sent { get; init; }
}

/// <summary>
/// Many people posting at once through the real form: new threads, replies (some quoting, some
/// with a tripcode) and replies with images. Every 303 is recorded; a board that answers the same
/// number twice for different posts, or answers anything but 303 while it runs, is noted as a fault.
/// </summary>
public sealed partial class Posters(IReadOnlyList<(string Name, byte[] Bytes)> images, int seed)
{
    private readonly ConcurrentDictionary<(string Board, long No), AckedPost> _acked = new();
    private readonly ConcurrentQueue<string> _faults = new();
    private readonly Random _seeds = new(seed);
    private int _attempts;

    public static readonly string[] Boards = ["b", "t"];

    public IReadOnlyCollection<AckedPost> Acked => _acked.Values.ToList();

    public IReadOnlyCollection<string> Faults => _faults;

    /// <summary>POSTs sent, answered or not.</summary>
    public int Attempts => _attempts;

    /// <summary>Posts until <paramref name="stop"/> or until the board goes away (each poster stops at its first connection error).</summary>
    public async Task RunAsync(Uri board, int count, CancellationToken stop)
    {
        var seeds = Enumerable.Range(0, count).Select(_ => _seeds.Next()).ToList();
        await Task.WhenAll(seeds.Select(s => Task.Run(() => PostUntilStoppedAsync(board, new Random(s), stop), CancellationToken.None)));
    }

    private async Task PostUntilStoppedAsync(Uri address, Random random, CancellationToken stop)
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = address };
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await PostOnceAsync(client, random, stop);
            }
            catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
            {
                // The board was killed under this request: its post is neither promised nor refused.
                return;
            }
        }
    }

    private async Task PostOnceAsync(HttpClient client, Random random, CancellationToken stop)
    {
        var board = Boards[random.Next(Boards.Length)];
        var page = await WebBrowser.Read(await client.GetAsync(new Uri($"/{board}/", UriKind.Relative), stop), $"/{board}/");
        if (page.Status != HttpStatusCode.OK || page.Field($"/{board}/post", "ticket") is not { } ticket)
        {
            _faults.Enqueue($"/{board}/ answered {(int)page.Status} without a posting form");
            return;
        }
        var threads = _acked.Values.Where(a => a.Board == board && a.No == a.ThreadNo).ToList();
        var roll = random.Next(100);
        var newThread = threads.Count == 0 || roll < 15;
        var thread = newThread ? null : threads[random.Next(threads.Count)];
        string? image = !newThread && roll >= 65 ? images[random.Next(images.Count)].Name : null;
        long? quotes = null;
        if (thread is not null && random.Next(3) == 0)
        {
            var inThread = _acked.Values.Where(a => a.Board == board && a.ThreadNo == thread.No).ToList();
            quotes = inThread[random.Next(inThread.Count)].No;
        }
        var tripcode = random.Next(5) == 0;
        var marker = $"crash-{Guid.NewGuid():N}";
        var body = (quotes is { } q ? $">>{q}\n" : "") + $"{marker}\nsecond line of {marker}";

        using var form = new MultipartFormDataContent
        {
            { new StringContent(tripcode ? "crasher#key" : ""), "name" },
            { new StringContent(newThread ? $"thread {marker[..14]}" : ""), "subject" },
            { new StringContent(body), "body" },
        };
        if (thread is not null)
        {
            form.Add(new StringContent(thread.No.ToString(System.Globalization.CultureInfo.InvariantCulture)), "thread");
        }
        // A browser always sends the file part; an empty one when nothing was chosen.
        var part = new ByteArrayContent(image is null ? [] : images.First(i => i.Name == image).Bytes);
        part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        part.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data") { Name = "\"file\"", FileName = $"\"{image}\"" };
        form.Add(part);
        form.Add(new StringContent(ticket), "ticket");

        var sent = Interlocked.Increment(ref _attempts);
        using var response = await client.PostAsync(new Uri($"/{board}/post", UriKind.Relative), form, stop);
        if (response.StatusCode != HttpStatusCode.SeeOther)
        {
            _faults.Enqueue($"{(int)response.StatusCode} for a post to /{board}/: {await response.Content.ReadAsStringAsync(stop)}");
            return;
        }
        var location = PostLocation().Match(response.Headers.Location!.OriginalString);
        if (!location.Success || location.Groups[1].Value != board)
        {
            _faults.Enqueue($"unexpected Location {response.Headers.Location}");
            return;
        }
        var no = long.Parse(location.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture);
        var acked = new AckedPost(board, no, long.Parse(location.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture),
            body, marker, image, tripcode, quotes) { Sent = sent };
        var first = _acked.GetOrAdd((board, no), acked);
        if (first != acked)
        {
            _faults.Enqueue($"/{board}/ No. {no} was promised twice: to {first.Marker} and to {marker}");
        }
    }

    [GeneratedRegex(@"^/([a-z0-9]+)/thread/(\d+)#p(\d+)$", RegexOptions.CultureInvariant)]
    private static partial Regex PostLocation();
}
