using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using AnonymousBoard.Boards;
using AnonymousBoard.Gate;
using AnonymousBoard.Hosting;
using AnonymousBoard.Posting;
using AnonymousBoard.Storage;

namespace AnonymousBoard.Benchmarks;

/// <summary>What a seeded data directory holds; written beside the database so a later run can reuse it.</summary>
/// <param name="MeasuredThread">A live thread of <see cref="SizeSeeder.MeasuredReplies"/> replies, bumped last: the thread page measured.</param>
public sealed record SeededBoard(int Posts, int Threads, long MeasuredThread, double Seconds)
{
    /// <summary>The seeding was stopped before its end and finished by <see cref="SizeSeeder.Finish"/>; <see cref="Seconds"/> is the finishing's.</summary>
    public bool Interrupted { get; init; }

    /// <summary>The posts this seeding wrote (fewer than <see cref="Posts"/> when it resumed one stopped before its end).</summary>
    public int Written { get; init; }

    private const string FileName = "size-seed.json";

    public void Save(string dataDirectory) => File.WriteAllText(Path.Combine(dataDirectory, FileName), JsonSerializer.Serialize(this));

    /// <summary>The record of a finished seeding in <paramref name="dataDirectory"/>, or null (none, or interrupted).</summary>
    public static SeededBoard? Load(string dataDirectory) =>
        File.Exists(Path.Combine(dataDirectory, FileName)) ? JsonSerializer.Deserialize<SeededBoard>(File.ReadAllText(Path.Combine(dataDirectory, FileName))) : null;
}

/// <summary>
/// Fills board /b/ with many posts without HTTP but through everything the POST handler calls after
/// reading the form: the board is composed by <see cref="BoardHost.Build"/> as the program composes it (not
/// started: no listener), each post gets a ticket from the gate as its form would and goes through
/// <see cref="PostingService.SubmitAsync"/> (the posting rules, filters, gate, bans, rendering, group
/// commit and storage). Many threads are written at once, one post at a time each, so group commit writes
/// up to 64 posts per transaction. Threads are never pruned while seeding; at the end the board's cap goes
/// back to 150 with pruned threads archived, and one last thread of <see cref="MeasuredReplies"/> replies
/// pushes all but 150 threads into the archive, as a long-running board's would be: readable and searchable.
/// The text is deterministic: every run seeds the same board.
/// </summary>
public static class SizeSeeder
{
    public const int MeasuredReplies = 300;
    public const int ThreadCap = 150;

    // Threads written at once: enough waiting posts to fill group commit's batches of 64.
    private const int Writers = 128;

    private static readonly string[] Cyrillic =
    [
        "Поменял цепь после трёх тысяч километров, и переключение снова стало чётким.",
        "Зимой езжу на шипованной резине, на льду разница огромная.",
        "Кто-нибудь пробовал планетарную втулку в городе? Интересно, как она переносит грязь.",
        "Крылья и нормальный фонарь решают половину проблем осенью.",
        "Мастер сказал, что обод погнут, но я выправил его сам за вечер.",
    ];

    private static readonly string[] Japanese =
    [
        "通勤にクロスバイクを使っていますが、雨の日はやはり泥除けが必要です。",
        "チェーンの掃除を月に一度するだけで、変速がずっと滑らかになりました。",
        "初めてのロードバイクなら、サイズ選びが何よりも大事だと思います。",
        "冬の朝は路面が凍るので、タイヤの空気圧を少し下げています。",
        "輪行袋に入れて電車で移動できるのが折りたたみ自転車の良いところです。",
    ];

    private static readonly string[] Subjects =
    [
        "Commuting general", "Chain care", "Tubeless or tubes?", "Winter riding", "First road bike", "Wheel building",
        "Велосипеды зимой", "自転車通勤スレ", "Lights and dynamos", "Bike fit", "Touring setups", "Brakes", "Stupid questions thread",
    ];

