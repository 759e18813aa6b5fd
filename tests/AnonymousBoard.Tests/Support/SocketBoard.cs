using System.Net.Sockets;
using AnonymousBoard.Gate;

namespace AnonymousBoard.Tests.Support;

/// <summary>
/// The real board reached as tor reaches it: over its unix socket, every connection opening with the
/// PROXY line that names its circuit. Each test starts it with the gate settings it needs.
/// </summary>
public sealed class SocketBoard : IAsyncLifetime
{
    private readonly string _socket = Path.Combine(Path.GetTempPath(), $"gate-{Guid.NewGuid():N}.sock");

    public BoardServer Server { get; private set; } = null!;

    public async Task StartAsync(params string[] settings)
    {
        Server = new BoardServer();
        Server.Settings.AddRange([$"--Board:UnixSocket={_socket}", .. settings]);
        await Server.InitializeAsync();
    }

    /// <summary>An HTTP client whose every connection arrives on tor circuit <paramref name="circuit"/>.</summary>
    public HttpClient Circuit(uint circuit) => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        ConnectCallback = async (_, token) =>
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(_socket), token);
            var stream = new NetworkStream(socket, ownsSocket: true);
            await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(ProxyProtocol.Format(circuit)), token);
            return stream;
        },
    }) { BaseAddress = new Uri("http://board.onion/") };

    /// <summary>Nothing to do: each test calls <see cref="StartAsync"/> with its own settings.</summary>
    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }
        File.Delete(_socket);
    }
}
