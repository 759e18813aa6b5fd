using System.Globalization;
using System.Net;
using AnonymousBoard.Tests.Moderation;
using AnonymousBoard.Tests.Support;
using Xunit.Abstractions;

namespace AnonymousBoard.Tests.Hostile;

/// <summary>
/// Every field of every staff form, fuzzed by a signed-in admin. Staff are trusted, but what they
/// paste (a pattern, a reason, a ban target) is text from anywhere: the same rules hold.
/// </summary>
public sealed class StaffFormFuzzTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly BoardServer _server = NaughtyInputs.Server();
    private WebBrowser _admin = null!;
    private string _post = "";
    private string _thread = "";
    private string _tripcode = "";

    public async Task InitializeAsync()
    {
        await _server.InitializeAsync();
        StaffKit.AddStaff(_server, "admin", "admin");
        StaffKit.AddStaff(_server, "janitor", "janitor", "--boards", "b");
        _admin = await StaffKit.SignIn(_server, "admin");
        _thread = (await StaffKit.Post(_server, "b", "a thread for staff actions")).ToString(CultureInfo.InvariantCulture);
        _post = (await StaffKit.Post(_server, "b", "a reply for staff actions", long.Parse(_thread, CultureInfo.InvariantCulture))).ToString(CultureInfo.InvariantCulture);
        // A post with a tripcode, so the purge page offers its confirmation form.
        var threadPage = await _server.Browser().Get($"/b/thread/{_thread}");
        var (signed, landed) = await _server.Browser().Submit(threadPage, "/b/post", StaffKit.Fields(("name", "Fuzz#purgekey"), ("body", "by a tripcode")));
        Assert.Equal(HttpStatusCode.SeeOther, signed.StatusCode);
        var trips = landed!.Document.QuerySelectorAll(".trip");
        _tripcode = trips[trips.Length - 1].TextContent;
        // A ban with an appeal, and a filter, so the lift, answer and remove forms are on their pages.
        var bans = await _admin.Get("/mod/bans");
        var (made, _) = await _admin.Submit(bans, "/mod/bans?handler=ban", StaffKit.Fields(("kind", "tripcode"), ("value", "!fuzztarget"), ("reason", "set-up")));
        Assert.Equal(HttpStatusCode.OK, made.StatusCode);
        var appeal = await _server.Browser().Get("/appeal");
        await _server.Browser().Submit(appeal, "/appeal", StaffKit.Fields(("ban", "1"), ("text", "set-up")));
        var filters = await _admin.Get("/mod/filters");
        await _admin.Submit(filters, "/mod/filters?handler=add", StaffKit.Fields(("pattern", "fuzzword"), ("reason", "set-up")));
    }

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task Every_field_of_every_staff_form_survives_hostile_values()
    {
        var seed = NaughtyInputs.Seed;
        var log = new FuzzLog(_server.DataDirectory);
        var values = NaughtyInputs.Few(seed);
        var fuzzer = new FormFuzzer(_server.BaseAddress, log, new CookieContainer());
        await fuzzer.SignIn("admin", StaffKit.Password);
        Dictionary<string, string> Fill(params (string, string)[] fields) => fields.ToDictionary(f => f.Item1, f => f.Item2);

        await fuzzer.Fuzz(new FormTarget("/mod/bans", "/mod/bans?handler=ban", n => Fill(("kind", "tripcode"), ("value", $"!fuzz{n}"), ("reason", "fuzz"))),
            ["board", "kind", "value", "hours", "reason"], values);
        await fuzzer.Fuzz(new FormTarget("/mod/bans", "/mod/bans?handler=answer", _ => Fill(("answer", "fuzz"))), ["ban", "answer", "grant"], values);
        await fuzzer.Fuzz(new FormTarget("/mod/bans", "/mod/bans?handler=lift", _ => Fill(("reason", "fuzz"))), ["ban", "reason"], values);
        await fuzzer.Fuzz(new FormTarget("/mod/boards?edit=b", "/mod/boards?handler=update", _ => Fill(("reason", "fuzz"))),
            NaughtyInputs.Full
                ? ["slug", "title", "description", "rules", "bumplimit", "threadcap", "threadsperpage", "previews", "maxbody", "maxlines", "maxname", "maxsubject", "archive", "autohide", "reason"]
                // The eight limits are read by one routine; two of them stand for it by default.
                : ["slug", "title", "description", "rules", "bumplimit", "maxsubject", "archive", "autohide", "reason"], values);
        await fuzzer.Fuzz(new FormTarget("/mod/boards", "/mod/boards?handler=create", n => Fill(("slug", $"f{n}"), ("title", "Fuzz"), ("reason", "fuzz"))),
            ["slug"], values);
        await fuzzer.Fuzz(new FormTarget("/mod/filters", "/mod/filters?handler=add", n => Fill(("pattern", $"fuzz{n}"), ("reason", "fuzz"))),
            ["board", "pattern", "regex", "action", "replacement", "reason"], values);
        await fuzzer.Fuzz(new FormTarget("/mod/filters", "/mod/filters?handler=remove", _ => Fill(("reason", "fuzz"))), ["id", "reason"], values);
        await fuzzer.Fuzz(new FormTarget($"/mod/post/b/{_post}", $"/mod/post/b/{_post}", _ => Fill(("action", "sticky"), ("reason", "fuzz"))),
            ["action", "to", "reason"], values);
        await fuzzer.Fuzz(new FormTarget($"/mod/purge?kind=tripcode&value={Uri.EscapeDataString(_tripcode)}", "/mod/purge?confirm=1", _ => Fill(("value", "!nobody"), ("reason", "fuzz"))),
            ["kind", "value", "reason"], values);
        // No reason: every other field meets its rules without a password hash (Argon2id) per submission;
        // a few valid ones hash.
        var addStaff = new FormTarget("/mod/staff", "/mod/staff?handler=add", n => Fill(("name", $"fuzz{n}"), ("password", "a long enough password"), ("role", "janitor"), ("reason", "")));
        await fuzzer.Fuzz(addStaff, ["name", "handle", "role", "global", "boards"], values);
        await fuzzer.Fuzz(addStaff with { Baseline = n => Fill(("name", $"fuzz{n}"), ("password", "a long enough password"), ("role", "janitor"), ("reason", "fuzz")) },
            ["password", "reason"], values.Take(NaughtyInputs.Full ? values.Count : 6).ToList());
        await fuzzer.Fuzz(new FormTarget("/mod/staff", "/mod/staff?handler=remove", _ => Fill(("name", "janitor"), ("reason", ""))), ["name", "reason"], values);

        // The admin is still signed in: no value broke the session.
        Assert.Equal(HttpStatusCode.OK, (await fuzzer.Client.GetAsync(new Uri("/mod", UriKind.Relative))).StatusCode);
        await log.CheckValidity([]);
        var integrity = DatabaseCheck.Integrity(_server);
        if (integrity != "ok")
        {
            log.Fail($"PRAGMA integrity_check: {integrity}");
        }
        output.WriteLine(log.Summary("staff forms", seed) + $"; {fuzzer.ResetsWithoutAnswer} bodies past the form limit reset before an answer");
        log.AssertClean("staff forms", seed);
    }
}
