using System.Net;
using AnonymousBoard.Tests.Support;

namespace AnonymousBoard.Tests.Hostile;

/// <summary>
/// The Host header. AllowedHosts (appsettings.json: localhost, 127.0.0.1, [::1] and *.onion) is
/// enforced by ASP.NET Core's host filtering: a request for any other host gets a bare 400 that
/// names nothing, not a page, not a redirect. The port is not part of the check.
/// </summary>
public sealed class HostHeaderTests : IAsyncLifetime
{
    private readonly BoardServer _server = new();

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    public static TheoryData<string, string> OtherHosts => new()
    {
        { "a name", "evil.example" },
        { "a name with a port", "evil.example:8080" },
        { "a public IPv4 address", "8.8.8.8" },
        { "a public IPv4 address with a port", "93.184.216.34:80" },
        { "a public IPv6 address", "[2001:4860:4860::8888]" },
        { "a private address", "10.0.0.1" },
        { "an onion look-alike", "board.onion.evil.example" },
        { "a trailing dot", "localhost.evil.example." },
        { "user info", "localhost@evil.example" },
    };

    [Theory]
    [MemberData(nameof(OtherHosts))]
    public async Task A_request_for_another_host_gets_a_bare_400_that_names_nothing(string what, string host)
    {
        foreach (var path in new[] { "/", "/b/", "/b/post", "/nothing-here", "/mod" })
        {
            var response = await RawHttp.Get(_server.BaseAddress, path, host);
            Assert.True(response.Status is HttpStatusCode.BadRequest or HttpStatusCode.MisdirectedRequest, $"{what} {path}: {(int)response.Status}");
            AssertNamesNoHost(response, HostName(host));
            Assert.Equal("", response.Body);
        }
    }

    [Fact]
    public async Task Requests_without_a_usable_host_are_refused_by_the_server_itself()
    {
        var requests = new (string What, string Request)[]
        {
            ("HTTP/1.1 without Host", "GET / HTTP/1.1\r\nConnection: close\r\n\r\n"),
            ("two Host headers", "GET / HTTP/1.1\r\nHost: localhost\r\nHost: evil.example\r\nConnection: close\r\n\r\n"),
            ("an absolute URL for another host", "GET http://evil.example/b/ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"),
            ("an absolute URL for another host, Host to match", "GET http://evil.example/b/ HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n"),
            ("CONNECT to another host", "CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\nConnection: close\r\n\r\n"),
        };
        foreach (var (what, request) in requests)
        {
            var response = await RawHttp.Send(_server.BaseAddress, RawHttp.Ascii(request));
            Assert.True((int)response.Status is 400 or 405 or 421, $"{what}: {(int)response.Status}");
            AssertNamesNoHost(response, "evil.example");
        }
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("localhost:8080")]
    [InlineData("127.0.0.1")]
    [InlineData("[::1]")]
    [InlineData("abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuvwx.onion")]
    [InlineData("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567ABCDEFGHIJKLMNOPQRSTUVWX.ONION:80")]
    public async Task The_allowed_hosts_are_served_and_every_redirect_stays_relative(string host)
    {
        var page = await RawHttp.Get(_server.BaseAddress, "/b/", host);
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.DoesNotContain(HostName(host), page.Body, StringComparison.OrdinalIgnoreCase);
        // GET /b/post answers with a redirect to the board: a path, never the host it was asked for.
        var redirect = await RawHttp.Get(_server.BaseAddress, "/b/post", host);
        Assert.True((int)redirect.Status is >= 300 and < 400, $"{(int)redirect.Status}");
        Assert.Equal("/b/", redirect.Message.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Forwarding_headers_are_not_believed()
    {
        var response = await RawHttp.Get(_server.BaseAddress, "/b/post", extraHeaders:
            "X-Forwarded-Host: evil.example\r\nX-Forwarded-Proto: https\r\nX-Forwarded-For: 8.8.8.8\r\nForwarded: host=evil.example;proto=https\r\nX-Original-URL: /mod\r\nX-Rewrite-URL: /mod\r\n");
        Assert.Equal("/b/", response.Message.Headers.Location!.OriginalString);
        AssertNamesNoHost(response, "evil.example");
        AssertNamesNoHost(response, "8.8.8.8");
    }

    /// <summary>The host without its port: "[2001:db8::1]:80" is 2001:db8::1.</summary>
    private static string HostName(string host) =>
        host.StartsWith('[') ? host[1..host.IndexOf(']', StringComparison.Ordinal)] : host.Split(':')[0];

    private static void AssertNamesNoHost(RawResponse response, string host)
    {
        if (response.Message.Headers.Location is { } location)
        {
            Assert.False(location.IsAbsoluteUri || location.OriginalString.StartsWith("//", StringComparison.Ordinal), $"a redirect to {location}");
        }
        Assert.DoesNotContain(host, response.Body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("http://", response.Body, StringComparison.OrdinalIgnoreCase);
        foreach (var (name, values) in response.Message.Headers.Concat(response.Message.Content.Headers))
        {
            Assert.DoesNotContain(values, v => v.Contains(host, StringComparison.OrdinalIgnoreCase));
            Assert.False(name is "Server" or "X-Powered-By", $"a {name} header");
        }
    }
}
