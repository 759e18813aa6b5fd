using System.Runtime.Versioning;
using System.Text;
using AnonymousBoard.Identity;
using Xunit;

namespace AnonymousBoard.Tests.Identity;

// File modes are checked the POSIX way; the board runs on Linux only (libcrypt.so.1, link(2)).
[SupportedOSPlatform("linux")]
public class OpenSshKeysTests
{
    [Fact]
    public void Our_private_key_is_accepted_by_ssh_keygen()
    {
        using var directory = new TempDirectory();
        using Ed25519KeyPair key = Ed25519KeyPair.Generate();
        string path = WritePrivateKey(directory, OpenSshKeys.FormatPrivateKey(key, "me@example"));

        SshKeygen.Result result = SshKeygen.Run(directory.Path, null, "-y", "-f", path);
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal(OpenSshKeys.FormatPublicKey(key.PublicKey, "me@example"), result.Stdout.Trim());
    }

    [Fact]
    public void Ssh_keygen_signs_with_our_private_key_and_we_verify_it()
    {
        using var directory = new TempDirectory();
        using Ed25519KeyPair key = Ed25519KeyPair.Generate();
        string path = WritePrivateKey(directory, OpenSshKeys.FormatPrivateKey(key, "anonboard"));
        string post = directory.File("post.txt");
        File.WriteAllText(post, "signed by ssh-keygen\n");

        SignatureCheck check = SshSignature.Verify(SshKeygen.Sign(directory, path, "anonboard", post), File.ReadAllBytes(post));
        Assert.True(check.IsValid, check.Reason);
        Assert.Equal(key.PublicKey, check.PublicKey);
    }

    [Fact]
    public void Reads_a_key_made_by_ssh_keygen()
    {
        using var directory = new TempDirectory();
        string path = SshKeygen.NewKey(directory, "ed25519", "id");
        Assert.True(OpenSshKeys.TryReadPrivateKey(File.ReadAllText(path), out Ed25519KeyPair? key, out string? error), error);
        using (key)
        {
            Assert.True(OpenSshKeys.TryParsePublicKey(File.ReadAllText(path + ".pub"), out SshPublicKey? publicKey, out _));
            Assert.Equal(publicKey.Key, key.PublicKey);
            Assert.Equal("test", publicKey.Comment);
        }
    }

    [Fact]
    public void Private_key_round_trips_and_is_wrapped_at_70_columns()
    {
        using Ed25519KeyPair key = Ed25519KeyPair.Generate();
        string text = OpenSshKeys.FormatPrivateKey(key, "round trip");
        Assert.StartsWith("-----BEGIN OPENSSH PRIVATE KEY-----\n", text, StringComparison.Ordinal);
        Assert.EndsWith("-----END OPENSSH PRIVATE KEY-----\n", text, StringComparison.Ordinal);
        Assert.All(text.Split('\n'), line => Assert.True(line.Length <= 70));

        Assert.True(OpenSshKeys.TryReadPrivateKey(text, out Ed25519KeyPair? read, out string? error), error);
        using (read)
        {
            Assert.Equal(key.PublicKey, read.PublicKey);
            Assert.Equal(key.Sign("m"u8), read.Sign("m"u8));
        }
    }

