using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using AnonymousBoard.Site;

namespace AnonymousBoard.Benchmarks;

/// <summary>
/// A page's bytes on the wire when compression is asked for, against what the command-line tools make of the same
/// HTML: `brotli -q 11` (or .NET's encoder at quality 11 and window 24, the same library, when the tool is missing)
/// and `gzip -9`.
/// </summary>
internal sealed partial record CompressedWire(byte[] Html, byte[] First, byte[] Settled, string SettledCoding, TimeSpan SettledAfter,
    byte[] GzipOnly, byte[] Brotli11, string BrotliReference, byte[] Gzip9, bool Decodes)
{
    public static async Task<CompressedWire> Measure(HttpClient client, string path)
    {
        var (first, coding) = await Get(client, path, "gzip, br");
        // Read it now and then until it is compressed at the best level (after CompressedPage.Settle unchanged).
        var settled = first;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < CompressedPage.Settle + TimeSpan.FromSeconds(30))
        {
            await Task.Delay(250);
            (settled, coding) = await Get(client, path, "gzip, br");
            if (settled.Length < first.Length && clock.Elapsed > CompressedPage.Settle)
            {
                break;
            }
        }
        var (gzipOnly, _) = await Get(client, path, "gzip");
        var (plain, _) = await Get(client, path, null);
        var html = Decode(settled, coding);
        var (brotli, reference) = Tool("brotli", ["-q", "11", "-c"], html) is { } b
            ? (b, "brotli -q 11")
            : (DotnetBrotli11(html), "brotli quality 11, window 24 (.NET)");
        var gzip = Tool("gzip", ["-9", "-c", "-n"], html) ?? throw new InvalidOperationException("gzip is not installed");
        var decodes = Masked(html) == Masked(plain) && Masked(Decode(first, "br")) == Masked(plain) && Masked(Decode(gzipOnly, "gzip")) == Masked(plain);
        return new(html, first, settled, coding, clock.Elapsed, gzipOnly, brotli, reference, gzip, decodes);
    }

    private static async Task<(byte[] Body, string Coding)> Get(HttpClient client, string path, string? acceptEncoding)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        if (acceptEncoding is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
        }
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadAsByteArrayAsync(), response.Content.Headers.ContentEncoding.SingleOrDefault() ?? "identity");
    }

    private static byte[] Decode(byte[] body, string coding)
    {
        if (coding == "identity")
        {
            return body;
        }
        using var input = new MemoryStream(body);
        using Stream decoder = coding == "gzip" ? new GZipStream(input, CompressionMode.Decompress) : new BrotliStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        decoder.CopyTo(output);
        return output.ToArray();
    }

    private static byte[] DotnetBrotli11(byte[] html)
    {
        using var encoder = new BrotliEncoder(11, 24);
        var buffer = new byte[BrotliEncoder.GetMaxCompressedLength(html.Length)];
        encoder.Compress(html, buffer, out _, out var written, isFinalBlock: true);
        return buffer[..written];
    }

    /// <summary>What a command-line compressor writes for <paramref name="input"/>; null when it is not installed.</summary>
    private static byte[]? Tool(string name, string[] args, byte[] input)
    {
        var start = new ProcessStartInfo(name) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
        using (process)
        {
            var output = Task.Run(() =>
            {
                using var copy = new MemoryStream();
                process.StandardOutput.BaseStream.CopyTo(copy);
                return copy.ToArray();
            });
            process.StandardInput.BaseStream.Write(input);
            process.StandardInput.Close();
            process.WaitForExit();
            return process.ExitCode == 0 ? output.GetAwaiter().GetResult() : null;
        }
    }

    /// <summary>The page with its form's ticket, new for every request, written as "…".</summary>
    private static string Masked(byte[] html) => TicketValue().Replace(Encoding.UTF8.GetString(html), "name=\"ticket\" value=\"…\"");

    [GeneratedRegex("name=\"ticket\" value=\"[^\"]*\"")]
    private static partial Regex TicketValue();
}
