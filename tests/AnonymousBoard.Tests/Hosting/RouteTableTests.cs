using AnonymousBoard.Hosting;
using AnonymousBoard.Reading;
using AnonymousBoard.Tests.Support;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.DependencyInjection;

namespace AnonymousBoard.Tests.Hosting;

/// <summary>The one route table is the whole truth: every URL the board answers is in it, with the methods its handler takes.</summary>
public sealed class RouteTableTests : IAsyncLifetime
{
    private readonly BoardServer _server = new();
    public Task InitializeAsync() => _server.InitializeAsync();
    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public void Every_endpoint_the_board_serves_is_in_the_route_table_and_every_row_is_served()
    {
        var served = _server.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>().Select(e => e.RoutePattern.RawText!.TrimEnd('/')).ToHashSet();
        var listed = Routes.Table.Select(r => r.Template.TrimEnd('/')).ToHashSet();
        Assert.Empty(served.Except(listed).Select(t => $"{t} is served but not in Hosting/Routes.cs"));
        Assert.Empty(listed.Except(served).Select(t => $"{t} is in Hosting/Routes.cs but not served"));
    }

    [Fact]
    public void Each_url_answers_exactly_the_methods_its_rows_name()
    {
        var served = _server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .GroupBy(e => e.RoutePattern.RawText!.TrimEnd('/'))
            .ToDictionary(g => g.Key, g => Methods(g.SelectMany(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["any"])));
        Assert.True(served.Count >= 15, $"only {served.Count} handler URLs found");
        foreach (var rows in Routes.Table.GroupBy(r => r.Template.TrimEnd('/')))
        {
            var named = rows.SelectMany(r => r.Methods.Split(' ')).ToList();
            // GET goes with HEAD, as a browser or a cache expects.
            var expected = Methods(named.Contains("GET") ? [.. named, "HEAD"] : named);
            Assert.True(served.TryGetValue(rows.Key, out var methods), $"{rows.Key} is not served");
            Assert.True(expected == methods, $"{rows.Key} answers {methods}; the table says {expected}");
        }
    }

    private static string Methods(IEnumerable<string> methods) => string.Join(' ', methods.Distinct().Order(StringComparer.Ordinal));
}
