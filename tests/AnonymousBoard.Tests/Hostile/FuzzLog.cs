using System.Net;
using System.Security.Cryptography;
using System.Text;
using AnonymousBoard.Tests.Clients;
using AnonymousBoard.Tests.Support;

namespace AnonymousBoard.Tests.Hostile;

/// <summary>
/// What a fuzzing run sent and what came back: every answer is held to the page checks, counted by
/// status, and a spread of the pages is kept for the Nu HTML checker. The test fails on
/// <see cref="Failures"/> and prints the counts and the seed.
/// </summary>
public sealed class FuzzLog(params string[] privatePaths)
{
    private const int MaxKeptFailures = 40;
    private const int MaxPagesForValidation = 50;
    private const int LargePage = 64 * 1024;
    private bool _keptLargePage;
    private readonly Dictionary<string, List<string>> _checkedBodies = [];
    private readonly List<(string What, string Html)> _forValidation = [];
    private readonly HashSet<string> _validationKeys = [];
    private readonly HashSet<string> _sentLeaks = [];

    public int Tried { get; private set; }

    /// <summary>Raw requests only: an empty 4xx from Kestrel itself is the right answer to a malformed request.</summary>
    public bool AllowBareBadRequest { get; init; }

    public SortedDictionary<int, int> Statuses { get; } = [];

    public List<string> Failures { get; } = [];

    public int FailureCount { get; private set; }

    public IReadOnlyList<(string What, string Html)> ForValidation => _forValidation;

    /// <summary>Holds one answer to the rules: no 5xx, the page checks, a clear message for a refusal.</summary>
    /// <param name="sent">The hostile text sent: a page that shows it back (escaped), now or later, is not leaking what it contains.</param>
    public void Check(string what, HttpResponseMessage response, string body, string? sent = null)
    {
        Tried++;
        var status = (int)response.StatusCode;
        Statuses[status] = Statuses.GetValueOrDefault(status) + 1;
        var problems = new List<string>();
        if (status >= 500)
        {
            problems.Add($"answered {status}");
        }
        var headerProblems = PageChecks.HeaderProblems(response);
        if (IsBareProtocolError(response, body))
        {
            // No policy headers on Kestrel's own answer, but still nothing that names the server.
            headerProblems = headerProblems.Where(p => !p.Contains("Policy", StringComparison.Ordinal) && !p.Contains("nosniff", StringComparison.Ordinal));
        }
        problems.AddRange(headerProblems);
        if (response.Headers.Location is { } location && (location.IsAbsoluteUri || location.OriginalString.StartsWith("//", StringComparison.Ordinal)))
        {
            problems.Add($"the redirect names a host: {location}");
        }
        if (sent is not null)
        {
            // What was sent may itself look like a leak (random bytes that spell the machine's name, a
            // path from the list), and a page may show it, or something sent before (a ban's reason),
            // as the board shows text: printable, one line in an input, HTML-encoded.
            foreach (var shown in new[] { sent, AnonymousBoard.Markup.HtmlText.Printable(sent), AnonymousBoard.Markup.HtmlText.OneLine(sent)! })
            {
                _sentLeaks.UnionWith(PageChecks.LeakProblems(shown));
                _sentLeaks.UnionWith(PageChecks.LeakProblems(System.Net.WebUtility.HtmlEncode(shown)));
            }
        }
        problems.AddRange(BodyProblems(response, body).Where(p => !_sentLeaks.Contains(p)));
        foreach (var problem in problems)
        {
            Fail($"{what}: {problem}");
        }
    }

    /// <summary>Records a failure that is not about one answer (e.g. the database after the run).</summary>
    public void Fail(string failure)
    {
        FailureCount++;
        if (Failures.Count < MaxKeptFailures)
        {
            Failures.Add(failure);
        }
    }

    /// <summary>Keeps a page for the Nu checker: one per distinct <paramref name="key"/> (e.g. form, field and status).</summary>
    public void KeepForValidation(string key, string what, HttpResponseMessage response, string body)
    {
        if (response.Content.Headers.ContentType?.MediaType != "text/html" || _forValidation.Count >= MaxPagesForValidation)
        {
            return;
        }
        // One page that echoes an overlong value is enough; the checker is slow on them.
        if (body.Length > LargePage && _keptLargePage)
        {
            return;
        }
        if (_validationKeys.Add(key))
        {
            _keptLargePage |= body.Length > LargePage;
            _forValidation.Add((what, body));
        }
    }

    // Kestrel answers a request it cannot parse (a NUL or raw bytes in the request line, a request
    // line past its limit) with an empty 400, 405 or 414 before the board sees it; it names nothing,
    // and there is no page to give.
    private bool IsBareProtocolError(HttpResponseMessage response, string body) =>
        AllowBareBadRequest && (int)response.StatusCode is >= 400 and < 500 && body.Length == 0 && response.Content.Headers.ContentType is null;

    // Most answers are the same few pages (the 404, a refusal); each distinct page is parsed once.
    private List<string> BodyProblems(HttpResponseMessage response, string body)
    {
        var type = response.Content.Headers.ContentType?.MediaType ?? "";
        var status = response.StatusCode;
        var key = $"{(int)status}|{type}|{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(body)))}";
        if (_checkedBodies.TryGetValue(key, out var known))
        {
            return known;
        }
        var problems = new List<string>();
        if (type == "text/html")
        {
            var document = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(body);
            problems.AddRange(PageChecks.ScriptAndStyleProblems(body, document));
            problems.AddRange(PageChecks.LinkProblems(document));
        }
        if ((int)status >= 400)
        {
            problems.AddRange(PageChecks.LeakProblems(body, privatePaths));
            if (!IsBareProtocolError(response, body) && PageChecks.UnclearMessage(status, type, body) is { } unclear)
            {
                problems.Add(unclear);
            }
        }
        _checkedBodies[key] = problems;
        return problems;
    }

    /// <summary>The kept pages, and <paramref name="more"/>, through the Nu HTML checker in one run: an error is a failure.</summary>
    public async Task CheckValidity(IEnumerable<(string What, string Html)> more)
    {
        var pages = ForValidation.Concat(more).Select((p, i) => (Key: $"{i}: {p.What}", p.Html)).ToList();
        foreach (var (key, errors) in await NuChecker.CheckPages(pages))
        {
            foreach (var error in errors.Take(3))
            {
                Fail($"{key} is not valid HTML: {error}");
            }
        }
        Validated += pages.Count;
    }

    /// <summary>How many pages went through the Nu checker.</summary>
    public int Validated { get; private set; }

    /// <summary>The run in figures, for the test output.</summary>
    public string Summary(string name, int seed) =>
        $"{name}: {Tried} inputs tried (seed {seed}); answers by status: "
        + string.Join(", ", Statuses.Select(s => $"{s.Key} ×{s.Value}")) + $"; {Validated} pages through the Nu checker; {FailureCount} failure(s)";

    /// <summary>Fails the test with the first failures, the counts and the seed to repeat the run.</summary>
    public void AssertClean(string name, int seed)
    {
        Assert.True(FailureCount == 0, $"{Summary(name, seed)}. Repeat with ANONBOARD_FUZZ_SEED={seed}. First failures:\n"
            + string.Join('\n', Failures.Select(f => f.Length > 400 ? f[..400] + "…" : f)));
    }
}
