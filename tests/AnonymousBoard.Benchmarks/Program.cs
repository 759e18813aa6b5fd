using System.Globalization;
using System.Net;
using System.Runtime;
using System.Text;
using System.Text.RegularExpressions;
using AnonymousBoard.Site;
using AnonymousBoard.Benchmarks;
using AnonymousBoard.Hosting;
using AnonymousBoard.Reading;

// The read-path check from the issue: a thread page with 300 replies and a full board index page,
// served by the running board, must reach at least half the throughput of the same server sending
// a fixed byte array of the same size; the index page must stay under 40 KB and the CSS under 8 KB.
// Exit code 0 when every check passes, 1 when one fails, 2 for a usage error.

const int MinRatioPercent = 50;
const int IndexLimitBytes = 40_000; // "40 KB", read strictly (not 40 KiB)
const int CssLimitBytes = 8_000;    // "8 KB", likewise
const int BigThreadReplies = Seeder.BigThreadReplies;
const int IndexThreads = Seeder.IndexThreads;
const int IndexThreadReplies = Seeder.IndexThreadReplies;

// The other modes, each in its own file; with none, the read-path check below.
switch (args.FirstOrDefault())
{
    // The image worker against Debian's vips tools, and image posting.
    case "images": return await ImageBench.RunAsync(args[1..]);
    // Readers and writers at once against the board in its own process.
    case "load": return await LoadRun.RunAsync(args[1..]);
    // The JSON API, search on 100,000 posts and pages during a search burst.
    case "reading": return await ReadingBench.RunAsync(args[1..]);
    // The Argon2id uses timed against an older build of the board.
    case "argon2": return Argon2Run.Run(args[1..]);
    // SQLite against PostgreSQL, and one instance against two on one database.
    case "engines": return await EnginesBench.RunAsync(args[1..]);
    // The bare Kestrel reference in its own process, which this benchmark starts (OwnProcessReferences.cs).
    case "bare-kestrel" when args.Length == 2: return await OwnProcessReferences.ServeBareAsync(args[1]);
    // A board of a million posts against one of ten thousand: memory, start-up, reads.
    case "size": return await SizeBench.RunAsync(args[1..]);
    // Posting into small threads and into big ones: what a thread's size costs a post.
    case "threadsize": return await ThreadSizeBench.RunAsync(args[1..]);
    // 1 and 16 posters into this build and an older one, rounds alternating.
    case "posting": return await PostingBench.RunAsync(args[1..]);
    // A flood against the board in its own process, through its unix socket (Flood/FloodDrill.cs).
    case "flood": return await AnonymousBoard.Benchmarks.Flood.FloodDrill.RunAsync(args[1..]);
}

if (!BenchOptions.TryParse(args, out var options, out var usage))
{
    await Console.Error.WriteLineAsync(usage);
    return args.Contains("--help") ? 0 : 2;
}

Console.WriteLine("AnonymousBoard read-path benchmark");
Console.WriteLine(Invariant($"Machine: {Environment.ProcessorCount} cores, {(GCSettings.IsServerGC ? "server" : "workstation")} GC, .NET {Environment.Version}."));
Console.WriteLine(Invariant($"Note: the load generator and the server share these {Environment.ProcessorCount} cores, so absolute requests/s"));
Console.WriteLine("are lower than on a dedicated server; the ratio page/baseline, measured the same way in the same run, is the check.");
Console.WriteLine();

await using var server = await BenchServer.StartAsync();
using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = server.BaseAddress };

var seeding = System.Diagnostics.Stopwatch.StartNew();
var seeder = new Seeder(client);
var big = await seeder.ReadPathBoard();
Console.WriteLine(Invariant($"Seeded /b/ through POST /b/post in {seeding.Elapsed.TotalSeconds:0.0} s: thread No. {big.No} with {BigThreadReplies} replies, then {IndexThreads} threads with {IndexThreadReplies} replies each;"));
Console.WriteLine(Invariant($"comments average {seeder.AverageBodyChars:0} characters as typed."));

var threadPath = $"/b/thread/{big.No}";
var threadPage = await Fetch(client, threadPath);
var indexPage = await Fetch(client, "/b/");
var css = await Fetch(client, StyleSheet.Url);

// Measure the pages the issue names, not an error page or a half-empty board.
var problems = Seeder.ReadPathProblems(threadPage.Html, indexPage.Html).ToList();
var threadPosts = Count(threadPage.Html, "<article class=\"post");
var indexThreads = Count(indexPage.Html, "<section class=\"thread\"");
var indexPosts = Count(indexPage.Html, "<article class=\"post");

