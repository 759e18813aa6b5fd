using System.Net;
using AnonymousBoard.Moderation;
using AnonymousBoard.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace AnonymousBoard.Tests.Moderation;

/// <summary>The public log: a signed hash chain that a third party can archive and check.</summary>
public sealed class ModLogTests : IAsyncLifetime
{
    private readonly BoardServer _server = new();
    public Task InitializeAsync() => _server.InitializeAsync();
    public Task DisposeAsync() => _server.DisposeAsync();

    private void Append(LogDraft draft, string target, string textHash = "")
    {
        using var work = _server.Services.GetRequiredService<AnonymousBoard.Storage.IStorage>().Write();
        _server.Services.GetRequiredService<ModLogWriter>().Append(work, draft, target, textHash);
        work.Commit();
    }

    private void AppendFive()
    {
        for (var i = 1; i <= 5; i++)
        {
            Append(new LogDraft("mod-a", "delete post", $"reason {i}\twith a tab"), $"/b/{i}", ModLogFormat.TextHash($"post {i}"));
        }
    }

    private async Task<string> Export()
    {
        var response = await _server.Client().GetAsync(new Uri("/modlog.txt", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType!.MediaType);
        return await response.Content.ReadAsStringAsync();
    }

    [Fact]
    public async Task An_exported_log_verifies_and_an_altered_byte_or_a_removed_entry_is_found_exactly()
    {
        AppendFive();
        var text = await Export();
        var key = _server.Services.GetRequiredService<ModLogKey>().PublicKeyHex;
        Assert.Contains($"# public-key: {key}", text, StringComparison.Ordinal);
        var copy = ModLogVerifier.Parse(text);
        Assert.Equal(5, copy.Entries.Count);
        Assert.True(ModLogVerifier.Verify(copy).Ok);

        var lines = text.Split('\n');
        var third = Array.FindIndex(lines, l => l.StartsWith("3\t", StringComparison.Ordinal));

        // One byte changed in entry 3's reason.
        var altered = (string[])lines.Clone();
        altered[third] = altered[third].Replace("reason 3", "reason 8", StringComparison.Ordinal);
        var verdict = ModLogVerifier.Verify(ModLogVerifier.Parse(string.Join('\n', altered)));
        Assert.False(verdict.Ok);
        Assert.Equal(3, verdict.Seq);
        Assert.Contains("entry 3 was altered", verdict.Message, StringComparison.Ordinal);

        // One byte changed in entry 4's signature.
        var badSignature = (string[])lines.Clone();
        var fourth = third + 1;
        var last = badSignature[fourth][^1];
        badSignature[fourth] = badSignature[fourth][..^1] + (last == '0' ? '1' : '0');
        verdict = ModLogVerifier.Verify(ModLogVerifier.Parse(string.Join('\n', badSignature)));
        Assert.Equal(4, verdict.Seq);
        Assert.Contains("signature", verdict.Message, StringComparison.Ordinal);

        // Entry 3 removed.
        var removed = lines.Where((_, i) => i != third).ToArray();
        verdict = ModLogVerifier.Verify(ModLogVerifier.Parse(string.Join('\n', removed)));
        Assert.False(verdict.Ok);
        Assert.Equal(3, verdict.Seq);
        Assert.Contains("entry 3 is missing", verdict.Message, StringComparison.Ordinal);

        // A rewritten entry, re-hashed and re-signed by whoever holds the key, still disagrees with the archive.
        var live = ModLogVerifier.Parse(text);
        Assert.True(ModLogVerifier.Compare(live, live).Ok);
        var forged = ModLogVerifier.Parse(string.Join('\n', altered));
        verdict = ModLogVerifier.Compare(live, forged);
        Assert.False(verdict.Ok);
        Assert.Equal(3, verdict.Seq);
    }

    [Fact]
    public async Task The_command_line_verifier_reports_where_an_archived_copy_and_the_live_log_disagree()
    {
        AppendFive();
        var archive = Path.Combine(_server.DataDirectory, "archive.txt");
        await File.WriteAllTextAsync(archive, await Export());
        var (code, output) = _server.RunCli("modlog", "verify", archive, "--against", "local");
        Assert.True(code == 0, output);
        Assert.Contains("agrees with all 5 archived entries", output, StringComparison.Ordinal);

        // Against the live board over HTTP, after it has grown.
        Append(new LogDraft("mod-a", "lock", "later"), "/b/9");
        (code, output) = _server.RunCli("modlog", "verify", archive, "--against", new Uri(_server.BaseAddress, "/modlog.txt").ToString());
        Assert.True(code == 0, output);

        var text = await File.ReadAllTextAsync(archive);
        await File.WriteAllTextAsync(archive, text.Replace("reason 2", "reason X", StringComparison.Ordinal));
        (code, output) = _server.RunCli("modlog", "verify", archive);
        Assert.Equal(1, code);
        Assert.Contains("FAILED at entry 2", output, StringComparison.Ordinal);

        await File.WriteAllTextAsync(archive, string.Join('\n', text.Split('\n').Where(l => !l.StartsWith("4\t", StringComparison.Ordinal))));
        (code, output) = _server.RunCli("modlog", "verify", archive, "--against", "local");
        Assert.Equal(1, code);
        Assert.Contains("FAILED at entry 4", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Log_entries_cannot_be_changed_or_deleted_even_with_direct_database_access()
    {
        AppendFive();
        using var connection = DatabaseCheck.Open(_server);
        foreach (var sql in new[]
                 {
                     "UPDATE modlog SET reason = 'nothing happened' WHERE seq = 2",
                     "DELETE FROM modlog WHERE seq = 5",
                     "INSERT INTO modlog (seq, at, actor, action, target, text_hash, reason, prev_hash, hash, signature) "
                     + "VALUES (9, 0, 'x', 'y', '', '', 'z', '" + new string('0', 64) + "', '" + new string('1', 64) + "', '" + new string('2', 128) + "')",
                 })
        {
            var e = Assert.ThrowsAny<System.Data.Common.DbException>(() => DatabaseCheck.Execute(connection, sql));
            Assert.Contains("moderation log", e.Message, StringComparison.Ordinal);
        }
        Assert.Equal(5, _server.Services.GetRequiredService<ModLogReader>().Count());
    }

    [Fact]
    public async Task The_log_page_shows_entries_newest_first_with_the_public_key_and_pages()
    {
        for (var i = 1; i <= 55; i++)
        {
            Append(new LogDraft("mod-a", "lock", $"entry {i}"), $"/b/{i}");
        }
        var page = await _server.Browser().Get("/modlog");
        var rows = page.Document.QuerySelectorAll("tbody tr");
        Assert.Equal(50, rows.Length);
        Assert.StartsWith("55", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains(_server.Services.GetRequiredService<ModLogKey>().PublicKeyHex, page.Html, StringComparison.Ordinal);
        var older = page.Document.QuerySelector("nav.pages a")!.GetAttribute("href")!;
        var second = await _server.Browser().Get(older);
        Assert.Equal(5, second.Document.QuerySelectorAll("tbody tr").Length);
    }
}
