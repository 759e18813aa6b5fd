using AnonymousBoard.Tests.Search;
using Microsoft.Playwright;

namespace AnonymousBoard.Tests.Clients;

/// <summary>
/// Searching as a reader does, in Chromium with JavaScript off and in lynx: type words into a board's
/// search form or the site-wide one, submit, read the post found with the match marked in its context,
/// and follow the result to the post in its thread. The words are Cyrillic and Japanese as well as Latin.
/// </summary>
[Collection(ClientSuite.Name)]
[Trait("Category", "Clients")]
public sealed class SearchScenarios(Chromium chromium, SearchBoard board) : IClassFixture<SearchBoard>
{
    private long Thread => board.Posts[SearchBoard.Latin];

    [Theory]
    [InlineData("Search /b/", "/b/search", "французских", SearchBoard.Cyrillic)]
    [InlineData("Search every board", "/search", "タワー", SearchBoard.Japanese)]
    [InlineData("Search /b/", "/b/search", "lighthouse", SearchBoard.Phrase)]
    public async Task In_Chromium_without_JavaScript_search_read_the_match_in_context_and_follow_it_to_the_post(
        string form, string action, string query, string post)
    {
        await using var person = await Person.OpenBrowser(chromium, board.Server.BaseAddress);
        await person.Open("/b/");
        var search = person.SearchForm(form);
        await person.Type(form, query, search);
        await person.Press("Search", search);

        Assert.Equal($"{action}?q={Uri.EscapeDataString(query)}", person.Location);
        var result = person.Page.Locator("ol.results li");
        Assert.Equal(1, await result.CountAsync());
        Assert.Equal(query, await result.Locator("mark").InnerTextAsync());
        Assert.Equal(post, await result.Locator(".context").InnerTextAsync());

        var no = board.Posts[post];
        await person.Follow($"/b/ No. {no}", within: result);

        Assert.Equal($"/b/thread/{Thread}#p{no}", person.Location);
        Assert.Contains(post, await person.Post(no).InnerTextAsync(), StringComparison.Ordinal);
        await Assertions.Expect(person.Post(no)).ToBeInViewportAsync();
    }

    [Theory]
    [InlineData("Search /b/", "/b/search", "французских", SearchBoard.Cyrillic)]
    [InlineData("Search every board", "/search", "タワー", SearchBoard.Japanese)]
    public async Task In_lynx_search_by_keystrokes_read_the_match_in_context_and_follow_it_to_the_post(
        string form, string action, string query, string post)
    {
        var no = board.Posts[post];
        var keys = new LynxKeys()
            .Find(form).Enter()            // the form's line: its field; Enter starts typing
            .Type(query).Enter()           // Enter ends typing and moves to the Search button
            .Enter()                       // which submits the form
            .Find($"/b/ No. {no}").Enter() // the result's link
            .Quit();

        // A wide terminal, so the status line holds the whole percent-encoded address.
        var session = await Lynx.Session(new Uri(board.Server.BaseAddress, "/b/"), keys, columns: 250);
        Assert.True(session.ExitCode == 0, $"lynx exited {session.ExitCode}: {session.Errors}");

        // What lynx fetched: the board, the query it sent from the form (in UTF-8), the post it followed to.
        var searched = new Uri(board.Server.BaseAddress, $"{action}?q={Uri.EscapeDataString(query)}");
        Assert.Equal([new Uri(board.Server.BaseAddress, "/b/").AbsoluteUri, searched.AbsoluteUri, new Uri(board.Server.BaseAddress, $"/b/thread/{Thread}#p{no}").AbsoluteUri],
            Lynx.Fetched(session));
        Assert.Contains("Posts found", session.Output, StringComparison.Ordinal);

        // The results page as lynx shows it: the post in context and the link to it.
        var text = await Lynx.Dump(searched);
        Assert.Contains(post, text, StringComparison.Ordinal);
        Assert.Contains($"/b/ No. {no}", text, StringComparison.Ordinal);
        Assert.Contains($"{board.Server.BaseAddress}b/thread/{Thread}#p{no}", text, StringComparison.Ordinal);
    }
}
