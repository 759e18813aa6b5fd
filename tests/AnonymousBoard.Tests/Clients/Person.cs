using Microsoft.Playwright;

namespace AnonymousBoard.Tests.Clients;

/// <summary>
/// Someone at Chromium with JavaScript off. Everything goes through what a person sees: links by
/// their text, fields by their label, buttons by their caption, a form by its heading. A scenario
/// that cannot be written this way has found a page that is hard to use.
/// </summary>
public sealed class Person(IBrowserContext context, IPage page) : IAsyncDisposable
{
    public IPage Page => page;

    /// <summary>The address bar: path and query (and fragment) of the page now shown.</summary>
    public string Location => new Uri(page.Url).PathAndQuery + new Uri(page.Url).Fragment;

    public static async Task<Person> OpenBrowser(Chromium chromium, Uri board, ColorScheme scheme = ColorScheme.Light)
    {
        var context = await chromium.Reader(board, scheme);
        return new Person(context, await context.NewPageAsync());
    }

    public ValueTask DisposeAsync() => context.DisposeAsync();

    public async Task<IResponse> Open(string path) =>
        await page.GotoAsync(path) ?? throw new InvalidOperationException($"No response for {path}.");

    /// <summary>Clicks the link with exactly this text (the first, if several), inside <paramref name="within"/> if given.</summary>
    public Task Follow(string linkText, ILocator? within = null) =>
        Click((within ?? page.Locator("body")).GetByRole(AriaRole.Link, new() { Name = linkText, Exact = true }).First);

    /// <summary>The form whose heading says <paramref name="heading"/>, e.g. "Delete your post".</summary>
    public ILocator Form(string heading) =>
        page.Locator("form").Filter(new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = heading }) });

    /// <summary>The search form (role "search") whose field is labelled <paramref name="label"/>, e.g. "Search /b/".</summary>
    public ILocator SearchForm(string label) =>
        page.GetByRole(AriaRole.Search).Filter(new() { Has = page.GetByLabel(label, new() { Exact = true }) });

    /// <summary>A form whose heading starts with <paramref name="headingStart"/>.</summary>
    public ILocator FormStartingWith(string headingStart) =>
        page.Locator("form").Filter(new() { Has = page.GetByRole(AriaRole.Heading).Filter(new() { HasTextRegex = new System.Text.RegularExpressions.Regex("^" + System.Text.RegularExpressions.Regex.Escape(headingStart)) }) });

    /// <summary>Clicks into the field with this label and types, key by key, at the end of what is there.</summary>
    public async Task Type(string label, string text, ILocator? within = null)
    {
        var field = Field(label, within);
        await field.ClickAsync();
        await field.PressAsync("Control+End");
        await field.PressSequentiallyAsync(text);
    }

    /// <summary>Pastes a long text into the field with this label, replacing what is there.</summary>
    public Task Paste(string label, string text, ILocator? within = null) => Field(label, within).FillAsync(text);

    public Task<string> ValueOf(string label, ILocator? within = null) => Field(label, within).InputValueAsync();

    /// <summary>Chooses a file in the file field with this label, as the file picker would.</summary>
    public Task Choose(string label, string file, ILocator? within = null) => Field(label, within).SetInputFilesAsync(file);

    /// <summary>Ticks the checkbox or picks the radio button with this label.</summary>
    public Task Tick(string label, ILocator? within = null) => Field(label, within).CheckAsync();

    /// <summary>Opens a folded section (a details element) by clicking its summary line.</summary>
    public async Task Unfold(string summary, ILocator? within = null)
    {
        var details = (within ?? page.Locator("body")).Locator("details").Filter(new() { Has = page.Locator("summary", new() { HasText = summary }) });
        await details.Locator("summary").ClickAsync();
        Assert.NotNull(await details.GetAttributeAsync("open"));
    }

    private ILocator Field(string label, ILocator? within) => (within ?? page.Locator("body")).GetByLabel(label, new() { Exact = true });

    /// <summary>Clicks the button with this caption and waits for the page the form leads to.</summary>
    public Task Press(string button, ILocator? within = null) =>
        Click((within ?? page.Locator("body")).GetByRole(AriaRole.Button, new() { Name = button, Exact = true }));

    /// <summary>The post numbered <paramref name="no"/> as shown on the page.</summary>
    public ILocator Post(long no) => page.Locator($"#p{no}");

    public Task<string> Text() => page.Locator("main").InnerTextAsync();

    public async Task Screenshot(string name)
    {
        Directory.CreateDirectory(ClientTools.ScreenshotFolder);
        await page.ScreenshotAsync(new() { Path = Path.Combine(ClientTools.ScreenshotFolder, name + ".png"), FullPage = true });
    }

    private async Task Click(ILocator target)
    {
        // A link to a #fragment of this same page only moves within it: wait for the main frame to
        // navigate. Anything else (another page, a form and its 303) loads a page: wait for its load
        // event. The page's own events, not a poll of its load state, which can race.
        var before = new Uri(page.Url);
        var href = await target.GetAttributeAsync("href");
        var withinPage = href is not null && new Uri(before, href).PathAndQuery == before.PathAndQuery;
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnLoad(object? sender, IPage loaded) => arrived.TrySetResult();
        void OnNavigated(object? sender, IFrame frame)
        {
            if (frame == page.MainFrame)
            {
                arrived.TrySetResult();
            }
        }
        if (withinPage)
        {
            page.FrameNavigated += OnNavigated;
        }
        else
        {
            page.Load += OnLoad;
        }
        try
        {
            await target.ClickAsync();
            await arrived.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            page.Load -= OnLoad;
            page.FrameNavigated -= OnNavigated;
        }
    }

    /// <summary>The post number at the end of the address, after the redirect that follows posting (…#p12).</summary>
    public long PostNumberInAddress()
    {
        var fragment = new Uri(page.Url).Fragment;
        Assert.StartsWith("#p", fragment, StringComparison.Ordinal);
        return long.Parse(fragment[2..], System.Globalization.CultureInfo.InvariantCulture);
    }
}
