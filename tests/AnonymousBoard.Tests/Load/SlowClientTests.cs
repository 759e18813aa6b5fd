using System.Net;
using System.Net.Sockets;
using System.Text;
using AnonymousBoard.Tests.Support;

namespace AnonymousBoard.Tests.Load;

/// <summary>
/// Clients that hold connections open by sending slowly (slowloris) are dropped, and the board
/// answers everyone else meanwhile. The timeouts are shortened so the test runs in seconds; the
/// production values are the defaults of Board:Limits.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class SlowClientTests : IAsyncLifetime
{
    private const int SlowClientsOfEachKind = 10;
    private static readonly TimeSpan ByteEvery = TimeSpan.FromMilliseconds(700);
    // Only a bound on waiting: with the settings below Kestrel drops them after 3-5 s.
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(30);

    private readonly BoardServer _server = new()
    {
        Settings = { "--Board:Limits:RequestHeadersTimeoutSeconds=3", "--Board:Limits:MinBodyGraceSeconds=3" },
    };

    public Task InitializeAsync() => _server.InitializeAsync();
    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task Slow_header_and_slow_body_clients_are_dropped_while_the_board_keeps_answering_others()
    {
        var port = _server.BaseAddress.Port;
        using var client = _server.Client();
        client.Timeout = TimeSpan.FromSeconds(10);
        // Warm up first, so the first answers below do not wait for the JIT.
        Assert.Equal(HttpStatusCode.SeeOther, (await Post(client, "warming up")).StatusCode);
        using var stop = new CancellationTokenSource(GiveUpAfter);
        // Headers that never end: one more byte of a header line at a time.
        var slowHeaders = Enumerable.Range(0, SlowClientsOfEachKind).Select(i => Trickle(port,
            $"GET /b/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow-{i}: ", stop.Token)).ToList();
        // A body that declares 100000 bytes and sends about 1.4 a second, far below the minimum rate.
        var slowBodies = Enumerable.Range(0, SlowClientsOfEachKind).Select(_ => Trickle(port,
            "POST /b/post HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\nbody=", stop.Token)).ToList();
        var slow = slowHeaders.Concat(slowBodies).ToList();

        // Meanwhile an ordinary reader and poster: every answer must come, and be the right one.
        var answeredWhileSlowOpen = 0;
        var rounds = 0;
        while (slow.Any(t => !t.IsCompleted) && !stop.IsCancellationRequested)
        {
            var page = await client.GetAsync(new Uri("/b/", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            var posted = await Post(client, $"still here, round {rounds++}");
            Assert.Equal(HttpStatusCode.SeeOther, posted.StatusCode);
            if (slow.Any(t => !t.IsCompleted))
            {
                answeredWhileSlowOpen++;
            }
            await Task.Delay(100);
        }

        Assert.True(slow.All(t => t.IsCompleted), $"the board did not drop every slow client within {GiveUpAfter.TotalSeconds} s");
        var results = await Task.WhenAll(slow);
        Assert.All(results, r => Assert.True(r.DroppedByServer, $"a slow client ended without the server closing it (sent {r.BytesSent} bytes)"));
        // They were dropped while still sending, not because they had stopped.
        Assert.All(results, r => Assert.True(r.BytesSent >= 2, $"sent only {r.BytesSent} bytes before being dropped"));
        Assert.True(answeredWhileSlowOpen >= 1, $"only {answeredWhileSlowOpen} ordinary requests were answered while slow clients were connected");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/b/", UriKind.Relative))).StatusCode);
    }

    private async Task<HttpResponseMessage> Post(HttpClient client, string body) =>
        await client.PostAsync(new Uri("/b/post", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["ticket"] = await _server.Ticket(),
            ["body"] = body,
        }));

    private sealed record SlowResult(bool DroppedByServer, int BytesSent, string Answer);

    /// <summary>Sends <paramref name="start"/>, then one byte every <see cref="ByteEvery"/>, until the server closes the connection.</summary>
    private static async Task<SlowResult> Trickle(int port, string start, CancellationToken giveUp)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(IPAddress.Loopback, port, giveUp);
        using var stream = new NetworkStream(socket, ownsSocket: false);
        await stream.WriteAsync(Encoding.ASCII.GetBytes(start), giveUp);
        var sent = start.Length;
        var answer = new StringBuilder();
        var closed = ReadUntilClosed(stream, answer, giveUp);
        try
        {
            while (!closed.IsCompleted)
            {
                await Task.WhenAny(closed, Task.Delay(ByteEvery, giveUp));
                if (closed.IsCompleted)
                {
                    break;
                }
                await stream.WriteAsync("a"u8.ToArray(), giveUp);
                sent++;
            }
        }
        catch (IOException)
        {
            // The server reset the connection while we wrote: dropped.
            return new SlowResult(true, sent - start.Length, answer.ToString());
        }
        catch (OperationCanceledException)
        {
            return new SlowResult(false, sent - start.Length, answer.ToString());
        }
        return new SlowResult(await closed, sent - start.Length, answer.ToString());
    }

    /// <summary>True when the server closed or reset the connection; whatever it said first is kept.</summary>
    private static async Task<bool> ReadUntilClosed(NetworkStream stream, StringBuilder answer, CancellationToken giveUp)
    {
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, giveUp)) > 0)
            {
                answer.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }
            return true;
        }
        catch (IOException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
