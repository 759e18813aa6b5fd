using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AnonymousBoard.Tests.Hostile;

/// <summary>A response read off the socket, as an <see cref="HttpResponseMessage"/> so the page checks apply to it.</summary>
public sealed record RawResponse(HttpResponseMessage Message, string Body)
{
    public HttpStatusCode Status => Message.StatusCode;

    public string ContentType => Message.Content.Headers.ContentType?.MediaType ?? "";
}

/// <summary>
/// HTTP/1.1 written byte for byte on a TCP socket: request lines, headers and bodies that no
/// well-behaved client library would send (raw bytes in the path, a missing Host, a broken body).
/// </summary>
public static class RawHttp
{
    public static Task<RawResponse> Get(Uri server, string target, string host = "localhost", string extraHeaders = "") =>
        Send(server, Ascii($"GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n{extraHeaders}\r\n"));

    /// <summary>A request whose target is exactly <paramref name="target"/>, bytes that are not ASCII included.</summary>
    public static Task<RawResponse> Get(Uri server, byte[] target) =>
        Send(server, [.. Ascii("GET "), .. target, .. Ascii(" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")]);

    public static Task<RawResponse> Post(Uri server, string target, string contentType, byte[] body, string extraHeaders = "") =>
        Send(server, [.. Ascii($"POST {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: {contentType}\r\n"
            + $"Content-Length: {body.Length.ToString(CultureInfo.InvariantCulture)}\r\n{extraHeaders}\r\n"), .. body]);

    public static byte[] Ascii(string text) => Encoding.Latin1.GetBytes(text);

    /// <summary>
    /// Sends <paramref name="request"/> as it is and reads the answer until the server closes the
    /// connection. Reading starts at once: a server that refuses a large body early (413) answers
    /// and resets while the body is still going out, and the answer must be read before the reset.
    /// </summary>
    public static async Task<RawResponse> Send(Uri server, byte[] request, TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port, cancel.Token);
        var stream = client.GetStream();
        using var received = new MemoryStream();
        var reading = Task.Run(async () =>
        {
            var buffer = new byte[65536];
            try
            {
                int read;
                while ((read = await stream.ReadAsync(buffer, cancel.Token)) > 0)
                {
                    received.Write(buffer, 0, read);
                }
            }
            catch (IOException)
            {
                // A reset after (or instead of) the answer: what arrived is the answer.
            }
        });
        try
        {
            await stream.WriteAsync(request, cancel.Token);
        }
        catch (IOException)
        {
            // The server answered (and closed) before reading everything.
        }
        await reading;
        return Parse(received.ToArray());
    }

    /// <summary>The connection was reset before any answer arrived (a body far past a limit, refused as it came).</summary>
    public static bool IsResetWithoutAnswer(Exception e) => e is InvalidDataException { Message: NoResponse };

    private const string NoResponse = "No HTTP response arrived before the connection closed.";

    /// <summary>Status line, headers and body (Content-Length or chunked) into a response message.</summary>
    public static RawResponse Parse(byte[] raw)
    {
        var text = Encoding.Latin1.GetString(raw);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (raw.Length == 0)
        {
            throw new InvalidDataException(NoResponse);
        }
        if (end < 0)
        {
            throw new InvalidDataException($"No complete HTTP response ({raw.Length} bytes): {text[..Math.Min(200, text.Length)]}");
        }
        var lines = text[..end].Split("\r\n");
        var status = lines[0].Split(' ');
        var message = new HttpResponseMessage((HttpStatusCode)int.Parse(status[1], CultureInfo.InvariantCulture));
        var headers = lines.Skip(1).Select(l => (Name: l[..l.IndexOf(':', StringComparison.Ordinal)], Value: l[(l.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim())).ToList();
        var bodyBytes = raw.AsSpan(end + 4).ToArray();
        if (headers.Any(h => h.Name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) && h.Value.Contains("chunked", StringComparison.OrdinalIgnoreCase)))
        {
            bodyBytes = Dechunk(bodyBytes);
        }
        message.Content = new ByteArrayContent(bodyBytes);
        foreach (var (name, value) in headers)
        {
            if (!message.Headers.TryAddWithoutValidation(name, value))
            {
                message.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }
        return new RawResponse(message, Encoding.UTF8.GetString(bodyBytes));
    }

    private static byte[] Dechunk(byte[] body)
    {
        using var output = new MemoryStream();
        var at = 0;
        while (at < body.Length)
        {
            var lineEnd = Array.IndexOf(body, (byte)'\n', at);
            if (lineEnd < 0)
            {
                break;
            }
            var size = int.Parse(Encoding.ASCII.GetString(body, at, lineEnd - at).Trim().Split(';')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (size == 0)
            {
                break;
            }
            output.Write(body, lineEnd + 1, size);
            at = lineEnd + 1 + size + 2;
        }
        return output.ToArray();
    }
}
