using System.Globalization;
using AnonymousBoard.Tests.Support;
using Xunit.Abstractions;

namespace AnonymousBoard.Tests.Hostile;

/// <summary>
/// Every field of every public form, fuzzed through the real server: the Big List of Naughty
/// Strings, SQL injections, seeded random bytes, invalid UTF-8, NULs, overlong text and numbers
/// that do not fit. Never a 5xx, never a trace or a path, always a page that says what happened,
/// and every page (refusals and the threads that show what was accepted) still passes the page
/// checks and the Nu HTML checker.
/// </summary>
public sealed class PublicFormFuzzTests(ITestOutputHelper output) : IAsyncLifetime
{
    // Key derivations (signing passphrases, secure tripcodes) and sign-in checks cost an Argon2id
    // run each: a few are real, the rest meet the board's own limits, answers worth fuzzing too.
    private readonly BoardServer _server = NaughtyInputs.Server("--Board:KeyDerivationsPerMinute=2", "--Board:Moderation:SignInFailuresGlobal=3");
    private long _thread;
    private long _otherThread;
    private long _deletable;

    public async Task InitializeAsync()
    {
        await _server.InitializeAsync();
        // Hundreds of threads and replies: nothing is pruned, so every accepted value stays readable.
        var (code, text) = _server.RunCli("boards", "update", "b", "--bump-limit", "100000", "--thread-cap", "100000");
        Assert.True(code == 0, text);
        _thread = await Moderation.StaffKit.Post(_server, "b", "the thread the fuzzer replies to");
        _otherThread = await Moderation.StaffKit.Post(_server, "b", "the thread for the fields that do not change what a post shows");
        _deletable = await Moderation.StaffKit.Post(_server, "b", "a thread to delete and report");
    }

    public Task DisposeAsync() => _server.DisposeAsync();

    private string Thread => _thread.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public async Task Every_field_of_the_posting_form_survives_hostile_values()
    {
        var seed = NaughtyInputs.Seed;
        var log = new FuzzLog(_server.DataDirectory);
        var fuzzer = new FormFuzzer(_server.BaseAddress, log);
        var everything = NaughtyInputs.Sample(NaughtyInputs.Blns.Count, 20, seed);
        var quarter = NaughtyInputs.Sample(NaughtyInputs.Blns.Count / 4, 10, seed);
        var spread = NaughtyInputs.Sample(40, 5, seed);

        // A reply whose other fields are valid, so each value meets every rule and the renderer:
        // the comment gets the whole list; name and subject (one line, the same rules) a quarter of it.
        // The form comes from a small thread's page (a ticket is good for any thread of the board).
        var reply = new FormTarget($"/b/thread/{_deletable}", "/b/post", _ => new Dictionary<string, string> { ["body"] = "fuzz", ["thread"] = Thread });
        await fuzzer.Fuzz(reply, ["body"], everything);
        await fuzzer.Fuzz(reply, ["name", "subject"], quarter);
        // The other fields change little of what a post shows: their replies go to another thread, kept out of the Nu checker's way.
        var other = reply with { Baseline = _ => new Dictionary<string, string> { ["body"] = "fuzz", ["thread"] = _otherThread.ToString(CultureInfo.InvariantCulture) } };
        await fuzzer.Fuzz(other, ["thread", "sage", "spoiler", "keep_filename", "ticket", "stamp", "signature"], spread);
        // Every accepted password costs a PBKDF2 hash, every passphrase an Argon2id run (or the limit).
        await fuzzer.Fuzz(other, ["password", "passphrase"], NaughtyInputs.Few(seed));
        // New threads, and the same form as curl -d sends it.
        await fuzzer.Fuzz(new FormTarget("/b/", "/b/post", _ => new Dictionary<string, string> { ["body"] = "new thread" }), ["subject"], spread);
        await fuzzer.Fuzz(other with { UrlEncoded = true }, ["body", "name"], spread);
        // The name of an uploaded image, kept and shown when the poster asks.
        using var scratch = new Media.MediaScratch();
        var image = await File.ReadAllBytesAsync(Media.TestImages.Marked(scratch, "tiny.png"));
        var withFile = reply with { Baseline = _ => new Dictionary<string, string> { ["body"] = "file", ["thread"] = Thread, ["keep_filename"] = "on" } };
        foreach (var name in NaughtyInputs.Sample(NaughtyInputs.Full ? NaughtyInputs.Blns.Count : 12, 4, seed).Where((_, i) => NaughtyInputs.Full || i % 3 == 0))
        {
            await fuzzer.Submit(withFile, "file name", name, image);
        }
        // Everything accepted is shown somewhere: each thread, the index pages and the catalog.
        var shown = fuzzer.Accepted.Select(a => a.Location.Split('#')[0]).Distinct().Concat(["/b/", "/b/page/2", "/b/catalog", "/"]).ToList();
        var pages = new List<(string What, string Html)>();
        foreach (var path in shown)
        {
            using var response = await _server.Client().GetAsync(new Uri(path, UriKind.Relative));
            var body = await response.Content.ReadAsStringAsync();
            log.Check($"GET {path}", response, body);
            pages.Add(($"GET {path}", body));
        }
        await log.CheckValidity(pages.Where(p => p.What == $"GET /b/thread/{Thread}" || p.What is "GET /b/" or "GET /b/catalog"));
        CheckDatabase(log);

        output.WriteLine(log.Summary("posting form", seed) + $"; {fuzzer.Accepted.Count} posts accepted, {shown.Count} pages read back; "
            + $"{fuzzer.ResetsWithoutAnswer} bodies past the limit reset before an answer");
        log.AssertClean("posting form", seed);
        Assert.True(fuzzer.Accepted.Count > NaughtyInputs.Blns.Count, $"only {fuzzer.Accepted.Count} posts were accepted: the fuzzer is not reaching the renderer");
    }

