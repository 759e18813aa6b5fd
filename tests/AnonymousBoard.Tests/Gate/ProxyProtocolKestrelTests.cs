using System.Net;
using System.Net.Sockets;
using System.Text;
using AnonymousBoard.Gate;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace AnonymousBoard.Tests.Gate;

/// <summary>
/// The middleware on a real Kestrel listener, spoken to over a raw socket the way tor speaks to it:
/// the PROXY line first, then the browser's HTTP bytes.
/// </summary>
public class ProxyProtocolKestrelTests
{
    private const string Request = "GET /circuit HTTP/1.1\r\nHost: example.onion\r\nConnection: close\r\n\r\n";

    [Fact]
    public async Task Valid_header_gives_the_request_its_circuit_id()
    {
        await using var server = await EchoServer.StartAsync(requireHeader: true);

        var response = await server.SendAsync("PROXY TCP6 fc00:dead:beef:4dad::0:84 ::1 132 80\r\n" + Request);

        Assert.StartsWith("HTTP/1.1 200", response, StringComparison.Ordinal);
        Assert.Contains("circuit=132;", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Canonical_address_form_is_accepted()
    {
        await using var server = await EchoServer.StartAsync(requireHeader: true);

        var response = await server.SendAsync("PROXY TCP6 fc00:dead:beef:4dad::1:2 ::1 2 80\r\n" + Request);

        Assert.Contains("circuit=65538;", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Header_arriving_a_byte_at_a_time_is_read_whole()
    {
        await using var server = await EchoServer.StartAsync(requireHeader: true);

        var response = await server.SendAsync(ProxyProtocol.Format(4_000_000_000) + Request, chunkSize: 1);

        Assert.Contains("circuit=4000000000;", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keep_alive_requests_on_one_connection_share_the_circuit()
    {
        await using var server = await EchoServer.StartAsync(requireHeader: true);
        var twoRequests = "GET /circuit HTTP/1.1\r\nHost: example.onion\r\n\r\n" + Request;

        var response = await server.SendAsync(ProxyProtocol.Format(7) + twoRequests);

        Assert.True(response.Split("circuit=7").Length == 3, response);
    }

    [Fact]
    public async Task Malformed_header_drops_the_connection()
    {
        await using var server = await EchoServer.StartAsync(requireHeader: true);

        var response = await server.SendAsync("PROXY TCP6 fc00:dead:beef:4dad::zz ::1 132 80\r\n" + Request);

        Assert.Equal("", response);
    }

    [Fact]
    public async Task Malformed_header_drops_the_connection_even_when_not_required()
    {
        await using var server = await EchoServer.StartAsync(requireHeader: false);

        var response = await server.SendAsync("PROXY TCP4 10.0.0.1 10.0.0.2 132 80\r\n" + Request);

        Assert.Equal("", response);
    }

    [Fact]
    public async Task Oversized_header_drops_the_connection()
    {
        await using var server = await EchoServer.StartAsync(requireHeader: true);

        var response = await server.SendAsync("PROXY TCP6 " + new string('a', 120) + "\r\n" + Request);

        Assert.Equal("", response);
    }

    [Fact]
    public async Task Missing_header_drops_the_connection_when_required()
    {
        await using var server = await EchoServer.StartAsync(requireHeader: true);

        var response = await server.SendAsync(Request);

        Assert.Equal("", response);
    }

    [Fact]
    public async Task Missing_header_passes_http_through_untouched_when_not_required()
    {
        await using var server = await EchoServer.StartAsync(requireHeader: false);

        var response = await server.SendAsync(Request);

        Assert.StartsWith("HTTP/1.1 200", response, StringComparison.Ordinal);
        Assert.Contains("circuit=none;", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Header_that_never_ends_times_out()
    {
        await using var server = await EchoServer.StartAsync(requireHeader: true, headerTimeout: TimeSpan.FromMilliseconds(300));

        var response = await server.SendAsync("PROXY TCP6 fc00:dead");

        Assert.Equal("", response);
    }

    /// <summary>A Kestrel server on a free loopback port whose one endpoint echoes the circuit id.</summary>
    internal sealed class EchoServer : IAsyncDisposable
    {
        private readonly WebApplication app;

        private EchoServer(WebApplication app, int port)
        {
            this.app = app;
            Port = port;
        }

        public int Port { get; }

        public static async Task<EchoServer> StartAsync(bool requireHeader, TimeSpan? headerTimeout = null)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(kestrel =>
                kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseTorCircuitId(requireHeader, headerTimeout)));
            var app = builder.Build();
            app.MapGet("/circuit", (HttpContext context) => "circuit=" + (context.GetCircuitId()?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none") + ";");
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            return new EchoServer(app, new Uri(address).Port);
        }

        /// <summary>
        /// Sends raw bytes and returns everything the server answered before it closed ("" if it just hung up).
        /// The client never half-closes: Kestrel takes a FIN as the client going away and may drop the
        /// response, and neither tor nor browsers half-close; "Connection: close" ends the exchange instead.
        /// </summary>
        public async Task<string> SendAsync(string text, int chunkSize = int.MaxValue)
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port);
            var stream = client.GetStream();
            var bytes = Encoding.ASCII.GetBytes(text);
            try
            {
                for (var at = 0; at < bytes.Length; at += chunkSize)
                {
                    await stream.WriteAsync(bytes.AsMemory(at, Math.Min(chunkSize, bytes.Length - at)));
                    await stream.FlushAsync();
                    if (chunkSize < bytes.Length)
                    {
                        await Task.Delay(2);
                    }
                }
            }
            catch (IOException)
            {
                // The server may hang up while we are still writing; what it answered is what counts.
            }
            var received = new MemoryStream();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await stream.CopyToAsync(received, timeout.Token);
            }
            catch (IOException)
            {
                // Connection reset: the server aborted, which is an answer of "nothing".
            }
            return Encoding.ASCII.GetString(received.ToArray());
        }

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
