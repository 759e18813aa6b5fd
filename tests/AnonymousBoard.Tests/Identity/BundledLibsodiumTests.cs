using System.Net;
using AnonymousBoard.Tests.Durability;
using AnonymousBoard.Tests.Support;

namespace AnonymousBoard.Tests.Identity;

/// <summary>
/// The built board in its own process, after it has signed and stretched passwords: the only
/// libsodium in its memory map is the one NSec's NuGet package ships (the app's runtimes/ folder or
/// the NuGet cache), never a system one such as Debian's /usr/lib/x86_64-linux-gnu/libsodium.so.23.
/// </summary>
public sealed class BundledLibsodiumTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("anonboard-sodium-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Fact]
    public async Task The_running_board_maps_only_the_libsodium_from_the_NSec_package()
    {
        using var board = await BoardProcess.StartAsync(_data);
        using var client = board.Client();
        var browser = new WebBrowser(client);
        // A secure tripcode (Argon2id) and a signing passphrase (Argon2id, then Ed25519): libsodium is surely loaded.
        var (response, thread) = await browser.Submit(await browser.Get("/b/"), "/b/post", new Dictionary<string, string?>
        {
            ["name"] = "Anon##secret",
            ["passphrase"] = "correct horse battery staple",
            ["body"] = "signed, with a secure tripcode",
        });
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Contains("!!", thread!.Document.QuerySelector(".trip")?.TextContent ?? "", StringComparison.Ordinal);

        string[] sodium = (await File.ReadAllLinesAsync($"/proc/{board.ProcessId}/maps"))
            .Select(line => line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length == 6 && fields[5].Contains("libsodium", StringComparison.Ordinal))
            .Select(fields => fields[5].Trim())
            .Distinct()
            .ToArray();

        Assert.NotEmpty(sodium);
        string runtimes = Path.Combine(AppContext.BaseDirectory, "runtimes") + "/";
        string nuget = Path.Combine(Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } packages
            ? packages : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"), "libsodium") + "/";
        Assert.All(sodium, path => Assert.True(
            (path.StartsWith(runtimes, StringComparison.Ordinal) || path.StartsWith(nuget, StringComparison.Ordinal)) && path.EndsWith("/native/libsodium.so", StringComparison.Ordinal),
            $"the board mapped {path}, not the libsodium from NSec's package (under {runtimes} or {nuget})"));
        Assert.False(board.HasExited);
    }
}
