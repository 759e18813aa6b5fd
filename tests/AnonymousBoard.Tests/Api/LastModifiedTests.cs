using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using AnonymousBoard.Tests.Support;

namespace AnonymousBoard.Tests.Api;

/// <summary>
/// Polling the JSON API and the feeds as clients do, with If-Modified-Since (4chan's clients) or
/// If-None-Match: the dates and tags come from the database, so they are the same after a restart,
/// never later than the clock, and two changes within one second are both seen.
/// </summary>
public sealed class LastModifiedTests : IAsyncLifetime
{
    // A data directory the test makes and removes itself, so the board over it can be stopped and started again.
    private readonly string _data = Directory.CreateTempSubdirectory("anonboard-lastmod-").FullName;
    private BoardServer _board = null!;

    public async Task InitializeAsync()
    {
        _board = new BoardServer(_data);
        await _board.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _board.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    private sealed record Answer(HttpStatusCode Status, DateTimeOffset? LastModified, EntityTagHeaderValue? ETag, string Body);

    private async Task<Answer> Fetch(string path, DateTimeOffset? ifModifiedSince = null, EntityTagHeaderValue? ifNoneMatch = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.IfModifiedSince = ifModifiedSince;
        if (ifNoneMatch is not null)
        {
            request.Headers.IfNoneMatch.Add(ifNoneMatch);
        }
        using var response = await _board.Client().SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotModified, $"{path}: {response.StatusCode} {body}");
        return new(response.StatusCode, response.Content.Headers.LastModified, response.Headers.ETag, body);
    }

    /// <summary>Posts with a ticket fetched beforehand, so two posts can follow each other within milliseconds.</summary>
    private async Task<long> Post(string ticket, string body, long? thread = null)
    {
        var fields = new List<KeyValuePair<string, string>> { new("body", body), new("ticket", ticket) };
        if (thread is { } t)
        {
            fields.Add(new("thread", t.ToString(CultureInfo.InvariantCulture)));
        }
        using var content = new FormUrlEncodedContent(fields);
        var response = await _board.Client().PostAsync(new Uri("/b/post", UriKind.Relative), content);
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        return long.Parse(response.Headers.Location!.OriginalString.Split("#p")[1], CultureInfo.InvariantCulture);
    }

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    [Fact]
    public async Task Two_changes_within_one_second_are_both_seen_by_a_poller_with_either_validator()
    {
        // Fetch between two replies; try again until both replies land in the same second (posts take
        // milliseconds, so nearly always the first time), which is the case whole-second dates get wrong.
        for (var attempt = 1; ; attempt++)
        {
            var thread = await Post(await _board.Ticket(), $"A thread polled by a client, attempt {attempt}");
            var tickets = new[] { await _board.Ticket(), await _board.Ticket() };
            var path = $"/b/thread/{thread}.json";
            await Post(tickets[0], "The first change", thread);
            var seen = await Fetch(path);
            var second = await Post(tickets[1], "The second change, within the same second", thread);
            var after = await Fetch(path);
            var times = JsonDocument.Parse(after.Body).RootElement.GetProperty("posts").EnumerateArray().Skip(1).Select(p => p.GetProperty("time").GetInt64()).ToList();
            if (times.Distinct().Count() > 1 && attempt < 10)
            {
                continue;
            }
            Assert.Contains($"\"no\":{second}", after.Body, StringComparison.Ordinal);
            Assert.DoesNotContain($"\"no\":{second}", seen.Body, StringComparison.Ordinal);

            // A client holding the first answer is told of the second change, whichever validator it sends.
            var byDate = await Fetch(path, ifModifiedSince: seen.LastModified);
            Assert.Equal(HttpStatusCode.OK, byDate.Status);
            Assert.Contains($"\"no\":{second}", byDate.Body, StringComparison.Ordinal);
            var byTag = await Fetch(path, ifNoneMatch: seen.ETag);
            Assert.Equal(HttpStatusCode.OK, byTag.Status);
            Assert.Contains($"\"no\":{second}", byTag.Body, StringComparison.Ordinal);

            // Never a date ahead of the clock, in the header or in the catalog's last_modified.
            Assert.All(new[] { seen, after, byDate }, a => Assert.InRange(a.LastModified!.Value.ToUnixTimeSeconds(), 0, Now()));
            var catalog = JsonDocument.Parse((await Fetch("/b/catalog.json")).Body).RootElement;
            var listed = catalog.EnumerateArray().SelectMany(p => p.GetProperty("threads").EnumerateArray()).Single(t => t.GetProperty("no").GetInt64() == thread);
            Assert.InRange(listed.GetProperty("last_modified").GetInt64(), times.Max(), Now());

            // The current answer's tag gets 304 at once; its date once the second of the change is safely over.
            Assert.Equal(HttpStatusCode.NotModified, (await Fetch(path, ifNoneMatch: after.ETag)).Status);
            await Task.Delay(TimeSpan.FromSeconds(2.2));
            var settled = await Fetch(path);
            Assert.Equal(after.ETag, settled.ETag);
            Assert.Equal(listed.GetProperty("last_modified").GetInt64(), settled.LastModified!.Value.ToUnixTimeSeconds());
            var polled = await Fetch(path, ifModifiedSince: settled.LastModified);
            Assert.Equal(HttpStatusCode.NotModified, polled.Status);
            Assert.Empty(polled.Body);
            Assert.Equal(settled.ETag, polled.ETag);
            return;
        }
    }

    [Fact]
    public async Task Dates_and_tags_are_the_same_after_a_restart()
    {
        var thread = await Post(await _board.Ticket(), "A thread that outlives its board process");
        await Post(await _board.Ticket(), "And a reply", thread);
        await Task.Delay(TimeSpan.FromSeconds(2.2));
        var paths = new[] { $"/b/thread/{thread}.json", "/b/catalog.json", "/b/threads.json", "/b/1.json", "/boards.json", $"/b/thread/{thread}.atom", "/b/threads.atom" };
        var before = new List<Answer>();
        foreach (var path in paths)
        {
            before.Add(await Fetch(path));
        }

        await _board.DisposeAsync();
        _board = new BoardServer(_data);
        await _board.InitializeAsync();

        for (var i = 0; i < paths.Length; i++)
        {
            var again = await Fetch(paths[i]);
            Assert.True(before[i].LastModified == again.LastModified, $"{paths[i]}: Last-Modified {before[i].LastModified:R} before, {again.LastModified:R} after");
            Assert.Equal(before[i].ETag, again.ETag);
            Assert.Equal(before[i].Body, again.Body);
            Assert.Equal(HttpStatusCode.NotModified, (await Fetch(paths[i], ifModifiedSince: before[i].LastModified)).Status);
            Assert.Equal(HttpStatusCode.NotModified, (await Fetch(paths[i], ifNoneMatch: before[i].ETag)).Status);
        }
    }
}
