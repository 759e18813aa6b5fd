using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace AnonymousBoard.Benchmarks.Flood;

/// <summary>Tor's side of the board's socket: one HTTP client per circuit, its connections opening with tor's PROXY line.</summary>
public sealed class Onion(string socketPath)
{
    /// <summary>
    /// The line tor writes with <c>HiddenServiceExportCircuitID haproxy</c> (tor's manual): the circuit's
    /// global id as the last 32 bits of a fc00:dead:beef:4dad:: address, its low 16 bits as the source
    /// port, the onion service's virtual port as the destination.
    /// </summary>
    public static string ProxyLine(uint circuit, int virtualPort = 80) => string.Create(CultureInfo.InvariantCulture,
        $"PROXY TCP6 fc00:dead:beef:4dad::{circuit >> 16:x}:{circuit & 0xffff:x} ::1 {circuit & 0xffff} {virtualPort}\r\n");

    public HttpClient Circuit(uint circuit)
    {
        var line = Encoding.ASCII.GetBytes(ProxyLine(circuit));
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            ConnectCallback = async (_, token) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), token);
                    var stream = new NetworkStream(socket, ownsSocket: true);
                    await stream.WriteAsync(line, token);
                    return stream;
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = new Uri("http://drill.onion/"), Timeout = TimeSpan.FromSeconds(60) };
    }

    private int next = 0x10000;

    /// <summary>A circuit id never used before in this drill, as tor hands out for each new circuit.</summary>
    public uint NewCircuitId() => (uint)Interlocked.Increment(ref next);
}
