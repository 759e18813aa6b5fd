using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;

namespace AnonymousBoard.Benchmarks;

/// <summary>A post the board acknowledged with a 303: where it says the post is, and the words only it carries.</summary>
public sealed record Acknowledged(long Thread, long No, string Marker);

/// <summary>What a set of posters did: the posts acknowledged, the failures, and how long each form and each post took.</summary>
public sealed class Writes
{
    public ConcurrentBag<Acknowledged> Acknowledged { get; } = [];
    public ConcurrentQueue<string> Errors { get; } = new();

    /// <summary>Seconds from sending the POST to its answer, and whether it carried an image.</summary>
    public ConcurrentBag<(double Seconds, bool Image)> Latencies { get; } = [];

    /// <summary>Seconds the GET of the form's page took (it brings the ticket).</summary>
    public ConcurrentBag<double> FormLatencies { get; } = [];
}

/// <summary>A timed posting run (<see cref="Posters.Timed"/>); the medians in milliseconds.</summary>
/// <param name="PostersCpuMs">This process's CPU per post: the posters' (fetching the form, posting), which share the board's cores.</param>
public sealed record TimedPosting(Writes Writes, double Seconds, double BoardCpuMs, double PostersCpuMs = 0)
{
    public double FormMs => Stats.Median(Writes.FormLatencies) * 1000;
    public double PostMs => Stats.Median(Writes.Latencies.Select(l => l.Seconds)) * 1000;
}

/// <summary>What the check of the acknowledged posts found.</summary>
public sealed record PostCheck(IReadOnlyList<string> Missing, int Repeated, int LargestPage, int Threads);

/// <summary>
/// Posters as scripts post, shared by the load run and the engines benchmark: each fetches the page
/// with the form for its ticket, then posts it as a browser sends it (multipart), until the time is up;
/// afterwards every post the board acknowledged is looked for on its thread's page.
/// </summary>
public static partial class Posters
{
    /// <summary>
    /// The gate stays on (every post needs the ticket from its form) but at calm, with no time lock and a
    /// board-wide budget far above what the posters reach, as the tests run it: the figures then measure
    /// the board, not the gate's deliberate limits. Loopback connections carry no tor circuit, so no
    /// per-circuit budget applies. Logging as shipped: warnings only.
    /// </summary>
    public static readonly string[] GateSettings =
    [
        "--Board:Gate:TimeLock=false",
        "--Board:Gate:Level=calm",
        "--Board:Gate:CalmPostsPerMinute=1000000",
        "--Logging:LogLevel:Default=Warning",
        // A fresh data directory's new, unencrypted key ring is expected here; its warning is not news.
        "--Logging:LogLevel:Microsoft.AspNetCore.DataProtection=Error",
    ];

    /// <summary>
    /// One poster, until <paramref name="clock"/> passes <paramref name="duration"/>: mostly replies spread
    /// over <paramref name="threads"/>, a new thread every 200th post, every <paramref name="imageEvery"/>th
    /// post with a PNG (0: none).
    /// </summary>
    public static async Task Write(HttpClient client, int writer, IReadOnlyList<long> threads, int imageEvery, TimeSpan duration, Stopwatch clock, Writes writes)
    {
        for (var n = 0; clock.Elapsed < duration; n++)
        {
            // A new thread now and then, few enough that none is pushed off the board (150 live
            // threads) while the run checks them.
            long? thread = n % 200 == 199 ? null : threads[(writer + n) % threads.Count];
            var marker = Invariant($"w{writer}n{n}x{Guid.NewGuid():N}");
            var withImage = imageEvery > 0 && n % imageEvery == imageEvery - 1;
            try
            {
                var formPage = thread is { } t ? Invariant($"/b/thread/{t}") : "/b/";
                var fetched = Stopwatch.GetTimestamp();
                var ticket = await Ticket(client, formPage);
                writes.FormLatencies.Add(Stopwatch.GetElapsedTime(fetched).TotalSeconds);
                if (ticket is null)
                {
                    writes.Errors.Enqueue($"GET {formPage}: the form has no ticket");
                    continue;
                }
                using var form = new MultipartFormDataContent
                {
                    { new StringContent(""), "name" },
                    { new StringContent(Invariant($"Load test post {n} of writer {writer}. {marker}")), "body" },
                };
                if (thread is { } reply)
                {
                    form.Add(new StringContent(reply.ToString(CultureInfo.InvariantCulture)), "thread");
                }
                if (withImage)
                {
                    var image = new ByteArrayContent(Png(writer, n));
                    image.Headers.ContentType = new MediaTypeHeaderValue("image/png");
                    form.Add(image, "file", "load.png");
                }
                form.Add(new StringContent(ticket), "ticket");
                var started = Stopwatch.GetTimestamp();
                using var response = await client.PostAsync(new Uri("/b/post", UriKind.Relative), form);
                var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
                var location = PostLocation().Match(response.Headers.Location?.OriginalString ?? "");
                if (response.StatusCode != HttpStatusCode.SeeOther || !location.Success)
                {
                    var page = await response.Content.ReadAsStringAsync();
                    var alert = Regex.Match(page, "<li>(.*?)</li>", RegexOptions.Singleline, TimeSpan.FromSeconds(1));
                    writes.Errors.Enqueue(Invariant($"POST /b/post: {(int)response.StatusCode} {(alert.Success ? WebUtility.HtmlDecode(alert.Groups[1].Value) : "")}"));
                    continue;
                }
                writes.Latencies.Add((seconds, withImage));
                writes.Acknowledged.Add(new Acknowledged(
                    long.Parse(location.Groups[1].Value, CultureInfo.InvariantCulture), long.Parse(location.Groups[2].Value, CultureInfo.InvariantCulture), marker));
            }
            catch (HttpRequestException e)
            {
                writes.Errors.Enqueue($"writer {writer}: {e.Message}");
            }
            catch (TaskCanceledException)
            {
                writes.Errors.Enqueue($"writer {writer}: no answer within {client.Timeout.TotalSeconds} s");
            }
        }
    }

