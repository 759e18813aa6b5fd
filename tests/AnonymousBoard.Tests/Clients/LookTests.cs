using Microsoft.Playwright;

namespace AnonymousBoard.Tests.Clients;

/// <summary>
/// How the pages look: screenshots of the sample board for a person to review (written to
/// <see cref="ClientTools.ScreenshotFolder"/>), and a check that no page scrolls sideways on a
/// phone-sized screen.
/// </summary>
[Collection(ClientSuite.Name)]
[Trait("Category", "Clients")]
public sealed class LookTests(Chromium chromium, SampleBoard sample)
{
    [Theory]
    [InlineData("light")]
    [InlineData("dark")]
    public async Task Screenshots_of_the_index_a_thread_the_catalog_and_the_post_form(string scheme)
    {
        await using var person = await Person.OpenBrowser(chromium, sample.Server.BaseAddress, scheme == "dark" ? ColorScheme.Dark : ColorScheme.Light);
        await person.Open("/");
        await person.Screenshot($"home-{scheme}");
        await person.Follow("/b/ – General");
        await person.Screenshot($"index-{scheme}");
        await person.Follow("Catalog");
        await person.Screenshot($"catalog-{scheme}");
        await person.Follow("Every kind of markup");
        await person.Screenshot($"thread-{scheme}");
        await person.Page.SetViewportSizeAsync(360, 740);
        await person.Screenshot($"thread-phone-{scheme}");
        await person.Page.SetViewportSizeAsync(1000, 800);
        await person.Open($"/b/thread/{sample.ImageThread}");
        await person.Screenshot($"image-thread-{scheme}");
        await person.Follow("Back to the board");
        await person.Follow("Every kind of markup");

        // The post form as someone sees it after a mistake: the errors above what they typed.
        var form = person.FormStartingWith("Reply to thread");
        await person.Type("Name", "Someone", form);
        await person.Press("Post", form);
        form = person.FormStartingWith("Reply to thread");
        Assert.Equal("Someone", await person.ValueOf("Name", form));
        await form.ScreenshotAsync(new() { Path = Path.Combine(ClientTools.ScreenshotFolder, $"post-form-rejected-{scheme}.png") });
        await person.Screenshot($"post-rejected-{scheme}");
    }

    [Theory]
    [MemberData(nameof(SampleBoard.Kinds), MemberType = typeof(SampleBoard))]
    public async Task The_page_fits_a_phone_screen_without_sideways_scrolling(string kind)
    {
        await using var context = await chromium.Inspector(sample.Server.BaseAddress, ColorScheme.Light);
        var page = await context.NewPageAsync();
        await page.SetViewportSizeAsync(360, 740);
        await page.GotoAsync("/");
        await page.SetContentAsync(sample[kind].Html, new() { WaitUntil = WaitUntilState.Load });
        var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, window.innerWidth]");
        Assert.True(widths[0] <= widths[1], $"The {kind} page is {widths[0]} px wide on a {widths[1]} px screen.");
    }
}
