using System.Text;
using AnonymousBoard.Identity;
using Xunit;

namespace AnonymousBoard.Tests.Identity;

public class SshSignatureTests
{
    private static readonly byte[] VectorMessage = File.ReadAllBytes(Vectors.PathOf("sshsig/msg.txt"));
    private static readonly string VectorSignature = Vectors.Text("sshsig/msg.txt.sig");

    private static byte[] VectorKey()
    {
        Assert.True(OpenSshKeys.TryParsePublicKey(Vectors.Text("sshsig/key.pub"), out SshPublicKey? key, out string? error), error);
        return key.Key;
    }

    [Fact]
    public void Vector_signature_verifies_and_names_the_vector_key()
    {
        SignatureCheck check = SshSignature.Verify(VectorSignature, VectorMessage);
        Assert.True(check.IsValid, check.Reason);
        Assert.Equal(VectorKey(), check.PublicKey);
    }

    [Fact]
    public void Vector_signature_fails_for_a_changed_message()
    {
        byte[] tampered = [.. VectorMessage];
        tampered[0] ^= 0x20;
        SignatureCheck check = SshSignature.Verify(VectorSignature, tampered);
        Assert.Equal(SignatureProblem.DoesNotVerify, check.Problem);
        Assert.Null(check.PublicKey);
    }

