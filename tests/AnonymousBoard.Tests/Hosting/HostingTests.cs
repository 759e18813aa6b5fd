using System.Net;
using System.Net.Sockets;
using AnonymousBoard.Hosting;
using AnonymousBoard.Settings;
using AnonymousBoard.Tests.Support;

namespace AnonymousBoard.Tests.Hosting;

public sealed class HostingTests
{
    [Theory]
    [InlineData("http://127.0.0.1:8080", true)]
    [InlineData("http://localhost:8080", true)]
    [InlineData("http://[::1]:8080", true)]
    [InlineData("http://0.0.0.0:8080", false)]
    [InlineData("http://*:8080", false)]
    [InlineData("http://+:8080", false)]
    [InlineData("http://192.168.1.5:8080", false)]
    [InlineData("http://[::]:8080", false)]
    public void Only_loopback_is_allowed_unless_the_operator_says_otherwise(string url, bool allowed)
    {
        Assert.Equal(allowed, ListenGuard.Check([url], allowPublic: false) is null);
        Assert.Null(ListenGuard.Check([url], allowPublic: true));
    }

    [Fact]
    public void The_board_refuses_to_start_on_a_public_address()
    {
        var e = Assert.Throws<StartupException>(() => BoardHost.Build(["--urls", "http://0.0.0.0:0", "--Board:DataDirectory=" + Path.GetTempPath()]));
        Assert.Contains("onion service", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_board_answers_on_a_unix_socket()
    {
        var dir = Directory.CreateTempSubdirectory("anonboard-sock-").FullName;
        var socket = Path.Combine(dir, "board.sock");
        await using var app = BoardHost.Build([$"--Board:UnixSocket={socket}", $"--Board:DataDirectory={dir}", "--Logging:LogLevel:Default=Warning"]);
        await app.StartAsync();
        try
        {
            using var handler = new SocketsHttpHandler
            {
                // As tor does with HiddenServiceExportCircuitID haproxy: the circuit first, then HTTP.
                ConnectCallback = async (_, token) =>
                {
                    var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                    await s.ConnectAsync(new UnixDomainSocketEndPoint(socket), token);
                    var stream = new NetworkStream(s, ownsSocket: true);
                    await stream.WriteAsync("PROXY TCP6 fc00:dead:beef:4dad::0:84 ::1 132 80\r\n"u8.ToArray(), token);
                    return stream;
                },
            };
            using var client = new HttpClient(handler);
            var response = await client.GetAsync(new Uri("http://board.onion/b/"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("/b/ – General", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

            // Without tor's PROXY line the socket answers nothing at all.
            using var bare = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await bare.ConnectAsync(new UnixDomainSocketEndPoint(socket));
            await bare.SendAsync("GET /b/ HTTP/1.1\r\nHost: board.onion\r\n\r\n"u8.ToArray());
            var buffer = new byte[256];
            Assert.Equal(0, await bare.ReceiveAsync(buffer));
        }
        finally
        {
            await app.StopAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Requests_for_another_host_get_a_plain_400_that_names_no_host()
    {
        var server = new BoardServer();
        await server.InitializeAsync();
        try
        {
            using var client = server.Client();
            using var request = new HttpRequestMessage(HttpMethod.Get, "/b/");
            request.Headers.Host = "evil.example";
            var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Null(response.Headers.Location);
            using var onion = new HttpRequestMessage(HttpMethod.Get, "/b/");
            onion.Headers.Host = "abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuvwx.onion";
            Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(onion)).StatusCode);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_fresh_data_directory_gets_a_working_board_b()
    {
        var server = new BoardServer();
        await server.InitializeAsync();
        try
        {
            // On PostgreSQL the database is the server's; the data directory holds the keys and media only.
            Assert.Equal(!EngineUnderTest.Postgres, File.Exists(Path.Combine(server.DataDirectory, "board.db")));
            var home = await server.Browser().Get("/");
            Assert.Contains("/b/ – General", home.Html, StringComparison.Ordinal);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}
