using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;

namespace AnonymousBoard.Benchmarks;

/// <summary>The reading benchmark's board: posts written straight into a fresh SQLite file.</summary>
public static partial class ReadingBench
{
    private sealed record Seeded(long BigThread, long TypicalThread, int TypicalPosts);

    /// <summary>
    /// Writes the posts as posting would leave them (numbers in time order, bump order, reply counts,
    /// the newest threads live and the rest archived), in one transaction; the triggers of migration
    /// 0006 index each post as it goes in. Bodies come from the seeder's sentences, with a made-up word
    /// (some 7,000 kinds) in each, a Cyrillic sentence in one post of 50 and a Japanese one in one of 70.
    /// </summary>
    private static Seeded Seed(string database, int posts)
    {
        using var db = new SqliteConnection($"Data Source={database}");
        db.Open();
        using var tx = db.BeginTransaction();
        long boardId;
        using (var find = db.CreateCommand())
        {
            find.Transaction = tx;
            find.CommandText = "SELECT id FROM boards WHERE slug = 'b'";
            boardId = (long)find.ExecuteScalar()!;
        }
        using var thread = db.CreateCommand();
        thread.Transaction = tx;
        thread.CommandText = """
            INSERT INTO threads (board_id, no, bumped_at, bump_seq, reply_count, archived, archived_at, changed_at)
            VALUES ($b, $no, $bumped, $seq, $replies, $archived, $archivedAt, $changed)
            """;
        using var post = db.CreateCommand();
        post.Transaction = tx;
        post.CommandText = """
            INSERT INTO posts (board_id, no, thread_no, created_at, name, subject, body, body_html, renderer_version, content_hash)
            VALUES ($b, $no, $thread, $at, 'Anonymous', $subject, $body, $html, $version, $hash)
            """;
        var start = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - (posts * 60L);
        var remaining = posts - (BigReplies + 1);
        var perThread = remaining / (ThreadCount - 1);
        var extra = remaining % (ThreadCount - 1);
        var no = 0L;
        long big = 0, typical = 0;
        var typicalPosts = 0;
        for (var t = 0; t < ThreadCount; t++)
        {
            // The newest thread is the big one; every thread's posts are numbered in a row.
            var count = t == ThreadCount - 1 ? BigReplies + 1 : perThread + (t < extra ? 1 : 0);
            var op = no + 1;
            for (var k = 0; k < count; k++)
            {
                no++;
                var body = Body(no);
                Run(post, ("$b", boardId), ("$no", no), ("$thread", op), ("$at", start + (no * 60)),
                    ("$subject", k == 0 ? $"Thread {op}: {Seeder.Sentences[(int)(op % Seeder.Sentences.Length)][..24]}" : ""),
                    ("$body", body), ("$html", "<p>" + WebUtility.HtmlEncode(body).Replace("\n", "<br>", StringComparison.Ordinal) + "</p>"),
                    ("$version", AnonymousBoard.Markup.PostMarkup.Version), ("$hash", SHA256.HashData(Encoding.UTF8.GetBytes(body))));
            }
            var live = t >= ThreadCount - LiveThreads;
            var last = start + (no * 60);
            Run(thread, ("$b", boardId), ("$no", op), ("$bumped", last), ("$seq", no), ("$replies", count - 1), ("$archived", live ? 0 : 1),
                ("$archivedAt", live ? null : last + 3600), ("$changed", last * 1000));
            big = op;
            if (t == ThreadCount - 2)
            {
                (typical, typicalPosts) = (op, count);
            }
        }
        using (var board = db.CreateCommand())
        {
            board.Transaction = tx;
            board.CommandText = "UPDATE boards SET next_post_no = $next, last_post_at = $last, changed_at = $changed WHERE id = $b";
            Run(board, ("$next", no + 1), ("$last", start + (no * 60)), ("$changed", (start + (no * 60)) * 1000), ("$b", boardId));
        }
        tx.Commit();
        using (var checkpoint = db.CreateCommand())
        {
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            checkpoint.ExecuteNonQuery();
        }
        return new Seeded(big, typical, typicalPosts);
    }

    private static readonly string[] Syllables = ["zor", "va", "ki", "tem", "bru", "nel", "sap", "quo", "dri", "mex", "lun", "ta", "gor", "fi", "wen", "sul", "oct"];

    private static readonly string[] Cyrillic = ["Съешь же ещё этих мягких французских булок, да выпей чаю.", "Велосипед стоит в подъезде уже третью зиму."];

    private static readonly string[] Japanese = ["東京タワーは夜にとても綺麗です。", "自転車のチェーンに油をさしました。"];

    private static string Body(long n)
    {
        var s = Seeder.Sentences;
        var count = 1 + (int)(n % 3);
        var text = string.Join(' ', Enumerable.Range(0, count).Select(k => s[(int)(((n * 7) + (k * 11)) % s.Length)]));
        var word = Syllables[n % 17] + Syllables[n / 17 % 17] + Syllables[n / 289 % 17];
        text += $" Mine is called {word}, number {n}.";
        if (n % 50 == 7)
        {
            text += " " + Cyrillic[n / 50 % Cyrillic.Length];
        }
        if (n % 70 == 11)
        {
            text += " " + Japanese[n / 70 % Japanese.Length];
        }
        return n % 5 == 1 ? ">>" + (n - 1).ToString(CultureInfo.InvariantCulture) + "\n" + text : text;
    }

    private static void Run(SqliteCommand command, params (string Name, object? Value)[] values)
    {
        command.Parameters.Clear();
        foreach (var (name, value) in values)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
        command.ExecuteNonQuery();
    }
}