if (options.SaveDirectory is { } save)
{
    Directory.CreateDirectory(save);
    await File.WriteAllBytesAsync(Path.Combine(save, "thread.html"), threadPage.Bytes);
    await File.WriteAllBytesAsync(Path.Combine(save, "index.html"), indexPage.Bytes);
    Console.WriteLine($"Saved the measured pages as thread.html and index.html in {Path.GetFullPath(save)}.");
}

// Bytes on the wire with compression, as Tor Browser asks ("gzip, br"): the first answer after a write is compressed
// quickly, and once the page has stayed unchanged for a moment it is compressed at the best level in the background.
var wire = await CompressedWire.Measure(client, threadPath);
var fixedThreadPath = server.AddFixed("thread", threadPage.Bytes);
var fixedCompressedPath = server.AddFixed("thread-br", wire.Settled, wire.SettledCoding);
var fixedIndexPath = server.AddFixed("index", indexPage.Bytes);
foreach (var (path, expected) in new[] { (fixedThreadPath, threadPage.Bytes), (fixedIndexPath, indexPage.Bytes) })
{
    var copy = await Fetch(client, path);
    if (!copy.Bytes.AsSpan().SequenceEqual(expected))
    {
        problems.Add($"{path} does not serve the captured page byte for byte.");
    }
}

Console.WriteLine();
Console.WriteLine("Page weight:");
Console.WriteLine(Invariant($"  thread page {threadPath,-16} {threadPage.Bytes.Length,9:N0} bytes ({threadPosts} posts)"));
Console.WriteLine(Invariant($"  index page  {"/b/",-16} {indexPage.Bytes.Length,9:N0} bytes ({indexThreads} threads, {indexPosts} posts)  limit < {IndexLimitBytes:N0}"));
var postBytes = Regex.Matches(indexPage.Html, "<article .*?</article>\n", RegexOptions.Singleline).Sum(m => Encoding.UTF8.GetByteCount(m.Value));
var formBytes = Regex.Match(indexPage.Html, "<form .*?</form>", RegexOptions.Singleline) is { Success: true } form ? Encoding.UTF8.GetByteCount(form.Value) : 0;
Console.WriteLine(Invariant($"              of which {indexPosts} posts {postBytes:N0} bytes ({postBytes / Math.Max(1, indexPosts):N0} per post), the posting form {formBytes:N0}, the rest {indexPage.Bytes.Length - postBytes - formBytes:N0}"));
Console.WriteLine(Invariant($"  stylesheet  {"board-….css",-16} {css.Bytes.Length,9:N0} bytes  limit < {CssLimitBytes:N0}"));
Console.WriteLine();
Console.WriteLine(Invariant($"Bytes on the wire, thread page {threadPath} ({wire.Html.Length:N0} bytes of HTML; references made from the HTML it decodes to):"));
Console.WriteLine(Invariant($"  with 'Accept-Encoding: gzip, br' ({wire.SettledCoding}): {wire.First.Length,7:N0} bytes first, {wire.Settled.Length,7:N0} once settled ({wire.SettledAfter.TotalSeconds:0.0} s)"));
Console.WriteLine(Invariant($"  {wire.BrotliReference,-38} {wire.Brotli11.Length,7:N0} bytes: settled/brotli = {(double)wire.Settled.Length / wire.Brotli11.Length:0.000}, first/brotli = {(double)wire.First.Length / wire.Brotli11.Length:0.000}"));
Console.WriteLine(Invariant($"  {"gzip -9",-38} {wire.Gzip9.Length,7:N0} bytes: settled/gzip -9 = {(double)wire.Settled.Length / wire.Gzip9.Length:0.000}"));
Console.WriteLine(Invariant($"  with 'Accept-Encoding: gzip' (lynx)  {wire.GzipOnly.Length,7:N0} bytes: /gzip -9 = {(double)wire.GzipOnly.Length / wire.Gzip9.Length:0.000}"));
if (!wire.Decodes)
{
    problems.Add("The compressed thread page does not decode to the uncompressed one (ticket aside).");
}

ILoadGenerator generator = options.ForceHttpClient ? new HttpClientLoad() : (Wrk.Find() as ILoadGenerator ?? new HttpClientLoad());
var shape = new LoadShape(options.Threads, options.Connections, TimeSpan.FromSeconds(options.DurationSeconds));
var warmup = shape with { Duration = TimeSpan.FromSeconds(options.WarmupSeconds) };
Console.WriteLine();
Console.WriteLine($"Load generator: {generator.Description}");
if (generator is HttpClientLoad)
{
    Console.WriteLine(options.ForceHttpClient
        ? "  FALLBACK (--http-client): load comes from HttpClient inside this process. It spends far more"
        : "  FALLBACK: wrk is not installed, so load comes from HttpClient inside this process. It spends far more");
    Console.WriteLine("  CPU per request than wrk, on the same cores as the server; treat the figures as rough.");
}
Console.WriteLine(Invariant($"Shape: {shape.Threads} threads, {shape.Connections} connections, {options.DurationSeconds} s per run after {options.WarmupSeconds} s warm-up per URL; {options.Rounds} rounds of baseline then page."));

