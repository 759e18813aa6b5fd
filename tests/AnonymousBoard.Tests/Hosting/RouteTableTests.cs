using System.Reflection;
using AnonymousBoard.Hosting;
using AnonymousBoard.Reading;
using AnonymousBoard.Tests.Support;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Razor.Hosting;
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
        var listed = Routes.PageTable.Select(r => r.Template.TrimEnd('/'))
            .Concat(Routes.Table.Select(r => r.Template.TrimEnd('/')))
            .ToHashSet();
        Assert.Empty(served.Except(listed).Select(t => $"{t} is served but not in Hosting/Routes.cs"));
        Assert.Empty(listed.Except(served).Select(t => $"{t} is in Hosting/Routes.cs but not served"));
    }

    [Fact]
    public void Each_url_answers_exactly_the_methods_its_rows_name()
    {
        var served = _server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<PageActionDescriptor>() is null)
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

    [Fact]
    public void The_methods_the_table_names_are_the_handlers_each_page_has()
    {
        // Razor compiles each .cshtml to a class named by the attribute below; its Model property is the page's model.
        var pages = typeof(Routes).Assembly.GetCustomAttributes<RazorCompiledItemAttribute>()
            .Where(a => a.Kind == "mvc.1.0.razor-page")
            .ToDictionary(a => a.Identifier.Replace("/Pages", "", StringComparison.Ordinal).Replace(".cshtml", "", StringComparison.Ordinal), a => a.Type);
        foreach (var row in Routes.PageTable)
        {
            Assert.True(pages.TryGetValue(row.Page, out var page), $"{row.Page} is in the table but is no page");
            var model = page!.GetProperty("Model")!.PropertyType;
            IEnumerable<string> methods = typeof(PageModel).IsAssignableFrom(model)
                ? model.GetMethods(BindingFlags.Public | BindingFlags.Instance)
                    .Select(m => m.Name.StartsWith("OnGet", StringComparison.Ordinal) ? "GET" : m.Name.StartsWith("OnPost", StringComparison.Ordinal) ? "POST" : null)
                    .OfType<string>().Distinct().Order(StringComparer.Ordinal)
                : ["GET"]; // a page with no model only shows itself
            var named = string.Join(' ', methods);
            Assert.True(named == row.Methods, $"{row.Page} handles {named}; the table says {row.Methods}");
        }
        Assert.Empty(pages.Keys.Except(Routes.PageTable.Select(r => r.Page)).Select(p => $"the page {p} has no row in the table"));
    }
}
