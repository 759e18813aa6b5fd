using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AnonymousBoard.Benchmarks;

/// <summary>
/// The bare baseline: Kestrel with one route answering fixed bytes, nothing else (no board middleware,
/// headers or logging), in the process that starts it (the reading and size benchmarks), or alone (OwnProcessReferences).
/// </summary>
public sealed class BareKestrel : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Dictionary<string, (byte[] Bytes, string Type)> _documents = new(StringComparer.Ordinal);

    private BareKestrel(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public static async Task<BareKestrel> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"] });
        var app = builder.Build();
        var bare = new BareKestrel(app);
        app.MapGet("/fixed/{name}", (string name) =>
            bare._documents.TryGetValue(name, out var d) ? Results.Bytes(d.Bytes, d.Type) : Results.NotFound());
        await app.StartAsync();
        bare.BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return bare;
    }

    /// <summary>Serves a copy of <paramref name="bytes"/>; returns its path. Call before the load starts.</summary>
    public string Add(string name, byte[] bytes, string type)
    {
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)).AsSpan(0, 6));
        _documents[key] = (bytes.ToArray(), type);
        return "/fixed/" + key;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