    /// <summary>
    /// <paramref name="posters"/> posters on one board for <paramref name="duration"/> (<see cref="Write"/>): what they
    /// wrote, how long it took, and the board's CPU per acknowledged post.
    /// </summary>
    public static async Task<TimedPosting> Timed(BoardProcess board, HttpClient client, IReadOnlyList<long> threads, int posters, TimeSpan duration)
    {
        var writes = new Writes();
        var cpuBefore = board.CpuTime().Own.TotalMilliseconds;
        var ownBefore = Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds;
        var started = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, posters).Select(w =>
            Task.Run(() => Write(client, w, threads, imageEvery: 0, duration, started, writes))));
        var seconds = started.Elapsed.TotalSeconds;
        var posts = Math.Max(1, writes.Acknowledged.Count);
        return new TimedPosting(writes, seconds, (board.CpuTime().Own.TotalMilliseconds - cpuBefore) / posts,
            (Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds - ownBefore) / posts);
    }

    /// <summary>Every acknowledged post must be on its thread's page, with its own words, and no number given twice.</summary>
    public static async Task<PostCheck> Check(HttpClient client, IEnumerable<Acknowledged> acknowledged)
    {
        var all = acknowledged.ToList();
        var missing = new List<string>();
        var largestPage = 0;
        var groups = all.GroupBy(a => a.Thread).ToList();
        foreach (var group in groups)
        {
            var html = await client.GetStringAsync(new Uri(Invariant($"/b/thread/{group.Key}"), UriKind.Relative));
            largestPage = Math.Max(largestPage, Encoding.UTF8.GetByteCount(html));
            foreach (var post in group)
            {
                var at = html.IndexOf(Invariant($"id=\"p{post.No}\""), StringComparison.Ordinal);
                var end = at < 0 ? -1 : html.IndexOf("</article>", at, StringComparison.Ordinal);
                if (end < 0 || !html.AsSpan(at, end - at).Contains(post.Marker, StringComparison.Ordinal))
                {
                    missing.Add(Invariant($"No. {post.No} in thread {post.Thread}"));
                }
            }
        }
        var repeated = all.Count - all.Select(a => a.No).Distinct().Count();
        return new PostCheck(missing, repeated, largestPage, groups.Count);
    }

    /// <summary>A 64×64 PNG whose pixels depend on the writer and post, so each is a new file to decode and store.</summary>
    private static byte[] Png(int writer, int n)
    {
        const int Size = 64;
        var raw = new byte[Size * ((Size * 3) + 1)];
        for (var y = 0; y < Size; y++)
        {
            var row = y * ((Size * 3) + 1); // each row starts with filter type 0
            for (var x = 0; x < Size; x++)
            {
                raw[row + 1 + (x * 3)] = (byte)((x * 4) + writer);
                raw[row + 2 + (x * 3)] = (byte)((y * 4) + n);
                raw[row + 3 + (x * 3)] = (byte)((x ^ y) + (n * 7));
            }
        }
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            zlib.Write(raw);
        }
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, Size);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), Size);
        header[8] = 8; // bits per channel
        header[9] = 2; // RGB
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        Chunk(png, "IHDR", header);
        Chunk(png, "IDAT", compressed.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        Span<byte> number = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(number, data.Length);
        png.Write(number);
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        png.Write(typed);
        BinaryPrimitives.WriteUInt32BigEndian(number, Crc32(typed));
        png.Write(number);
    }

    /// <summary>The CRC-32 of PNG chunks (ISO 3309, reflected polynomial 0xEDB88320).</summary>
    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }
        return ~crc;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static readonly byte[] TicketField = Encoding.UTF8.GetBytes("<input type=\"hidden\" name=\"ticket\" value=\"");

    /// <summary>
    /// The posting ticket in the form of the page at <paramref name="path"/>, or null. The page is read through one pooled
    /// buffer, keeping the end of each read for a field cut at it, and searched as bytes: a poster's own work on a page of
    /// hundreds of replies (a large array for each fetch, decoding it to a string, scanning it with a pattern) would
    /// otherwise take the shared cores from the board it measures.
    /// </summary>
    public static async Task<string?> Ticket(HttpClient client, string path)
    {
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            string? ticket = null;
            var kept = 0;
            for (var read = await body.ReadAsync(buffer.AsMemory(kept)); read > 0; read = await body.ReadAsync(buffer.AsMemory(kept)))
            {
                var window = buffer.AsSpan(0, kept + read);
                ticket = TicketIn(window) ?? ticket;
                kept = Math.Min(window.Length, 1024);
                window[^kept..].CopyTo(buffer);
            }
            return ticket;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static string? TicketIn(ReadOnlySpan<byte> html)
    {
        var at = html.LastIndexOf(TicketField);
        if (at < 0)
        {
            return null;
        }
        var value = html[(at + TicketField.Length)..];
        var end = value.IndexOf((byte)'"');
        return end < 0 ? null : WebUtility.HtmlDecode(Encoding.UTF8.GetString(value[..end]));
    }

    [GeneratedRegex(@"^/b/thread/(\d+)#p(\d+)$")]
    private static partial Regex PostLocation();
}
