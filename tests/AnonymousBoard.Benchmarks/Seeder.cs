using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace AnonymousBoard.Benchmarks;

/// <summary>A thread as seeded: its number and the numbers of its posts (the opening post first).</summary>
public sealed record SeededThread(long No, IReadOnlyList<long> Posts);

/// <summary>
/// Fills board /b/ through the real posting path as a browser without JavaScript does it: fetch the
/// page with the form (the board index for a new thread, the thread for a reply), take its posting
/// ticket, POST the fields to /b/post and expect a 303. The text is deterministic (no randomness), so every run
/// measures the same pages, and looks like a board's: a few sentences, &gt;&gt;quotes of earlier
/// posts, greentext, now and then a link or emphasis.
/// </summary>
public sealed partial class Seeder(HttpClient client)
{
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);
    private long _lastNo;
    private long _bodyChars;
    private int _posts;

    /// <summary>The mean length of the comments posted so far, in characters as typed.</summary>
    public double AverageBodyChars => _posts == 0 ? 0 : (double)_bodyChars / _posts;

    internal static readonly string[] Sentences =
    [
        "I switched to a steel frame last spring and the ride is noticeably calmer on gravel.",
        "The manual says to torque the stem bolts to five newton metres, not whatever feels tight.",
        "Honestly the cheapest fix is a new chain; a stretched one eats cassettes for breakfast.",
        "Has anyone tried waxing chains instead of oiling them? The claims sound too good to be true.",
        "Commuting in the rain taught me that full fenders are not optional where I live.",
        "Tubeless was a pain to set up, but I have not had a single flat in two thousand kilometres.",
        "My shop quoted me a week for a wheel true, so I bought a spoke key and learned it myself.",
        "Wider tyres at lower pressure are faster on real roads, and the measurements back that up.",
        "I keep a spare tube, levers and a mini pump in a saddle bag and have never regretted it.",
        "The old rim brakes were fine until the first long descent in the wet.",
        "Check the chain line before you blame the derailleur for skipping.",
        "Disc rotors squeal when they are contaminated; sanding the pads helped mine for a while.",
        "A good lock costs less than the bike it protects, which is the whole argument.",
        "Friction shifters are underrated: nothing to index, nothing to go out of adjustment.",
        "Mudguards plus a front light made winter riding bearable for me.",
        "Bar tape is the cheapest upgrade that changes how a bike feels every single day.",
        "Do not buy a frame that is too big because it was on sale; the fit matters more.",
        "I measured my commute at twenty minutes by bike and thirty-five by bus.",
        "Panniers beat a backpack as soon as the ride is longer than a quarter of an hour.",
        "Cheap pedals wear out their bearings quickly, so that is not the place to save money.",
        "Tyre inserts are heavy, but they saved my rims on a rocky descent last month.",
        "Sealant dries out after a few months, so top it up before long rides.",
        "The bottom bracket creak turned out to be the seat post, as it always is.",
        "Clipless pedals took a week to get used to and I fell over twice at traffic lights.",
        "Dynamo hubs are worth it if you ride at night more than once a week.",
    ];

    private static readonly string[] Greentext =
    [
        ">buy expensive bike\n>never ride it because it might get scratched",
        ">be me\n>forget to close the quick release\n>front wheel leaves without me",
        ">implying anyone reads the manual",
        ">tfw the new cassette is quieter than the old chain",
        ">mfw the shop charges more for a tune-up than the bike is worth",
    ];

    private static readonly string[] Subjects =
    [
        "Commuting general", "Chain care", "Tubeless or tubes?", "Winter riding", "First road bike",
        "Wheel building", "Lights and dynamos", "Bike fit", "Touring setups", "Brakes",
        "Locks and theft", "Cheap upgrades", "Stupid questions thread",
    ];

    public const int BigThreadReplies = 300;
    public const int IndexThreads = 12;      // more than one page of 10, so page 1 is full and page links show
    public const int IndexThreadReplies = 7; // more than the 5 previews, so "replies omitted" shows

    /// <summary>
    /// The board the read-path benchmark measures: a thread with <see cref="BigThreadReplies"/> replies,
    /// then <see cref="IndexThreads"/> threads of <see cref="IndexThreadReplies"/> replies each. Returns the big thread.
    /// </summary>
    public async Task<SeededThread> ReadPathBoard()
    {
        var big = await Thread(seed: 0, replies: BigThreadReplies);
        for (var i = 1; i <= IndexThreads; i++)
        {
            await Thread(seed: i, replies: IndexThreadReplies);
        }
        return big;
    }

    /// <summary>What is wrong with the read-path board's pages as served: the measurement is of these pages, not an error page or a half-empty board.</summary>
    public static IReadOnlyList<string> ReadPathProblems(string threadHtml, string indexHtml)
    {
        var problems = new List<string>();
        var threadPosts = Regex.Count(threadHtml, "<article class=\"post");
        if (threadPosts != BigThreadReplies + 1)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"The thread page shows {threadPosts} posts; expected {BigThreadReplies + 1}."));
        }
        var indexThreads = Regex.Count(indexHtml, "<section class=\"thread\"");
        var indexPosts = Regex.Count(indexHtml, "<article class=\"post");
        if (indexThreads != 10 || indexPosts != 10 * 6)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"The index page shows {indexThreads} threads and {indexPosts} posts; expected 10 threads × (1 + 5 previews) = 60."));
        }
        return problems;
    }

    /// <summary>One thread with <paramref name="replies"/> replies.</summary>
    /// <param name="numbered">The seed in the subject: opening posts of seeds the same modulo the texts' counts are otherwise
    /// the same post, which the board takes for a resubmit when they come within its duplicate window.</param>
    public async Task<SeededThread> Thread(int seed, int replies, bool numbered = false)
    {
        var posts = new List<long>();
        var subject = Subjects[seed % Subjects.Length] + (numbered ? string.Create(CultureInfo.InvariantCulture, $" ({seed})") : "");
        var (threadNo, opNo) = await Post(null, subject, Body(seed * 31, posts, isOp: true), sage: false, password: seed % 2 == 0 ? "hunter2" : "");
        posts.Add(opNo);
        for (var i = 1; i <= replies; i++)
        {
            var n = (seed * 31) + i;
            // Roughly one reply in twelve is sage; one in ten sets a deletion password (it costs a PBKDF2 hash).
            var (_, no) = await Post(threadNo, "", Body(n, posts, isOp: false), sage: n % 12 == 5, password: n % 10 == 3 ? "hunter2" : "");
            posts.Add(no);
        }
        return new SeededThread(threadNo, posts);
    }

    /// <summary>A deterministic, realistic body for post <paramref name="n"/>, quoting earlier ones from <paramref name="earlier"/>.</summary>
    private string Body(int n, List<long> earlier, bool isOp)
    {
        var lines = new List<string>();
        if (!isOp && earlier.Count > 0 && n % 3 != 2)
        {
            // Most replies answer someone: the post just before, or one further back.
            lines.Add($">>{earlier[^(1 + (n % Math.Min(earlier.Count, 7)))]}");
            if (n % 7 == 0 && earlier.Count > 1)
            {
                lines.Add($">>{earlier[n % earlier.Count]}");
            }
        }
        if (n % 5 == 1)
        {
            lines.Add(Greentext[n % Greentext.Length]);
        }
        var count = isOp ? 3 + (n % 2) : 1 + (n % 3);
        var text = string.Join(' ', Enumerable.Range(0, count).Select(k => Sentences[((n * 7) + (k * 11)) % Sentences.Length]));
        if (n % 6 == 4)
        {
            text = text.Replace(" not ", " **not** ", StringComparison.Ordinal).Replace("worth", "*worth*", StringComparison.Ordinal);
        }
        lines.Add(text);
        if (n % 9 == 2)
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"There is a write-up here: https://example.org/articles/{1000 + n}"));
        }
        if (n % 17 == 8)
        {
            lines.Add("Spoiler for the ending: ||the creak was the seat post||");
        }
        var body = string.Join("\n", lines);
        // Real replies are rarely identical, and an identical one in the same second is taken for a
        // resubmit even with DuplicateWindowSeconds=0: a repeat gets a detail of its own.
        for (var k = 0; !_used.Add(body); k++)
        {
            body = string.Join("\n", lines) + string.Create(CultureInfo.InvariantCulture, $" Mine has about {1200 + (((n * 37) + k) % 9000)} km on it now.");
        }
        return body;
    }

    private async Task<(long Thread, long No)> Post(long? thread, string subject, string body, bool sage, string password)
    {
        var formPage = thread is { } replyTo ? $"/b/thread/{replyTo.ToString(CultureInfo.InvariantCulture)}" : "/b/";
        var fields = new List<KeyValuePair<string, string>>
        {
            new("ticket", await Ticket(formPage)),
            new("name", ""),
            new("subject", subject),
            new("body", body),
            new("password", password),
        };
        if (thread is { } t)
        {
            fields.Add(new("thread", t.ToString(CultureInfo.InvariantCulture)));
        }
        if (sage)
        {
            fields.Add(new("sage", "on"));
        }
        using var content = new FormUrlEncodedContent(fields);
        using var response = await client.PostAsync(new Uri("/b/post", UriKind.Relative), content);
        var location = response.Headers.Location?.OriginalString ?? "";
        var match = PostLocation().Match(location);
        if (response.StatusCode != HttpStatusCode.SeeOther || !match.Success)
        {
            var html = await response.Content.ReadAsStringAsync();
            throw new InvalidOperationException(
                $"Seeding failed: POST /b/post answered {(int)response.StatusCode} (Location \"{location}\"): {html[..Math.Min(html.Length, 400)]}");
        }
        var no = long.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
        if (no <= _lastNo)
        {
            throw new InvalidOperationException($"Seeding failed: the board took post {no} for a resubmit of an earlier one.");
        }
        _lastNo = no;
        _bodyChars += body.Length;
        _posts++;
        return (long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), no);
    }

    /// <summary>The posting ticket in the form on <paramref name="path"/>.</summary>
    private async Task<string> Ticket(string path)
    {
        return await Posters.Ticket(client, path)
            ?? throw new InvalidOperationException($"Seeding failed: the form on {path} has no posting ticket.");
    }

    [GeneratedRegex(@"^/b/thread/(\d+)#p(\d+)$")]
    private static partial Regex PostLocation();
}
