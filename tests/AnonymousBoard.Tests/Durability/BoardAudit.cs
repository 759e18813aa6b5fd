using AnonymousBoard.Tests.Support;
using Microsoft.Data.Sqlite;

namespace AnonymousBoard.Tests.Durability;

/// <summary>
/// What must be true of a board's data directory after any crash: the database is sound, every
/// promised post is there as it was sent, nothing is half-written, no file lies about unused, and
/// no post number was handed out twice. Reads the SQLite file directly (read-only, beside the
/// running board) and the pages and images the board serves.
/// </summary>
public static class BoardAudit
{
    /// <summary>Returns every problem found, in words; empty when the board is intact.</summary>
    public static async Task<List<string>> CheckAsync(string dataDirectory, HttpClient board, IReadOnlyCollection<AckedPost> acked)
    {
        var problems = new List<string>();
        using var db = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(dataDirectory, "board.db"),
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
        }.ToString());
        db.Open();
        // One snapshot for every query below, while the board keeps running.
        using var snapshot = db.BeginTransaction(deferred: true);

        var integrity = Rows(db, "PRAGMA integrity_check", r => r.GetString(0));
        if (integrity is not ["ok"])
        {
            problems.Add("integrity_check: " + string.Join("; ", integrity));
        }
        foreach (var row in Rows(db, "PRAGMA foreign_key_check", r => $"{r.GetString(0)} row {r.GetValue(1)} -> {r.GetString(2)}"))
        {
            problems.Add("foreign key broken: " + row);
        }

        var posts = Rows(db, """
            SELECT b.slug, p.no, p.thread_no, p.body, p.file_hash, p.file_format, p.tripcode, p.id,
                   EXISTS (SELECT 1 FROM post_identities i WHERE i.post_id = p.id)
            FROM posts p JOIN boards b ON b.id = p.board_id
            """, r => new StoredRow(r.GetString(0), r.GetInt64(1), r.GetInt64(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4),
                r.IsDBNull(5) ? null : r.GetString(5), r.IsDBNull(6) ? null : r.GetString(6), r.GetInt64(7), r.GetBoolean(8)))
            .ToDictionary(p => (p.Board, p.No));
        var quotes = Rows(db, "SELECT q.from_post, b.slug, q.to_no FROM quotes q JOIN boards b ON b.id = q.to_board",
            r => (From: r.GetInt64(0), Board: r.GetString(1), To: r.GetInt64(2))).ToHashSet();

        // Every promised post, as it was sent.
        foreach (var a in acked)
        {
            if (!posts.TryGetValue((a.Board, a.No), out var p))
            {
                problems.Add($"lost: /{a.Board}/ No. {a.No} ({a.Marker}) was acknowledged and is gone");
                continue;
            }
            if (p.Body != a.Body || p.ThreadNo != a.ThreadNo)
            {
                problems.Add($"changed: /{a.Board}/ No. {a.No} holds \"{p.Body}\" in thread {p.ThreadNo}, not {a.Marker} in thread {a.ThreadNo}");
            }
            if ((a.Image is not null) != (p.FileHash is not null))
            {
                problems.Add($"/{a.Board}/ No. {a.No}: image sent: {a.Image is not null}, file stored: {p.FileHash is not null}");
            }
            if (a.Tripcode && p.Tripcode is null)
            {
                problems.Add($"/{a.Board}/ No. {a.No} was posted with a tripcode and has none");
            }
            if (a.Quotes is { } to && !quotes.Contains((p.Id, a.Board, to)))
            {
                problems.Add($"/{a.Board}/ No. {a.No} quotes No. {to} but the quote is not recorded (no backlink)");
            }
        }

        // Nothing half-written, whether it was promised or not.
        var media = Path.Combine(dataDirectory, "media");
        foreach (var p in posts.Values)
        {
            if (p.FileHash is { } hash)
            {
                var extension = p.FileFormat == "jpeg" ? "jpg" : p.FileFormat;
                foreach (var file in new[] { $"{hash[..2]}/{hash}.{extension}", $"{hash[..2]}/{hash}-thumb.webp" })
                {
                    if (!File.Exists(Path.Combine(media, file)))
                    {
                        problems.Add($"half-written: /{p.Board}/ No. {p.No} shows media/{file}, which is not on disk");
                    }
                }
            }
            if (p.Tripcode is not null && !p.HasIdentity)
            {
                problems.Add($"half-written: /{p.Board}/ No. {p.No} has a tripcode but no identity row (bans and purges would miss it)");
            }
        }
        foreach (var thread in Rows(db, """
            SELECT b.slug, t.no, t.reply_count, (SELECT count(*) - 1 FROM posts p WHERE p.board_id = t.board_id AND p.thread_no = t.no)
            FROM threads t JOIN boards b ON b.id = t.board_id
            """, r => (Board: r.GetString(0), No: r.GetInt64(1), Counted: r.GetInt64(2), Actual: r.GetInt64(3))))
        {
            if (thread.Counted != thread.Actual)
            {
                problems.Add($"/{thread.Board}/ thread {thread.No} counts {thread.Counted} replies and has {thread.Actual}");
            }
        }

        // Post numbers: never behind what was handed out.
        foreach (var (slug, next) in Rows(db, "SELECT slug, next_post_no FROM boards", r => (r.GetString(0), r.GetInt64(1))))
        {
            var highest = acked.Where(a => a.Board == slug).Select(a => a.No).DefaultIfEmpty(0).Max();
            if (next <= highest)
            {
                problems.Add($"/{slug}/ would hand out No. {next} again (already acknowledged up to {highest})");
            }
        }

        problems.AddRange(OrphanFiles(dataDirectory, posts.Values));
        await CheckServedAsync(board, acked, problems);
        return problems;
    }

    private static readonly string[] Spools = ["media-incoming", "uploads"];

    /// <summary>Files in media/ that no post shows, and leftovers of unfinished writes and uploads.</summary>
    public static IEnumerable<string> OrphanFiles(string dataDirectory, IEnumerable<StoredRow> posts)
    {
        var expected = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in posts.Where(p => p.FileHash is not null))
        {
            expected.Add($"{p.FileHash}.{(p.FileFormat == "jpeg" ? "jpg" : p.FileFormat)}");
            expected.Add($"{p.FileHash}-thumb.webp");
        }
        var media = Path.Combine(dataDirectory, "media");
        if (Directory.Exists(media))
        {
            foreach (var file in Directory.EnumerateFiles(media, "*", SearchOption.AllDirectories).Where(f => !expected.Contains(Path.GetFileName(f))))
            {
                yield return $"orphan: {Path.GetRelativePath(dataDirectory, file)} is shown by no post";
            }
        }
        foreach (var spool in Spools.Select(d => Path.Combine(dataDirectory, d)).Where(Directory.Exists))
        {
            foreach (var leftover in Directory.EnumerateFileSystemEntries(spool))
            {
                yield return $"leftover: {Path.GetRelativePath(dataDirectory, leftover)}";
            }
        }
    }

    // What readers get: each promised post on its thread page, its image and thumbnail served,
    // and the post it quotes listing it as a reply.
    private static async Task CheckServedAsync(HttpClient board, IReadOnlyCollection<AckedPost> acked, List<string> problems)
    {
        var browser = new WebBrowser(board);
        foreach (var thread in acked.GroupBy(a => (a.Board, a.ThreadNo)))
        {
            var page = await browser.Get($"/{thread.Key.Board}/thread/{thread.Key.ThreadNo}");
            if (page.Status != System.Net.HttpStatusCode.OK)
            {
                problems.Add($"/{thread.Key.Board}/thread/{thread.Key.ThreadNo} answers {(int)page.Status}");
                continue;
            }
            foreach (var a in thread)
            {
                var article = page.Post(a.No);
                if (article is null || !article.TextContent.Contains($"second line of {a.Marker}", StringComparison.Ordinal))
                {
                    problems.Add($"/{a.Board}/ No. {a.No} ({a.Marker}) is not shown on its thread page");
                    continue;
                }
                if (a.Quotes is { } to && page.Post(to)?.QuerySelector(".backlinks")?.TextContent.Contains($">>{a.No}", StringComparison.Ordinal) != true)
                {
                    problems.Add($"/{a.Board}/ No. {to} does not list its reply No. {a.No}");
                }
                if (a.Image is null)
                {
                    continue;
                }
                var link = article.QuerySelector(".file a")?.GetAttribute("href");
                var thumbnail = article.QuerySelector(".file img")?.GetAttribute("src");
                foreach (var url in new[] { link, thumbnail })
                {
                    using var served = url is null ? null : await board.GetAsync(new Uri(url, UriKind.Relative));
                    if (served?.StatusCode != System.Net.HttpStatusCode.OK || (await served.Content.ReadAsByteArrayAsync()).Length == 0)
                    {
                        problems.Add($"/{a.Board}/ No. {a.No}: image {url ?? "(no link)"} is not served");
                    }
                }
            }
        }
    }

    private static List<T> Rows<T>(SqliteConnection db, string sql, Func<SqliteDataReader, T> read)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
        {
            rows.Add(read(reader));
        }
        return rows;
    }
}

public sealed record StoredRow(string Board, long No, long ThreadNo, string Body, string? FileHash, string? FileFormat, string? Tripcode, long Id, bool HasIdentity);
