using System.Runtime.Versioning;
using System.Text;
using AnonymousBoard.Identity;
using Xunit;

namespace AnonymousBoard.Tests.Identity;

// File modes are checked the POSIX way; the board runs on Linux only (libcrypt.so.1, link(2)).
[SupportedOSPlatform("linux")]
public sealed class IdentityCommandsTests : IDisposable
{
    private readonly TempDirectory directory = new();

    public void Dispose() => directory.Dispose();

    private sealed record Outcome(int ExitCode, string Stdout, string Stderr);

    private static Outcome RunWithInput(string stdin, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int exitCode = IdentityCommands.Run(args, stdout, stderr, new StringReader(stdin));
        return new Outcome(exitCode, stdout.ToString(), stderr.ToString());
    }

    private static Outcome Run(params string[] args) => RunWithInput("", args);

    private string Post(string body)
    {
        string path = directory.File("post.txt");
        File.WriteAllText(path, body);
        return path;
    }

    private string Keygen()
    {
        string key = directory.File("key");
        Assert.Equal(0, Run("keygen", "--out", key).ExitCode);
        return key;
    }

    [Fact]
    public void Keygen_writes_an_owner_only_key_pair_that_ssh_keygen_accepts()
    {
        string key = directory.File("mine");
        Outcome outcome = Run("keygen", "--out", key);
        Assert.True(outcome.ExitCode == 0, outcome.Stderr);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));

        SshKeygen.Result derived = SshKeygen.Run(directory.Path, null, "-y", "-f", key);
        Assert.True(derived.ExitCode == 0, derived.Stderr);
        Assert.Equal(File.ReadAllText(key + ".pub").Trim(), derived.Stdout.Trim());

        Assert.True(OpenSshKeys.TryParsePublicKey(File.ReadAllText(key + ".pub"), out SshPublicKey? publicKey, out _));
        Assert.Contains($"Fingerprint: {Fingerprint.Of(publicKey.Key)}", outcome.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Keygen_refuses_to_overwrite_either_file()
    {
        string key = directory.File("existing");
        File.WriteAllText(key + ".pub", "keep me");
        Outcome outcome = Run("keygen", "--out", key);
        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains("already exists", outcome.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(key));
        Assert.Equal("keep me", File.ReadAllText(key + ".pub"));
    }

    [Fact]
    public void Sign_then_verify_prints_the_fingerprint()
    {
        string key = Keygen();
        string post = Post("Hello\r\nworld\r\n");
        Outcome signed = Run("sign", "--board", "b", "--thread", "12", "--subject", "Hi", "--key", key, post);
        Assert.True(signed.ExitCode == 0, signed.Stderr);
        Assert.StartsWith("-----BEGIN SSH SIGNATURE-----", signed.Stdout, StringComparison.Ordinal);

        File.WriteAllText(directory.File("post.sig"), signed.Stdout);
        Outcome verified = Run("verify", "--board", "b", "--thread", "12", "--subject", "Hi", "--signature", directory.File("post.sig"), post);
        Assert.True(verified.ExitCode == 0, verified.Stderr);
        Assert.True(OpenSshKeys.TryParsePublicKey(File.ReadAllText(key + ".pub"), out SshPublicKey? publicKey, out _));
        Assert.Equal(Fingerprint.Of(publicKey.Key) + Environment.NewLine, verified.Stdout);
    }

    [Fact]
    public void Verify_fails_for_another_thread_with_the_reason()
    {
        string key = Keygen();
        string post = Post("body");
        File.WriteAllText(directory.File("post.sig"), Run("sign", "--board", "b", "--thread", "new", "--key", key, post).Stdout);
        Outcome outcome = Run("verify", "--board", "b", "--thread", "3", "--signature", directory.File("post.sig"), post);
        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains("does not verify", outcome.Stderr, StringComparison.Ordinal);
        Assert.Empty(outcome.Stdout);
    }

    [Fact]
    public void Verify_accepts_a_signature_made_with_ssh_keygen_over_the_message_command_output()
    {
        string key = SshKeygen.NewKey(directory, "ed25519", "id");
        string post = Post("offline post\n");
        Outcome message = Run("message", "--board", "b", "--thread", "5", post);
        Assert.Equal(0, message.ExitCode);
        Assert.Equal(SignedMessage.Build("b", 5, "", "offline post"), message.Stdout);

        File.WriteAllText(directory.File("message.txt"), message.Stdout);
        SshKeygen.Sign(directory, key, "anonboard", directory.File("message.txt"));
        Outcome outcome = Run("verify", "--board", "b", "--thread", "5", "--signature", directory.File("message.txt.sig"), post);
        Assert.True(outcome.ExitCode == 0, outcome.Stderr);
    }

    [Fact]
    public void Verify_explains_a_malformed_signature_and_a_wrong_key_type()
    {
        string post = Post("body");
        File.WriteAllText(directory.File("junk.sig"), "not a signature");
        Outcome junk = Run("verify", "--board", "b", "--thread", "1", "--signature", directory.File("junk.sig"), post);
        Assert.Equal(1, junk.ExitCode);
        Assert.Contains("Malformed signature", junk.Stderr, StringComparison.Ordinal);

        string rsa = SshKeygen.NewKey(directory, "rsa", "rsa");
        File.WriteAllBytes(directory.File("message.txt"), SignedMessage.BuildBytes("b", 1, "", "body"));
        SshKeygen.Sign(directory, rsa, "anonboard", directory.File("message.txt"));
        Outcome wrongType = Run("verify", "--board", "b", "--thread", "1", "--signature", directory.File("message.txt.sig"), post);
        Assert.Equal(1, wrongType.ExitCode);
        Assert.Contains("only Ed25519 keys are accepted", wrongType.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Sign_refuses_rsa_and_encrypted_keys_with_reasons()
    {
        string post = Post("body");
        Outcome rsa = Run("sign", "--board", "b", "--thread", "1", "--key", SshKeygen.NewKey(directory, "rsa", "rsa"), post);
        Assert.Equal(1, rsa.ExitCode);
        Assert.Contains("only Ed25519 keys are accepted", rsa.Stderr, StringComparison.Ordinal);

        string locked = directory.File("locked");
        Assert.Equal(0, SshKeygen.Run(directory.Path, null, "-q", "-t", "ed25519", "-N", "secret words", "-f", locked).ExitCode);
        Outcome encrypted = Run("sign", "--board", "b", "--thread", "1", "--key", locked, post);
        Assert.Equal(1, encrypted.ExitCode);
        Assert.Contains("ssh-keygen -Y sign", encrypted.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_files_fail_with_exit_code_1()
    {
        string key = Keygen();
        Outcome noPost = Run("sign", "--board", "b", "--thread", "1", "--key", key, directory.File("absent.txt"));
        Assert.Equal(1, noPost.ExitCode);
        Assert.Contains("No such file", noPost.Stderr, StringComparison.Ordinal);

        Outcome noKey = Run("sign", "--board", "b", "--thread", "1", "--key", directory.File("absent"), Post("x"));
        Assert.Equal(1, noKey.ExitCode);
        Assert.Contains("absent", noKey.Stderr, StringComparison.Ordinal);

        Outcome noSignature = Run("verify", "--board", "b", "--thread", "1", "--signature", directory.File("absent.sig"), Post("x"));
        Assert.Equal(1, noSignature.ExitCode);
        Assert.Contains("No such file", noSignature.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData]
    [InlineData("frobnicate")]
    [InlineData("sign", "--board", "b", "--thread", "1", "post.txt")]
    [InlineData("sign", "--board", "b", "--thread", "zero", "--key", "k", "post.txt")]
    [InlineData("sign", "--board", "b", "--thread", "0", "--key", "k", "post.txt")]
    [InlineData("verify", "--board", "b", "--thread", "1", "--signature", "s")]
    [InlineData("verify", "--board", "b", "--thread", "1", "--signature", "s", "a.txt", "b.txt")]
    [InlineData("message", "--board", "b", "--thread", "1", "--colour", "red", "post.txt")]
    [InlineData("message", "--board", "b", "--thread")]
    [InlineData("message", "--board", "", "--thread", "1", "post.txt")]
    [InlineData("keygen", "extra")]
    [InlineData("derive", "--out", "x")]
    public void Bad_command_lines_exit_2_with_usage(params string[] args)
    {
        Outcome outcome = Run(args);
        Assert.Equal(2, outcome.ExitCode);
        Assert.Contains("Usage:", outcome.Stderr, StringComparison.Ordinal);
        Assert.Empty(outcome.Stdout);
    }

    [Fact]
    public void Derive_prints_fingerprint_and_public_key_of_the_passphrase()
    {
        const string Passphrase = "correct horse battery staple";
        Outcome outcome = RunWithInput(Passphrase + "\n", "derive");
        Assert.True(outcome.ExitCode == 0, outcome.Stderr);
        using Ed25519KeyPair key = PseudonymKey.Derive(Passphrase);
        string[] lines = outcome.Stdout.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal([Fingerprint.Of(key.PublicKey), OpenSshKeys.FormatPublicKey(key.PublicKey, "anonboard")], lines);
    }

    [Fact]
    public void Derive_refuses_a_missing_or_short_passphrase()
    {
        Outcome empty = RunWithInput("", "derive");
        Assert.Equal(1, empty.ExitCode);
        Assert.Contains("No passphrase", empty.Stderr, StringComparison.Ordinal);

        Outcome shortOne = RunWithInput("hunter2\n", "derive");
        Assert.Equal(1, shortOne.ExitCode);
        Assert.Contains("too short", shortOne.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Message_prints_the_canonical_text_exactly()
    {
        Outcome outcome = Run("message", "--board", "b", "--thread", "new", "--subject", "  Café  ", Post("\r\nline  \r\n"));
        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal("anonboard-post-v1\nboard: b\nthread: new\nsubject: Café\n\nline\n", outcome.Stdout);
        Assert.Equal(Encoding.UTF8.GetBytes(outcome.Stdout), SignedMessage.BuildBytes("b", null, "Café", "line"));
    }
}
