using System.Globalization;
using System.Net;
using AnonymousBoard.Tests.Moderation;
using AnonymousBoard.Tests.Support;

namespace AnonymousBoard.Tests.Search;

/// <summary>A running board with posts in several scripts, a hidden one, a spoiler and a second board, to search.</summary>
public sealed class SearchBoard : IAsyncLifetime
{
    public const string Latin = "The quick brown fox jumps over the lazy dog";
    public const string Cyrillic = "Съешь же ещё этих мягких французских булок";
    public const string Arabic = "مرحبا بالعالم من لوحة الرسائل";
    public const string Japanese = "東京タワーは夜にとても綺麗です";
    public const string Phrase = "A photograph of the lighthouse at dawn";
    public const string Hidden = "The word zeppelinarium is in a post staff hid";
    public const string Spoiled = "The answer is ||plutonium|| of course";

    public BoardServer Server { get; } = new();
    public WebBrowser Staff { get; private set; } = null!;
    public Dictionary<string, long> Posts { get; } = [];

    public async Task InitializeAsync()
    {
        await Server.InitializeAsync();
        var (code, output) = Server.RunCli("boards", "create", "tech", "Technology");
        Assert.True(code == 0, output);
        StaffKit.AddStaff(Server, "admin", "admin");
        Staff = await StaffKit.SignIn(Server, "admin");
        var thread = await StaffKit.Post(Server, "b", Latin);
        Posts[Latin] = thread;
        foreach (var text in new[] { Cyrillic, Arabic, Japanese, Phrase, Hidden, Spoiled })
        {
            Posts[text] = await StaffKit.Post(Server, "b", text, thread);
        }
        Posts["tech"] = await StaffKit.Post(Server, "tech", "A quick note on the other board about compilers");
        Assert.Equal(HttpStatusCode.OK, await StaffKit.Act(Staff, "b", Posts[Hidden], "hide"));
    }

    public Task DisposeAsync() => Server.DisposeAsync();

    public static string No(long no) => no.ToString(CultureInfo.InvariantCulture);
}
