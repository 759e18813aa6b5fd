using AnonymousBoard.Reading;

namespace AnonymousBoard.Tests.Clients;

/// <summary>
/// Every kind of page passes the W3C Nu HTML checker (vnu.jar, pinned in package.json) with no
/// errors. Valid markup is what old, text and unusual browsers have in common: they all get it right.
/// </summary>
[Collection(ClientSuite.Name)]
[Trait("Category", "Clients")]
public sealed class HtmlValidityTests(SampleBoard sample)
{
    private static readonly Lock Once = new();
    private static Task<Dictionary<string, List<string>>>? s_check;

    [Theory]
    [MemberData(nameof(SampleBoard.Kinds), MemberType = typeof(SampleBoard))]
    public async Task The_page_passes_the_Nu_HTML_checker(string kind)
    {
        var errors = await CheckAll();
        Assert.True(errors[kind].Count == 0, $"The {kind} page ({sample[kind].Path}) has HTML errors:\n{string.Join('\n', errors[kind])}");
    }

    [Fact]
    public async Task The_stylesheet_passes_the_Nu_CSS_checker()
    {
        var file = Path.Combine(Path.GetTempPath(), $"board-{Guid.NewGuid():N}.css");
        await File.WriteAllBytesAsync(file, AnonymousBoard.Site.StyleSheet.Bytes);
        try
        {
            var messages = await NuChecker.Run(["--css", file]);
            Assert.True(messages.Count == 0, "board.css has errors:\n" + string.Join('\n', messages.Select(m => m.Text)));
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>
    /// One checker run for every page (the JVM takes longer to start than to check a page); its
    /// outcome, a failure too, is shared by every test instead of running the checker again.
    /// </summary>
    private Task<Dictionary<string, List<string>>> CheckAll()
    {
        lock (Once)
        {
            return s_check ??= NuChecker.CheckPages(sample.Pages.Select(p => (p.Kind, p.Html)).ToList());
        }
    }
}