var cases = new[]
{
    new BenchCase("thread page (300 replies)", threadPath, fixedThreadPath, threadPage.Bytes.Length),
    new BenchCase("index page (10 threads × 5 previews)", "/b/", fixedIndexPath, indexPage.Bytes.Length),
    // The same thread page asked for compressed; the baseline is a fixed array of the bytes it settles to, sent with their coding.
    new BenchCase("thread page, 'Accept-Encoding: gzip, br'", threadPath, fixedCompressedPath, wire.Settled.Length, "gzip, br"),
};
// What the whole machine was busy with while measuring, to tell how much other processes took.
var machineBefore = Machine.Busy();
var ownBefore = Environment.CpuUsage.TotalTime + (Machine.ChildrenCpu() ?? TimeSpan.Zero);
var measuring = System.Diagnostics.Stopwatch.StartNew();
if (problems.Count == 0)
{
    foreach (var c in cases)
    {
        // Warm-up: tiered JIT, caches and connection pools reach their steady state before anything counts.
        await generator.Run(Url(c.BaselinePath), warmup with { AcceptEncoding = c.AcceptEncoding });
        await generator.Run(Url(c.PagePath), warmup with { AcceptEncoding = c.AcceptEncoding });
    }
    foreach (var c in cases)
    {
        Console.WriteLine();
        Console.WriteLine($"{c.Name}: {c.PagePath} vs {c.BaselinePath}, {c.Bytes:N0} bytes each");
        for (var round = 1; round <= options.Rounds; round++)
        {
            foreach (var (label, path, results) in new[] { ("baseline", c.BaselinePath, c.Baseline), ("page", c.PagePath, c.Page) })
            {
                var measured = await Measured.Take(generator, Url(path), shape with { AcceptEncoding = c.AcceptEncoding });
                var (result, serverMicros, wrkMicros) = (measured.Load, measured.ServerMicros, measured.ClientMicros);
                results.Add(measured);
                var wrkText = wrkMicros is { } w ? Invariant($", wrk {w,3:0}") : "";
                Console.WriteLine(Invariant($"  round {round} {label,-8} {result.RequestsPerSecond,8:N0} req/s   CPU µs/request: {(generator is Wrk ? "server" : "server and client")} {serverMicros,4:0}{wrkText}   (mean latency {result.Latency}{(result.Errors > 0 ? $", {result.Errors} ERRORS" : "")})"));
                if (result.Errors > 0)
                {
                    problems.Add($"{path}: {result.Errors} failed requests during a run.");
                }
            }
        }
        Console.WriteLine($"  allocated per request (median of the rounds): baseline {Kilobytes(Median(c.Baseline.Select(r => r.AllocatedKb)))}, page {Kilobytes(Median(c.Page.Select(r => r.AllocatedKb)))}");
        if (c.CpuBoundRatio is { } cpuRatio)
        {
            Console.WriteLine(Invariant($"  CPU per request, server + wrk: baseline {c.Baseline.Average(r => r.ServerMicros + r.ClientMicros!.Value):0} µs, page {c.Page.Average(r => r.ServerMicros + r.ClientMicros!.Value):0} µs: {cpuRatio:0.00} is the ratio if the two had the cores to themselves"));
        }
        Console.WriteLine(Invariant($"  ratio page/baseline = {c.Ratio:0.000}  ({c.Page.Average(r => r.Load.RequestsPerSecond):N0} / {c.Baseline.Average(r => r.Load.RequestsPerSecond):N0} req/s, mean of {options.Rounds} runs each; per round {string.Join(", ", c.RoundRatios.Select(r => r.ToString("0.00", CultureInfo.InvariantCulture)))})"));
    }
}