    [Fact]
    public async Task Every_field_of_the_delete_report_appeal_and_sign_in_forms_survives_hostile_values()
    {
        var seed = NaughtyInputs.Seed;
        var log = new FuzzLog(_server.DataDirectory);
        // Free text gets the whole list; numbers, choices and passwords (compared, never shown) a spread of it.
        var text = NaughtyInputs.Sample(NaughtyInputs.Blns.Count, 20, seed);
        var spread = NaughtyInputs.Sample(40, 5, seed);
        var reader = new FormFuzzer(_server.BaseAddress, log);
        var deletable = _deletable.ToString(CultureInfo.InvariantCulture);

        var delete = new FormTarget($"/b/thread/{deletable}", "/b/delete", _ => new Dictionary<string, string> { ["no"] = deletable, ["password"] = "not it" });
        await reader.Fuzz(delete, ["no", "password"], spread);
        var report = new FormTarget($"/b/report/{deletable}", $"/b/report/{deletable}", _ => new Dictionary<string, string> { ["category"] = "spam" });
        await reader.Fuzz(report, ["detail"], text);
        await reader.Fuzz(report, ["category"], spread);
        var appeal = new FormTarget("/appeal", "/appeal", _ => new Dictionary<string, string> { ["ban"] = "1", ["text"] = "please" });
        await reader.Fuzz(appeal, ["text"], text);
        await reader.Fuzz(appeal, ["ban"], spread);
        // Sign-in keeps the antiforgery cookie, as a browser does; after 20 failures the board-wide limit answers.
        var staff = new FormFuzzer(_server.BaseAddress, log, new System.Net.CookieContainer());
        await staff.Fuzz(new FormTarget("/mod/login", "/mod/login", _ => new Dictionary<string, string> { ["name"] = "nobody", ["password"] = "not a password" }),
            ["name", "password", "__staff_token"], spread);
        await log.CheckValidity([]);
        CheckDatabase(log);

        output.WriteLine(log.Summary("delete, report, appeal and sign-in forms", seed));
        log.AssertClean("delete, report, appeal and sign-in forms", seed);
    }

    private void CheckDatabase(FuzzLog log)
    {
        var integrity = DatabaseCheck.Integrity(_server);
        if (integrity != "ok")
        {
            log.Fail($"PRAGMA integrity_check: {integrity}");
        }
    }
}
