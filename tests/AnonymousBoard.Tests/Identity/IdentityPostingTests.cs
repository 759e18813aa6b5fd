using System.Globalization;
using System.Net;
using AnonymousBoard.Identity;
using AnonymousBoard.Tests.Support;

namespace AnonymousBoard.Tests.Identity;

/// <summary>Tripcodes and signed pseudonyms through the real posting form and the real tools.</summary>
public sealed class IdentityPostingTests : IAsyncLifetime
{
    private readonly BoardServer _server = new();
    public Task InitializeAsync() => _server.InitializeAsync();
    public Task DisposeAsync() => _server.DisposeAsync();

    private const string Passphrase = "correct horse battery staple";

    private static Dictionary<string, string?> Fields(params (string Name, string? Value)[] values) => values.ToDictionary(v => v.Name, v => v.Value);

    private static async Task<(HttpResponseMessage Response, Page? Landed)> Post(WebBrowser browser, string board, long? thread, Dictionary<string, string?> fields)
    {
        var page = await browser.Get(thread is { } t ? $"/{board}/thread/{t}" : $"/{board}/");
        return await browser.Submit(page, $"/{board}/post", fields);
    }

    private static long PostNo(HttpResponseMessage response) =>
        long.Parse(response.Headers.Location!.OriginalString.Split("#p")[1], CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_classic_tripcode_matches_4chan_and_the_key_is_never_shown_or_stored()
    {
        var browser = _server.Browser();
        var (response, page) = await Post(browser, "b", null, Fields(("name", "Tester#password"), ("body", "trip post")));
        var head = page!.Post(PostNo(response))!.QuerySelector("h3")!;
        Assert.Equal("Tester", head.QuerySelector(".name")!.TextContent);
        Assert.Equal("!ozOtJW9BFA", head.QuerySelector(".trip")!.TextContent);
        Assert.DoesNotContain("Tester#password", page.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("Tester#password", DatabaseCheck.EverythingStored(_server), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_hash_with_an_empty_key_is_plain_text()
    {
        var browser = _server.Browser();
        foreach (var name in new[] { "We're #", "Anon##" })
        {
            var (response, page) = await Post(browser, "b", null, Fields(("name", name), ("body", $"plain {name}")));
            var head = page!.Post(PostNo(response))!.QuerySelector("h3")!;
            Assert.Equal(name, head.QuerySelector(".name")!.TextContent);
            Assert.Null(head.QuerySelector(".trip"));
        }
    }

    [Fact]
    public async Task A_secure_tripcode_is_stable_across_restarts_and_differs_between_data_directories()
    {
        var first = await SecureTripcodeOn(_server);
        await using var restarted = new RestartedServer(_server.DataDirectory);
        Assert.Equal(first, await SecureTripcodeOn(restarted.Board));

        await using var other = new RestartedServer(null);
        var elsewhere = await SecureTripcodeOn(other.Board);
        Assert.Matches("^!![A-Za-z0-9_-]{12}$", first);
        Assert.NotEqual(first, elsewhere);
    }

    private static async Task<string> SecureTripcodeOn(BoardServer server)
    {
        var browser = server.Browser();
        var (response, page) = await Post(browser, "b", null, Fields(("name", "Anon##hunter2"), ("body", $"secure {Guid.NewGuid()}")));
        return page!.Post(PostNo(response))!.QuerySelector(".trip")!.TextContent;
    }

    /// <summary>A second board process over the given data directory (or a fresh one).</summary>
    private sealed class RestartedServer : IAsyncDisposable
    {
        public BoardServer Board { get; }

        public RestartedServer(string? dataDirectory)
        {
            Board = dataDirectory is null ? new BoardServer() : new BoardServer(dataDirectory);
            Board.InitializeAsync().GetAwaiter().GetResult();
        }

        public async ValueTask DisposeAsync() => await Board.DisposeAsync();
    }

    [Fact]
    public async Task A_passphrase_signs_posts_on_every_board_under_one_pseudonym()
    {
        Assert.Equal(0, _server.RunCli("boards", "create", "tech", "Technology").Code);
        var browser = _server.Browser();
        var (r1, page) = await Post(browser, "b", null, Fields(("body", "signed on b"), ("passphrase", Passphrase)));
        var (r2, _) = await Post(browser, "tech", null, Fields(("subject", "Hi"), ("body", "signed on tech"), ("passphrase", Passphrase)));
        Assert.Equal(HttpStatusCode.SeeOther, r2.StatusCode);

        var link = page!.Post(PostNo(r1))!.QuerySelector("a.pseudonym")!;
        using var key = PseudonymKey.Derive(Passphrase);
        Assert.Equal(Fingerprint.Of(key.PublicKey), link.TextContent);
        var pseudonym = await browser.Get(link.GetAttribute("href")!);
        var bodies = pseudonym.Document.QuerySelectorAll("article.post .body").Select(b => b.TextContent.Trim()).ToList();
        Assert.Equal(["signed on tech", "signed on b"], bodies);
        Assert.DoesNotContain(Passphrase, page.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_short_passphrase_is_refused_with_the_text_kept()
    {
        var browser = _server.Browser();
        var (response, back) = await Post(browser, "b", null, Fields(("body", "keep me"), ("passphrase", "short")));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("too short", back!.Document.QuerySelector("[role=alert]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("keep me", back.Field("/b/post", "body"));
        Assert.Equal("short", back.Field("/b/post", "passphrase"));
    }

    [Fact]
    public async Task A_post_signed_offline_with_ssh_keygen_is_accepted_and_its_bundle_verifies_with_ssh_keygen()
    {
        using var dir = new TempDirectory();
        var key = SshKeygen.NewKey(dir, "ed25519", "id_ed25519");
        var browser = _server.Browser();
        var (_, threadPage) = await Post(browser, "b", null, Fields(("body", "a thread")));
        var thread = long.Parse(threadPage!.Path.Split('/')[^1], CultureInfo.InvariantCulture);

        var body = "I wrote this\r\nmyself.  ";
        var signature = SignOffline(dir, key, SignedMessage.Build("b", thread, "", body));
        var (response, page) = await Post(browser, "b", thread, Fields(("body", body), ("signature", signature)));
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        var no = PostNo(response);
        var publicKey = await File.ReadAllTextAsync(key + ".pub");
        Assert.True(OpenSshKeys.TryParsePublicKey(publicKey, out var parsed, out _));
        Assert.Equal(Fingerprint.Of(parsed!.Key), page!.Post(no)!.QuerySelector("a.pseudonym")!.TextContent);

        // Download the bundle the post offers and check it with the real tool.
        using var check = new TempDirectory();
        var signedPage = await browser.Get(page.Post(no)!.QuerySelector("a.verify")!.GetAttribute("href")!);
        foreach (var link in signedPage.Document.QuerySelectorAll("main ul a"))
        {
            var bytes = await browser.Client.GetByteArrayAsync(new Uri(link.GetAttribute("href")!, UriKind.Relative));
            await File.WriteAllBytesAsync(check.File(link.TextContent), bytes);
        }
        var message = await File.ReadAllTextAsync(check.File("message.txt"));
        var verify = SshKeygen.Run(check.Path, message, "-Y", "verify", "-f", "allowed_signers", "-I", SignedPostFiles.Principal,
            "-n", "anonboard", "-s", "message.txt.sig");
        Assert.True(verify.ExitCode == 0, verify.Stderr + verify.Stdout);
        Assert.Contains(SignedPostFiles.VerifyCommand, signedPage.Html.Replace("&lt;", "<", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_passphrase_signed_post_bundle_verifies_with_ssh_keygen_too()
    {
        var browser = _server.Browser();
        var (response, page) = await Post(browser, "b", null, Fields(("subject", "Signed"), ("body", "passphrase post"), ("passphrase", Passphrase)));
        var no = PostNo(response);
        using var check = new TempDirectory();
        foreach (var file in new[] { "message.txt", "message.txt.sig", "allowed_signers" })
        {
            await File.WriteAllBytesAsync(check.File(file), await browser.Client.GetByteArrayAsync(new Uri($"/b/signed/{no}/{file}", UriKind.Relative)));
        }
        var verify = SshKeygen.Run(check.Path, await File.ReadAllTextAsync(check.File("message.txt")), "-Y", "verify", "-f", "allowed_signers",
            "-I", SignedPostFiles.Principal, "-n", "anonboard", "-s", "message.txt.sig");
        Assert.True(verify.ExitCode == 0, verify.Stderr);
        Assert.NotNull(page);
    }

    [Theory]
    [InlineData("tampered body")]
    [InlineData("wrong namespace")]
    [InlineData("replayed into another thread")]
    [InlineData("malformed")]
    public async Task A_bad_signature_is_refused_with_its_reason_and_every_field_kept(string kind)
    {
        using var dir = new TempDirectory();
        var key = SshKeygen.NewKey(dir, "ed25519", "id_ed25519");
        var browser = _server.Browser();
        var (_, t1) = await Post(browser, "b", null, Fields(("body", "thread one")));
        var (_, t2) = await Post(browser, "b", null, Fields(("body", "thread two")));
        var thread1 = long.Parse(t1!.Path.Split('/')[^1], CultureInfo.InvariantCulture);
        var thread2 = long.Parse(t2!.Path.Split('/')[^1], CultureInfo.InvariantCulture);
        var body = "the signed words";
        var message = SignedMessage.Build("b", thread1, "", body);
        var (signature, postBody, target, reason) = kind switch
        {
            "tampered body" => (SignOffline(dir, key, message), "the signed words, changed", thread1, "does not verify"),
            "wrong namespace" => (SignOffline(dir, key, message, "git"), body, thread1, "namespace"),
            "replayed into another thread" => (SignOffline(dir, key, message), body, thread2, "does not verify"),
            _ => ("-----BEGIN SSH SIGNATURE-----\nnot base64!\n-----END SSH SIGNATURE-----", body, thread1, "not accepted"),
        };

        var (response, back) = await Post(browser, "b", target, Fields(("name", "Signer"), ("body", postBody), ("signature", signature)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(reason, back!.Document.QuerySelector("[role=alert]")!.TextContent, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(postBody, back.Field("/b/post", "body"));
        Assert.Equal("Signer", back.Field("/b/post", "name"));
        Assert.Equal(signature.Trim(), back.Field("/b/post", "signature")!.Trim());
    }

    [Fact]
    public async Task A_signature_copied_by_someone_else_cannot_be_posted_again()
    {
        var browser = _server.Browser();
        var (_, threadPage) = await Post(browser, "b", null, Fields(("body", "a thread")));
        var thread = long.Parse(threadPage!.Path.Split('/')[^1], CultureInfo.InvariantCulture);
        var (first, _) = await Post(browser, "b", thread, Fields(("body", "once"), ("passphrase", Passphrase)));
        var signature = await browser.Client.GetStringAsync(new Uri($"/b/signed/{PostNo(first)}/message.txt.sig", UriKind.Relative));

        var (copy, back) = await Post(browser, "b", thread, Fields(("name", "Impostor"), ("body", "once"), ("signature", signature)));
        Assert.Equal(HttpStatusCode.Conflict, copy.StatusCode);
        Assert.Contains("already on the board", back!.Html, StringComparison.Ordinal);
    }

    private static string SignOffline(TempDirectory dir, string key, string message, string signatureNamespace = "anonboard")
    {
        var file = dir.File($"post-{Guid.NewGuid():N}.txt");
        File.WriteAllText(file, message);
        return SshKeygen.Sign(dir, key, signatureNamespace, file);
    }
}
