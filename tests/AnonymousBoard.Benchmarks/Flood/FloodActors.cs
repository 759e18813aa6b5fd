using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace AnonymousBoard.Benchmarks.Flood;

// The people of the flood drill, shared by the benchmark (FloodDrill.cs) and the test suite (which links this
// folder but the drill): they reach the board only through its unix socket (Onion.cs), every connection opening
// with the PROXY line tor writes, read only what the pages say (FormPage.cs), and write what happened (DrillLog.cs).

public static class Actors
{
    /// <summary>The hashcash tool, as the page shows it: <c>hashcash -m -b N RESOURCE</c>; the stamp is its last line.</summary>
    public static async Task<string> HashcashTool(string resource, int bits, CancellationToken cancel)
    {
        var start = new ProcessStartInfo("hashcash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-m", "-q", "-b", bits.ToString(CultureInfo.InvariantCulture), resource })
        {
            start.ArgumentList.Add(a);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start hashcash");
        var output = await process.StandardOutput.ReadToEndAsync(cancel);
        await process.WaitForExitAsync(cancel);
        return output.Trim().Split('\n')[^1].Trim();
    }

    public static async Task<(HttpStatusCode Status, FormPage Page)> Get(HttpClient client, string path, CancellationToken cancel)
    {
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative), cancel);
        return (response.StatusCode, FormPage.Read(await response.Content.ReadAsStringAsync(cancel)));
    }

    public static async Task<(HttpStatusCode Status, FormPage Page, TimeSpan? RetryAfter)> Send(HttpClient client, string path,
        IEnumerable<KeyValuePair<string, string>> fields, CancellationToken cancel)
    {
        using var content = new FormUrlEncodedContent(fields);
        using var response = await client.PostAsync(new Uri(path, UriKind.Relative), content, cancel);
        var html = await response.Content.ReadAsStringAsync(cancel);
        var page = FormPage.Read(html);
        if (response.Content.Headers.ContentType?.MediaType == "text/plain")
        {
            page = page with { Error = html };
        }
        return (response.StatusCode, page, response.Headers.RetryAfter?.Delta);
    }

    private static async Task WaitUntil(DateTimeOffset? until, CancellationToken cancel)
    {
        if (until is { } at && at - DateTimeOffset.UtcNow is { } wait && wait > TimeSpan.Zero)
        {
            // The page gives whole seconds; half a second more keeps a fast clock from arriving early.
            await Task.Delay(wait + TimeSpan.FromMilliseconds(500), cancel);
        }
    }

    /// <summary>
    /// One form sent until accepted or given up, following what the page says: wait until the time it
    /// names, make the stamp it asks for, send the form it gave back. <paramref name="onRefused"/> sees
    /// each refusal and says whether to keep going.
    /// </summary>
    /// <returns>Whether it was accepted, and when its slot was: the turn the gate gave a queued form, else the moment it was accepted.</returns>
    public static async Task<(bool Accepted, double Slot)> SendUntilAccepted(HttpClient client, string path, FormPage form, Func<FormPage, List<KeyValuePair<string, string>>> fields,
        StampMaker stamps, DrillLog log, string who, Func<HttpStatusCode, FormPage, bool> onRefused, CancellationToken cancel)
    {
        double? turn = null;
        while (!cancel.IsCancellationRequested)
        {
            await WaitUntil(form.WaitUntil, cancel);
            var all = fields(form);
            all.Add(new("ticket", form.Ticket ?? ""));
            if (form.Bits > 0 && form.Resource is { } resource)
            {
                var took = Stopwatch.StartNew();
                all.Add(new("stamp", await stamps(resource, form.Bits, cancel)));
                log.Stamp(took.Elapsed);
            }
            var (status, page, retryAfter) = await Send(client, path, all, cancel);
            if (status == HttpStatusCode.SeeOther)
            {
                return (true, turn ?? log.Now);
            }
            if (status == HttpStatusCode.Accepted && page.RetryAt is { } slot)
            {
                turn = log.At(slot);
            }
            if (!onRefused(status, page))
            {
                return (false, 0);
            }
            if (page.Ticket is null)
            {
                // Not the form (the request budget's plain answer): wait as told, then fetch the form again.
                await Task.Delay(retryAfter ?? TimeSpan.FromSeconds(5), cancel);
                (_, page) = await Get(client, path.EndsWith("/post", StringComparison.Ordinal) ? path[..^4] : path, cancel);
            }
            form = page;
        }
        return (false, 0);
    }

    /// <summary>A rotating flooder's circuit is thrown away after one form, so it retries only when the gate gave it a turn.</summary>
    private static Func<HttpStatusCode, FormPage, bool> RetryOnlyWhenQueued(DrillLog log, string who) => (status, page) =>
    {
        var reason = Refusal.Classify(status, page.Error);
        log.Event(who, "refused:" + reason);
        return reason is "queued" or "time lock (queued)";
    };

    /// <summary>Runs one attempt after another until the drill ends; a connection the board dropped is logged and retried after a second.</summary>
    private static async Task EachAttempt(string who, DrillLog log, Func<Task> attempt, CancellationToken cancel)
    {
        while (!cancel.IsCancellationRequested)
        {
            try
            {
                await attempt();
            }
            catch (Exception e) when (e is HttpRequestException or IOException && !cancel.IsCancellationRequested)
            {
                log.Event(who, "error:" + e.GetType().Name);
                await Task.Delay(TimeSpan.FromSeconds(1), cancel);
            }
        }
    }

    private static List<KeyValuePair<string, string>> PostFields(long thread, string body) =>
        [new("thread", thread.ToString(CultureInfo.InvariantCulture)), new("body", body)];

    /// <summary>A flooder on one fixed circuit: fetches the form and posts as fast as the board lets it, for ever.</summary>
    public static async Task FixedAttacker(Onion onion, uint circuit, long thread, StampMaker stamps, DrillLog log, CancellationToken cancel)
    {
        using var client = onion.Circuit(circuit);
        var who = "fixed";
        var n = 0;
        await EachAttempt(who, log, async () =>
        {
            var (status, form) = await Get(client, $"/b/thread/{thread}", cancel);
            if (status == HttpStatusCode.TooManyRequests)
            {
                log.Event(who, "refused:request budget");
                await Task.Delay(TimeSpan.FromSeconds(5), cancel);
                return;
            }
            var body = string.Create(CultureInfo.InvariantCulture, $"SPAM from circuit {circuit} number {n++}");
            var (accepted, slot) = await SendUntilAccepted(client, "/b/post", form, _ => PostFields(thread, body), stamps, log, who,
                (s, p) => { log.Event(who, "refused:" + Refusal.Classify(s, p.Error)); return true; }, cancel);
            if (accepted)
            {
                log.Event(who, "accepted", slot);
            }
        }, cancel);
    }

    /// <summary>
    /// A flooder with a new circuit for every form: fetches a form, waits out its lock, pays its work,
    /// posts; a queued post waits for its turn (its ticket is good on any circuit); any other refusal is
    /// dropped for a fresh circuit at once.
    /// </summary>
    public static async Task RotatingAttacker(Onion onion, long thread, StampMaker stamps, DrillLog log, CancellationToken cancel)
    {
        var who = "rotating";
        var n = 0;
        await EachAttempt(who, log, async () =>
        {
            using var client = onion.Circuit(onion.NewCircuitId());
            var (status, form) = await Get(client, $"/b/thread/{thread}", cancel);
            if (status != HttpStatusCode.OK)
            {
                log.Event(who, "refused:" + Refusal.Classify(status, "Too many requests from this tor circuit"));
                return;
            }
            var body = string.Create(CultureInfo.InvariantCulture, $"SPAM from a new circuit, number {n++} of worker {Environment.CurrentManagedThreadId}");
            var (accepted, slot) = await SendUntilAccepted(client, "/b/post", form, _ => PostFields(thread, body), stamps, log, who,
                RetryOnlyWhenQueued(log, who), cancel);
            if (accepted)
            {
                log.Event(who, "accepted", slot);
            }
        }, cancel);
    }

    /// <summary>Reports the target posts, a new circuit for every form, as fast as the report gate lets it.</summary>
    public static async Task ReportFlooder(Onion onion, Func<IReadOnlyList<long>> targets, StampMaker stamps, DrillLog log, CancellationToken cancel)
    {
        var who = "reporter";
        var n = 0;
        await EachAttempt(who, log, async () =>
        {
            var list = targets();
            var target = list[n++ % list.Count];
            using var client = onion.Circuit(onion.NewCircuitId());
            var path = string.Create(CultureInfo.InvariantCulture, $"/b/report/{target}");
            var (status, form) = await Get(client, path, cancel);
            if (status != HttpStatusCode.OK)
            {
                log.Event(who, "refused:" + Refusal.Classify(status, "Too many requests from this tor circuit"));
                return;
            }
            var (accepted, slot) = await SendUntilAccepted(client, path, form, _ => [new("category", "spam"), new("detail", "this is spam, hide it")], stamps, log, who,
                RetryOnlyWhenQueued(log, who), cancel);
            if (accepted)
            {
                log.Event(who, "accepted", slot);
            }
        }, cancel);
    }

    /// <summary>A reader on its own circuit, asking for the next page every <paramref name="every"/>, timing each answer.</summary>
    public static async Task Reader(Onion onion, IReadOnlyList<string> paths, TimeSpan every, DrillLog log, CancellationToken cancel)
    {
        using var client = onion.Circuit(onion.NewCircuitId());
        var i = Random.Shared.Next(paths.Count);
        var next = log.Clock.Elapsed + TimeSpan.FromMilliseconds(Random.Shared.Next((int)every.TotalMilliseconds));
        while (!cancel.IsCancellationRequested)
        {
            if (next > log.Clock.Elapsed)
            {
                try
                {
                    await Task.Delay(next - log.Clock.Elapsed, cancel);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            next += every;
            var path = paths[i++ % paths.Count];
            var took = Stopwatch.StartNew();
            var error = false;
            try
            {
                using var response = await client.GetAsync(new Uri(path, UriKind.Relative), cancel);
                await response.Content.ReadAsByteArrayAsync(cancel);
                error = response.StatusCode != HttpStatusCode.OK;
            }
            catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException && !cancel.IsCancellationRequested)
            {
                error = true;
            }
            catch (OperationCanceledException)
            {
                return;
            }
            log.Reads.Enqueue((log.Now, took.Elapsed.TotalMilliseconds, error, path));
        }
    }

    /// <summary>
    /// A person on a fresh circuit: opens the thread, writes for <paramref name="typing"/>, posts, and does
    /// what each page says until the post is accepted, checking every time that the text came back.
    /// </summary>
    public static async Task<PersonResult> Person(Onion onion, string name, long thread, TimeSpan typing, StampMaker stamps, DrillLog log, CancellationToken cancel)
    {
        using var client = onion.Circuit(onion.NewCircuitId());
        var opened = log.Now;
        var (_, form) = await Get(client, $"/b/thread/{thread}", cancel);
        var body = $"{name}: a real reply, written by hand.\n>quoting nobody\nThree lines, with ünïcödé and <angle brackets>.";
        await Task.Delay(typing, cancel);
        var sentBack = 0;
        var kept = true;
        var reasons = new List<string>();
        double? promised = null;
        var (accepted, _) = await SendUntilAccepted(client, "/b/post", form, _ => PostFields(thread, body), stamps, log, name,
            (status, page) =>
            {
                sentBack++;
                var reason = Refusal.Classify(status, page.Error);
                reasons.Add(reason);
                log.Event("person", "refused:" + reason);
                if (page.Ticket is not null && page.TextArea("body") != body)
                {
                    kept = false;
                    log.TextLost.Enqueue((log.Now, name, page.Error ?? ""));
                }
                if (promised is null && page.WaitUntil is { } until)
                {
                    promised = log.Now + (until - DateTimeOffset.UtcNow).TotalSeconds;
                }
                return true;
            }, cancel);
        if (accepted)
        {
            log.Event("person", "accepted");
        }
        return new PersonResult(name, opened, accepted ? log.Now : null, sentBack, kept, reasons, promised);
    }
}
