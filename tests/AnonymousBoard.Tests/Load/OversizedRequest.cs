using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AnonymousBoard.Tests.Load;

/// <summary>
/// Sends a POST whose body the board refuses part-way, over a raw socket. The board answers 413 and
/// closes without reading the rest; a client that is still sending may then see the connection
/// reset before it reads the answer (HTTP lets the server close; whether a client library shows the
/// answer or the reset is a matter of timing). This sender stops sending as soon as the answer
/// begins, so a test always reads it.
/// </summary>
internal static class OversizedRequest
{
    public static async Task<HttpResponseMessage> SendAsync(Uri server, string path, string contentType, byte[] body, bool declareLength)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, server.Port);
        using var stream = new NetworkStream(socket, ownsSocket: false);
        var length = declareLength ? $"Content-Length: {body.Length.ToString(CultureInfo.InvariantCulture)}" : "Transfer-Encoding: chunked";
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {contentType}\r\n{length}\r\n\r\n"));

        var answer = new MemoryStream();
        var reading = ReadToEnd(stream, answer);
        const int Piece = 16 * 1024;
        try
        {
            for (var at = 0; at < body.Length && answer.Length == 0 && !reading.IsCompleted; at += Piece)
            {
                var piece = body.AsMemory(at, Math.Min(Piece, body.Length - at));
                if (!declareLength)
                {
                    await stream.WriteAsync(Encoding.ASCII.GetBytes(piece.Length.ToString("x", CultureInfo.InvariantCulture) + "\r\n"));
                }
                await stream.WriteAsync(piece);
                if (!declareLength)
                {
                    await stream.WriteAsync("\r\n"u8.ToArray());
                }
                await Task.Delay(1); // let an early answer arrive before the next piece
            }
        }
        catch (IOException)
        {
            // The board closed the connection: its answer is already on the way or read.
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await reading.WaitAsync(timeout.Token);
        return Parse(answer.ToArray());
    }

    private static async Task ReadToEnd(NetworkStream stream, MemoryStream answer)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer)) > 0)
            {
                lock (answer)
                {
                    answer.Write(buffer, 0, read);
                }
            }
        }
        catch (IOException)
        {
            // A reset after the answer: what was read is kept.
        }
    }

    /// <summary>Status line, headers and body (chunked or not) of an HTTP/1.1 answer.</summary>
    private static HttpResponseMessage Parse(byte[] raw)
    {
        var split = raw.AsSpan().IndexOf("\r\n\r\n"u8);
        Assert.True(split > 0, $"no complete answer came: \"{Encoding.ASCII.GetString(raw)}\"");
        var head = Encoding.ASCII.GetString(raw, 0, split).Split("\r\n");
        var status = int.Parse(head[0].Split(' ')[1], CultureInfo.InvariantCulture);
        var content = raw.AsSpan(split + 4);
        var body = new MemoryStream();
        if (head.Any(h => h.Equals("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase)))
        {
            while (true)
            {
                var end = content.IndexOf("\r\n"u8);
                var size = int.Parse(Encoding.ASCII.GetString(content[..end]), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                if (size == 0)
                {
                    break;
                }
                body.Write(content.Slice(end + 2, size));
                content = content[(end + 2 + size + 2)..];
            }
        }
        else
        {
            body.Write(content);
        }
        return new HttpResponseMessage((HttpStatusCode)status) { Content = new ByteArrayContent(body.ToArray()) };
    }
}