Console.WriteLine();
if (Machine.Busy() - machineBefore is { } machine)
{
    // Everything the cores did, less this process (the server) and its children (wrk).
    var own = Environment.CpuUsage.TotalTime + (Machine.ChildrenCpu() ?? TimeSpan.Zero) - ownBefore;
    var others = Math.Max(0, (machine - own).TotalSeconds / measuring.Elapsed.TotalSeconds);
    Console.WriteLine(Invariant($"Other processes used {others:0.00} of the {Environment.ProcessorCount} cores on average while this measured."));
    if (others > 0.1 * Environment.ProcessorCount)
    {
        Console.WriteLine("WARNING: they took that CPU from the server and wrk unevenly, so the measured ratios swing from");
        Console.WriteLine("round to round (see \"per round\" above) and come out lower than on a quiet machine.");
        Console.WriteLine((generator is Wrk ? "The CPU-per-request ratios are the steadier guide. " : "") + "Run again when the machine is quiet.");
    }
}
// The ceilings in processes of their own: the same bytes from a bare Kestrel app and from nginx as static files.
if (problems.Count == 0)
{
    await using var references = await OwnProcessReferences.StartAsync(new Dictionary<string, byte[]> { ["thread"] = threadPage.Bytes, ["index"] = indexPage.Bytes });
    Console.WriteLine();
    Console.WriteLine("The same bytes from servers in their own processes (rounds alternate board, bare Kestrel, nginx; medians of req/s):");
    foreach (var missing in references.Missing)
    {
        Console.WriteLine($"  not measured: {missing}");
    }
    foreach (var (name, key, pagePath) in new[] { ("thread page (300 replies)", "thread", threadPath), ("index page", "index", "/b/") })
    {
        var servers = new List<(string Label, Uri Url)> { ("board", Url(pagePath)) };
        foreach (var (label, address) in new[] { ("bare Kestrel", references.Bare), ("nginx static", references.Nginx) })
        {
            if (address is { } a)
            {
                servers.Add((label, new Uri(a, references.PathOf(a, key))));
            }
        }
        foreach (var (_, url) in servers)
        {
            await generator.Run(url, warmup);
        }
        var throughput = servers.ToDictionary(s => s.Label, _ => new List<double>());
        for (var round = 1; round <= options.Rounds; round++)
        {
            foreach (var (label, url) in servers)
            {
                var result = await generator.Run(url, shape);
                throughput[label].Add(result.RequestsPerSecond);
                if (result.Errors > 0)
                {
                    problems.Add($"{url}: {result.Errors} failed requests during a run.");
                }
            }
        }
        var board = Median(throughput["board"]);
        Console.WriteLine(Invariant($"  {name}: board {board:N0} req/s")
            + string.Concat(servers.Skip(1).Select(s => Invariant($"; {s.Label} {Median(throughput[s.Label]):N0} req/s, board/{s.Label} {board / Median(throughput[s.Label]):0.00}"))));
    }
}

Console.WriteLine();
Console.WriteLine("Checks:");
var failed = problems.Count > 0;
foreach (var problem in problems)
{
    Console.WriteLine($"  FAIL  {problem}");
}
if (problems.Count == 0)
{
    foreach (var c in cases)
    {
        failed |= !Check($"{c.Name} throughput is at least {MinRatioPercent}% of the fixed byte array's", c.Ratio * 100 >= MinRatioPercent, Invariant($"ratio {c.Ratio:0.000}"));
    }
}
failed |= !Check("index page is under 40 KB", indexPage.Bytes.Length < IndexLimitBytes, Invariant($"{indexPage.Bytes.Length:N0} bytes"));
failed |= !Check("thread page with 'gzip, br' is within 1.2x brotli -q 11 of its HTML", wire.Settled.Length <= 1.2 * wire.Brotli11.Length,
    Invariant($"{wire.Settled.Length:N0} / {wire.Brotli11.Length:N0} bytes"));
failed |= !Check("stylesheet is under 8 KB", css.Bytes.Length < CssLimitBytes, Invariant($"{css.Bytes.Length:N0} bytes"));
Console.WriteLine(failed ? "Result: FAILED" : "Result: all checks passed");
return failed ? 1 : 0;

Uri Url(string path) => new(server.BaseAddress, path);

static bool Check(string what, bool ok, string figure)
{
    Console.WriteLine($"  {(ok ? "ok  " : "FAIL")}  {what}: {figure}");
    return ok;
}



// A negative count is the GC's total stepping back (see above), not a figure.
static string Kilobytes(double kb) => kb < 0 ? "n/a" : kb.ToString("0.0 'KB'", CultureInfo.InvariantCulture);

static double Median(IEnumerable<double> values) => Stats.Median(values);

static int Count(string html, string needle) => Regex.Count(html, Regex.Escape(needle));

static async Task<FetchedPage> Fetch(HttpClient client, string path)
{
    using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
    var bytes = await response.Content.ReadAsByteArrayAsync();
    if (response.StatusCode != HttpStatusCode.OK)
    {
        throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode}.");
    }
    return new FetchedPage(bytes, Encoding.UTF8.GetString(bytes));
}

static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

internal sealed record FetchedPage(byte[] Bytes, string Html);