    [Fact]
    public void Encrypted_key_is_refused_with_directions_to_ssh_keygen()
    {
        using var directory = new TempDirectory();
        string path = directory.File("locked");
        SshKeygen.Result made = SshKeygen.Run(directory.Path, null, "-q", "-t", "ed25519", "-N", "a passphrase", "-f", path);
        Assert.True(made.ExitCode == 0, made.Stderr);

        Assert.False(OpenSshKeys.TryReadPrivateKey(File.ReadAllText(path), out _, out string? error));
        Assert.Contains("protected by a passphrase", error, StringComparison.Ordinal);
        Assert.Contains("ssh-keygen -Y sign -n anonboard", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Rsa_private_key_is_refused_with_the_key_type()
    {
        using var directory = new TempDirectory();
        string path = SshKeygen.NewKey(directory, "rsa", "rsa");
        Assert.False(OpenSshKeys.TryReadPrivateKey(File.ReadAllText(path), out _, out string? error));
        Assert.Contains("ssh-rsa: only Ed25519 keys are accepted", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Damaged_private_keys_are_refused()
    {
        using Ed25519KeyPair key = Ed25519KeyPair.Generate();
        string text = OpenSshKeys.FormatPrivateKey(key, "x");
        byte[] blob = Convert.FromBase64String(string.Concat(text.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('-'))));

        // The first check integer sits right after the magic, two "none" strings, empty options,
        // the key count and the 51-byte public key blob, plus the private section's length.
        int checkInt = 15 + 8 + 8 + 4 + 4 + 4 + 51 + 4;
        byte[] damaged = [.. blob];
        damaged[checkInt] ^= 1;
        Assert.False(OpenSshKeys.TryReadPrivateKey(Rearmor(damaged), out _, out string? error));
        Assert.Contains("damaged", error, StringComparison.Ordinal);

        byte[] badPadding = [.. blob];
        badPadding[^1] ^= 0x40;
        Assert.False(OpenSshKeys.TryReadPrivateKey(Rearmor(badPadding), out _, out error));
        Assert.Contains("damaged", error, StringComparison.Ordinal);

        Assert.False(OpenSshKeys.TryReadPrivateKey("just text", out _, out error));
        Assert.Contains("not an OpenSSH private key", error, StringComparison.Ordinal);
        Assert.False(OpenSshKeys.TryReadPrivateKey("-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n", out _, out error));
        Assert.Contains("not in OpenSSH format", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Public_key_line_round_trips()
    {
        byte[] publicKey = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        string line = OpenSshKeys.FormatPublicKey(publicKey, "a comment");
        Assert.StartsWith("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI", line, StringComparison.Ordinal);
        Assert.True(OpenSshKeys.TryParsePublicKey(line + "\n", out SshPublicKey? parsed, out string? error), error);
        Assert.Equal(publicKey, parsed.Key);
        Assert.Equal("a comment", parsed.Comment);
    }

    [Fact]
    public void Public_key_vector_parses()
    {
        Assert.True(OpenSshKeys.TryParsePublicKey(Vectors.Text("sshsig/key.pub"), out SshPublicKey? key, out string? error), error);
        Assert.Equal("anonboard-test", key.Comment);
        Assert.Equal("e1bb9530f72e94e3608e14d0d78dcc053349a4e5de3f192d7ac53bf309520f3c", Convert.ToHexStringLower(key.Key));
    }

    [Theory]
    [InlineData("ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ test", "ssh-rsa: only Ed25519 keys are accepted")]
    [InlineData("ssh-ed25519", "has the form")]
    [InlineData("ssh-ed25519 not-base64!", "not valid base64")]
    [InlineData("ssh-ed25519 AAAAB3NzaC1yc2EAAAADAQAB", "not an Ed25519 key")]
    public void Bad_public_key_lines_are_explained(string line, string reason)
    {
        Assert.False(OpenSshKeys.TryParsePublicKey(line, out _, out string? error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Allowed_signers_vector_parses()
    {
        string line = Vectors.Text("sshsig/allowed_signers").Trim();
        Assert.True(OpenSshKeys.TryParseAllowedSigner(line, out AllowedSigner? signer, out string? error), error);
        Assert.Equal(["tester@anonboard"], signer.Principals);
        Assert.Equal(["anonboard"], signer.Namespaces);
        Assert.True(signer.AllowsNamespace("anonboard"));
        Assert.False(signer.AllowsNamespace("git"));
        Assert.True(OpenSshKeys.TryParsePublicKey(Vectors.Text("sshsig/key.pub"), out SshPublicKey? key, out _));
        Assert.Equal(key.Key, signer.PublicKey);
    }

    [Fact]
    public void Allowed_signers_lines_with_several_principals_quotes_and_no_options()
    {
        byte[] publicKey = new byte[32];
        string keyPart = OpenSshKeys.FormatPublicKey(publicKey, "");

        Assert.True(OpenSshKeys.TryParseAllowedSigner($"a@x,\"b c\" {keyPart} trailing comment", out AllowedSigner? plain, out string? error), error);
        Assert.Equal(["a@x", "b c"], plain.Principals);
        Assert.Null(plain.Namespaces);
        Assert.True(plain.AllowsNamespace("anything"));

        Assert.True(OpenSshKeys.TryParseAllowedSigner($"a namespaces=\"git,anonboard\" {keyPart}", out AllowedSigner? two, out error), error);
        Assert.Equal(["git", "anonboard"], two.Namespaces);

        Assert.True(OpenSshKeys.TryParseAllowedSigner(OpenSshKeys.FormatAllowedSigner("me", publicKey), out AllowedSigner? ours, out error), error);
        Assert.Equal(["anonboard"], ours.Namespaces);
        Assert.Equal(publicKey, ours.PublicKey);
    }

    [Theory]
    [InlineData("a cert-authority ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "cert-authority\" is not supported")]
    [InlineData("a namespaces=\"x ssh-ed25519 AAAA", "has the form")]
    [InlineData("a ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ", "only Ed25519")]
    [InlineData("a namespaces=\"x\"", "has the form")]
    public void Bad_allowed_signers_lines_are_explained(string line, string reason)
    {
        Assert.False(OpenSshKeys.TryParseAllowedSigner(line, out _, out string? error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    private static string WritePrivateKey(TempDirectory directory, string text)
    {
        // ssh-keygen refuses private keys that others can read.
        string path = directory.File("ours");
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        };
        using (var writer = new StreamWriter(path, Encoding.ASCII, options))
        {
            writer.Write(text);
        }
        return path;
    }

    private static string Rearmor(byte[] blob) =>
        $"-----BEGIN OPENSSH PRIVATE KEY-----\n{Convert.ToBase64String(blob)}\n-----END OPENSSH PRIVATE KEY-----\n";
}