    /// <summary>
    /// Seeds <paramref name="posts"/> posts in about posts/333 threads (at least <see cref="ThreadCap"/> + 10, so a
    /// small board has full index pages and an archive too) into a fresh <paramref name="dataDirectory"/>.
    /// </summary>
    public static async Task<SeededBoard> Seed(string dataDirectory, int posts, TextWriter progress)
    {
        Directory.CreateDirectory(dataDirectory);
        var clock = Stopwatch.StartNew();
        await using var app = Build(dataDirectory);
        var services = app.Services;
        var storage = services.GetRequiredService<IStorage>();
        var boards = services.GetRequiredService<BoardDirectory>();
        var (posting, gate) = Posting(services);

        // No pruning while seeding: a long thread that stopped bumping must still take its replies.
        SetCap(storage, boards, 100_000);
        var lengths = ThreadLengths(posts - (MeasuredReplies + 1), Math.Max(ThreadCap + 10, posts / 333));
        // A seeding stopped before its end goes on after the threads it started (the last few of them stay shorter).
        var next = (int)Count(services).Threads - 1;
        if (next >= 0)
        {
            progress.WriteLine(string.Create(CultureInfo.InvariantCulture, $"   resuming after the {next + 1:N0} threads already there"));
        }
        var written = 0L;
        async Task Writer()
        {
            for (var t = Interlocked.Increment(ref next); t < lengths.Length; t = Interlocked.Increment(ref next))
            {
                await Thread(posting, gate, boards, t, lengths[t]);
                Interlocked.Add(ref written, lengths[t]);
            }
        }
        var writers = Task.WhenAll(Enumerable.Range(0, Writers).Select(_ => Task.Run(Writer)));
        while (await Task.WhenAny(writers, Task.Delay(TimeSpan.FromSeconds(30))) != writers)
        {
            var done = Interlocked.Read(ref written);
            progress.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"   seeding: {done:N0} of {posts:N0} posts in {clock.Elapsed.TotalSeconds:0} s ({done / clock.Elapsed.TotalSeconds:0} posts/s, counted by finished threads)"));
        }
        await writers;

        // The board as it runs for a long time: 150 live threads, the rest archived. The last thread's
        // opening post prunes (archives) the others through the posting path itself.
        SetCap(storage, boards, ThreadCap);
        var measured = await Thread(posting, gate, boards, lengths.Length, MeasuredReplies + 1);
        // Counted, not taken from the plan: a resumed seeding writes only the threads it had not started.
        var (count, threads) = Count(services);
        var seeded = new SeededBoard((int)count, (int)threads, measured, clock.Elapsed.TotalSeconds) { Written = (int)written + MeasuredReplies + 1 };
        seeded.Save(dataDirectory);
        return seeded;
    }

    /// <summary>
    /// Ends a seeding that was stopped before its end (the process killed: every acknowledged post is in the
    /// database): the cap goes back to 150 and the measured thread is written, as <see cref="Seed"/> ends.
    /// </summary>
    public static async Task<SeededBoard> Finish(string dataDirectory)
    {
        var clock = Stopwatch.StartNew();
        await using var app = Build(dataDirectory);
        var services = app.Services;
        var storage = services.GetRequiredService<IStorage>();
        var boards = services.GetRequiredService<BoardDirectory>();
        SetCap(storage, boards, ThreadCap);
        // A fixed thread index of its own, so its text never repeats one of the seeded threads'.
        var (posting, gate) = Posting(services);
        var measured = await Thread(posting, gate, boards, 999_999, MeasuredReplies + 1);
        var (posts, threads) = Count(services);
        var seeded = new SeededBoard((int)posts, (int)threads, measured, clock.Elapsed.TotalSeconds) { Interrupted = true };
        seeded.Save(dataDirectory);
        return seeded;
    }

    /// <summary>
    /// The board as the program composes it, but with no window for resubmits: a seeding resumed soon after it was
    /// stopped writes again the threads it had started, and the board took their posts, identical to the ones of
    /// a minute ago, for the same form sent twice (it answered with the first post, in the old thread).
    /// </summary>
    private static WebApplication Build(string dataDirectory) =>
        BoardHost.Build(["--urls", "http://127.0.0.1:0", $"--Board:DataDirectory={dataDirectory}", "--Board:DuplicateWindowSeconds=0", .. Posters.GateSettings]);

    /// <summary>
    /// The board's posting service with a gate of its own: the board's, held at calm with no time lock and no
    /// board-wide budget to speak of, as the load run sets it, but with room to remember every ticket a run
    /// spends (the board's remembers 100,000 for half an hour, a seeding spends a million in less).
    /// </summary>
    private static (PostingService Posting, AdmissionGate Gate) Posting(IServiceProvider services)
    {
        var defaults = new GateOptions();
        var gate = new AdmissionGate(defaults with
        {
            Calm = defaults.Calm with { TimeLock = TimeSpan.Zero, GlobalPostsPerMinute = 1_000_000, GlobalPostBurst = 1_000_000 },
            SpentTicketCapacity = 2_000_000,
        }, TimeProvider.System);
        gate.ForceLevel(GateLevel.Calm);
        return (ActivatorUtilities.CreateInstance<PostingService>(services, gate), gate);
    }

    private static (long Posts, long Threads) Count(IServiceProvider services)
    {
        using var connection = services.GetRequiredService<Storage.Sqlite.SqliteDatabase>().Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT (SELECT count(*) FROM posts), (SELECT count(*) FROM threads)";
        using var counts = command.ExecuteReader();
        counts.Read();
        return (counts.GetInt64(0), counts.GetInt64(1));
    }

    private static void SetCap(IStorage storage, BoardDirectory boards, int cap)
    {
        var b = boards.Find("b") ?? throw new InvalidOperationException("The board has no /b/.");
        using var work = storage.Write();
        boards.Update(work, b.Slug, b.Title, b.Description, b.Settings with { ThreadCap = cap, ArchivePruned = true });
        work.Commit();
    }

    /// <summary>
    /// Lengths (posts, the opening one included) of <paramref name="threads"/> threads adding up to
    /// <paramref name="posts"/>: most short, a few long (an exponential spread, from a fixed sequence).
    /// </summary>
    private static int[] ThreadLengths(int posts, int threads)
    {
        var weights = Enumerable.Range(0, threads).Select(i => -Math.Log(1 - Fraction(i))).ToArray();
        var total = weights.Sum();
        var lengths = weights.Select(w => Math.Max(1, (int)(w / total * posts))).ToArray();
        // Rounding leaves a few posts over (or short): the first threads take the difference.
        for (var i = 0; lengths.Sum() is var sum && sum != posts; i = (i + 1) % threads)
        {
            lengths[i] = Math.Max(1, lengths[i] + Math.Sign(posts - sum));
        }
        return lengths;
    }

    /// <summary>A fixed, well spread fraction in [0, 1) for <paramref name="i"/> (the golden ratio's sequence).</summary>
    private static double Fraction(long i) => (i * 0.6180339887498949) % 1.0;

    /// <summary>Writes thread <paramref name="t"/> of <paramref name="length"/> posts, one after the other; returns its number.</summary>
    private static async Task<long> Thread(PostingService posting, AdmissionGate gate, BoardDirectory boards, int t, int length)
    {
        var posts = new List<long>(length);
        var used = new HashSet<string>(StringComparer.Ordinal);
        long threadNo = 0;
        for (var i = 0; i < length; i++)
        {
            var n = ((long)t * 7919) + i;
            var form = new PostForm
            {
                Name = "",
                Subject = i == 0 ? Subjects[t % Subjects.Length] : "",
                Body = Body(n, posts, used),
                Thread = i == 0 ? null : threadNo,
                Sage = i > 0 && n % 12 == 5 ? "on" : null,
                // No deletion passwords: each costs a PBKDF2 hash, a million of them hours of CPU, and adds nothing to a page.
                Password = "",
                Ticket = gate.IssueTicket("b", null).Text,
            };
            // The board as the handler sees it: its settings as of now (the cap changes at the end).
            var board = boards.Find("b")!;
            switch (await posting.SubmitAsync(board, form, null, null, CancellationToken.None))
            {
                case PostResult.Accepted accepted when posts.Count == 0 || accepted.No > posts[^1]:
                    threadNo = accepted.ThreadNo;
                    posts.Add(accepted.No);
                    break;
                case var other:
                    throw new InvalidOperationException($"Seeding failed at thread {t}, post {i}: {other}");
            }
        }
        return threadNo;
    }

    /// <summary>
    /// One to five sentences; most replies quote an earlier post of the thread; one post in six is in
    /// Russian or Japanese, now and then greentext or a link. Unique within the thread (an identical post in
    /// it would be taken for a resubmit).
    /// </summary>
    private static string Body(long n, List<long> earlier, HashSet<string> used)
    {
        var lines = new List<string>();
        if (earlier.Count > 0 && n % 3 != 2)
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture, $">>{earlier[^(1 + (int)(n % Math.Min(earlier.Count, 9)))]}"));
            if (n % 7 == 0 && earlier.Count > 1)
            {
                lines.Add(string.Create(CultureInfo.InvariantCulture, $">>{earlier[(int)(n % earlier.Count)]}"));
            }
        }
        if (n % 11 == 1)
        {
            lines.Add(">implying anyone reads the manual");
        }
        var sentences = (n % 6) switch
        {
            1 => Cyrillic,
            4 => Japanese,
            _ => Seeder.Sentences,
        };
        var count = 1 + (int)(n % 5);
        lines.Add(string.Join(' ', Enumerable.Range(0, count).Select(k => sentences[(int)(((n * 7) + (k * 11)) % sentences.Length)])));
        if (n % 13 == 2)
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"Write-up: https://example.org/articles/{1000 + (n % 5000)}"));
        }
        var body = string.Join("\n", lines);
        for (var k = 0; !used.Add(body); k++)
        {
            body = string.Join("\n", lines) + string.Create(CultureInfo.InvariantCulture, $" Mine has about {1200 + (((n * 37) + k) % 9000)} km on it now.");
        }
        return body;
    }
}