    [Fact]
    public void Vector_signature_is_refused_for_another_expected_namespace()
    {
        SignatureCheck check = SshSignature.Verify(VectorSignature, VectorMessage, "git");
        Assert.Equal(SignatureProblem.WrongNamespace, check.Problem);
        Assert.Contains("\"anonboard\", not \"git\"", check.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Tolerates_CRLF_and_indentation_from_a_pasted_form()
    {
        string pasted = "\r\n  " + VectorSignature.ReplaceLineEndings("\r\n  ") + "\r\n";
        Assert.True(SshSignature.Verify(pasted, VectorMessage).IsValid);
    }

    [Fact]
    public void Ssh_keygen_signature_verifies_and_a_tampered_message_does_not()
    {
        using var directory = new TempDirectory();
        string key = SshKeygen.NewKey(directory, "ed25519", "id");
        string post = directory.File("post.txt");
        File.WriteAllBytes(post, SignedMessage.BuildBytes("b", 7, "hi", "hello\nworld"));
        string signature = SshKeygen.Sign(directory, key, "anonboard", post);

        SignatureCheck check = SshSignature.Verify(signature, File.ReadAllBytes(post));
        Assert.True(check.IsValid, check.Reason);
        Assert.True(OpenSshKeys.TryParsePublicKey(File.ReadAllText(key + ".pub"), out SshPublicKey? publicKey, out _));
        Assert.Equal(publicKey.Key, check.PublicKey);

        SignatureCheck replayed = SshSignature.Verify(signature, SignedMessage.BuildBytes("b", 8, "hi", "hello\nworld"));
        Assert.Equal(SignatureProblem.DoesNotVerify, replayed.Problem);
        Assert.Contains("does not verify", replayed.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Ssh_keygen_signature_in_another_namespace_fails_with_the_namespace_reason()
    {
        using var directory = new TempDirectory();
        string key = SshKeygen.NewKey(directory, "ed25519", "id");
        string post = directory.File("post.txt");
        File.WriteAllText(post, "hello\n");
        SignatureCheck check = SshSignature.Verify(SshKeygen.Sign(directory, key, "other", post), File.ReadAllBytes(post));
        Assert.Equal(SignatureProblem.WrongNamespace, check.Problem);
        Assert.Contains("namespace \"other\"", check.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("rsa", "ssh-rsa")]
    [InlineData("ecdsa", "ecdsa-sha2-nistp256")]
    public void Other_key_types_are_rejected_with_the_key_type_reason(string type, string name)
    {
        using var directory = new TempDirectory();
        string key = SshKeygen.NewKey(directory, type, "id");
        string post = directory.File("post.txt");
        File.WriteAllText(post, "hello\n");
        SignatureCheck check = SshSignature.Verify(SshKeygen.Sign(directory, key, "anonboard", post), File.ReadAllBytes(post));
        Assert.Equal(SignatureProblem.UnsupportedKeyType, check.Problem);
        Assert.Contains(name, check.Reason, StringComparison.Ordinal);
        Assert.Contains("only Ed25519 keys are accepted", check.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Sha256_signatures_from_ssh_keygen_verify_too()
    {
        using var directory = new TempDirectory();
        string key = SshKeygen.NewKey(directory, "ed25519", "id");
        string post = directory.File("post.txt");
        File.WriteAllText(post, "hello\n");
        SshKeygen.Result result = SshKeygen.Run(directory.Path, null, "-Y", "sign", "-n", "anonboard", "-O", "hashalg=sha256", "-f", key, post);
        Assert.True(result.ExitCode == 0, result.Stderr);
        string signature = File.ReadAllText(post + ".sig");
        Assert.Contains("sha256", Encoding.ASCII.GetString(Unarmor(signature)), StringComparison.Ordinal);
        Assert.True(SshSignature.Verify(signature, File.ReadAllBytes(post)).IsValid);
    }

    [Fact]
    public void Our_signature_verifies_with_ssh_keygen()
    {
        using var directory = new TempDirectory();
        using Ed25519KeyPair key = Ed25519KeyPair.Generate();
        byte[] message = SignedMessage.BuildBytes("b", null, "first", "hello");
        string post = directory.File("post.txt");
        File.WriteAllBytes(post, message);
        File.WriteAllText(post + ".sig", SshSignature.Sign(key, message));
        File.WriteAllText(directory.File("allowed_signers"), OpenSshKeys.FormatAllowedSigner("me@anonboard", key.PublicKey) + "\n");

        string[] verify = ["-Y", "verify", "-f", "allowed_signers", "-I", "me@anonboard", "-n", "anonboard", "-s", "post.txt.sig"];
        SshKeygen.Result good = SshKeygen.Run(directory.Path, Encoding.UTF8.GetString(message), verify);
        Assert.True(good.ExitCode == 0, good.Stdout + good.Stderr);
        Assert.Contains("Good \"anonboard\" signature", good.Stdout, StringComparison.Ordinal);

        SshKeygen.Result bad = SshKeygen.Run(directory.Path, Encoding.UTF8.GetString(message) + "x", verify);
        Assert.NotEqual(0, bad.ExitCode);
    }

    [Fact]
    public void Our_signature_is_byte_for_byte_what_ssh_keygen_makes_with_the_same_key()
    {
        using var directory = new TempDirectory();
        string keyPath = SshKeygen.NewKey(directory, "ed25519", "id");
        string post = directory.File("post.txt");
        File.WriteAllText(post, "same format\n");
        string theirs = SshKeygen.Sign(directory, keyPath, "anonboard", post);

        Assert.True(OpenSshKeys.TryReadPrivateKey(File.ReadAllText(keyPath), out Ed25519KeyPair? key, out string? error), error);
        using (key)
        {
            Assert.Equal(theirs, SshSignature.Sign(key, File.ReadAllBytes(post)));
        }
    }

    [Fact]
    public void Unsupported_hash_algorithm_is_named()
    {
        byte[] blob = Unarmor(VectorSignature);
        int at = Encoding.ASCII.GetString(blob).IndexOf("sha512", StringComparison.Ordinal);
        "sha384"u8.CopyTo(blob.AsSpan(at));
        SignatureCheck check = SshSignature.Verify(Armor(blob), VectorMessage);
        Assert.Equal(SignatureProblem.UnsupportedHashAlgorithm, check.Problem);
        Assert.Contains("sha384", check.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "does not start with -----BEGIN SSH SIGNATURE-----")]
    [InlineData("-----BEGIN SSH SIGNATURE-----\nAAAA\n", "does not end with -----END SSH SIGNATURE-----")]
    [InlineData("-----BEGIN SSH SIGNATURE-----\n!!!!\n-----END SSH SIGNATURE-----", "not valid base64")]
    [InlineData("-----BEGIN SSH SIGNATURE-----\nU1NIU0lI\n-----END SSH SIGNATURE-----", "SSHSIG magic")]
    public void Malformed_armor_is_named(string text, string reason)
    {
        SignatureCheck check = SshSignature.Verify(text, VectorMessage);
        Assert.Equal(SignatureProblem.Malformed, check.Problem);
        Assert.Contains(reason, check.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_and_padded_blobs_are_malformed()
    {
        byte[] blob = Unarmor(VectorSignature);
        SignatureCheck truncated = SshSignature.Verify(Armor(blob[..^10]), VectorMessage);
        Assert.Equal(SignatureProblem.Malformed, truncated.Problem);
        Assert.Contains("signature itself is missing", truncated.Reason, StringComparison.Ordinal);

        SignatureCheck padded = SshSignature.Verify(Armor([.. blob, 0]), VectorMessage);
        Assert.Equal(SignatureProblem.Malformed, padded.Problem);
        Assert.Contains("extra bytes", padded.Reason, StringComparison.Ordinal);

        byte[] version2 = [.. blob];
        version2[9] = 2;
        Assert.Contains("version 2", SshSignature.Verify(Armor(version2), VectorMessage).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Far_too_long_input_is_refused_before_decoding()
    {
        string huge = "-----BEGIN SSH SIGNATURE-----\n" + new string('A', 20000) + "\n-----END SSH SIGNATURE-----";
        Assert.Contains("too long", SshSignature.Verify(huge, VectorMessage).Reason, StringComparison.Ordinal);
    }

    private static byte[] Unarmor(string armored) => Convert.FromBase64String(string.Concat(
        armored.Split('\n').Where(line => line.Length > 0 && !line.StartsWith("-----", StringComparison.Ordinal))));

    private static string Armor(byte[] blob) =>
        $"-----BEGIN SSH SIGNATURE-----\n{Convert.ToBase64String(blob)}\n-----END SSH SIGNATURE-----\n";
}
