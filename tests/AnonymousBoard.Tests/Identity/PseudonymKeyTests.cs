using System.Security.Cryptography;
using System.Text;
using AnonymousBoard.Identity;
using Xunit;

namespace AnonymousBoard.Tests.Identity;

public class PseudonymKeyTests
{
    private const string Passphrase = "correct horse battery staple";

    [Fact]
    public void Documented_constants_are_what_the_derivation_uses()
    {
        Assert.Equal(16, Encoding.ASCII.GetByteCount(PseudonymKey.Salt));
        Assert.Equal(3, PseudonymKey.Passes);
        Assert.Equal(64 * 1024, PseudonymKey.MemoryKiB);

        // Recompute the key from the documented recipe with plain NSec calls, not the board's wrappers.
        var argon2id = NSec.Cryptography.PasswordBasedKeyDerivationAlgorithm.Argon2id(
            new NSec.Cryptography.Argon2Parameters { DegreeOfParallelism = 1, NumberOfPasses = 3, MemorySize = 64 * 1024 });
        byte[] seed = argon2id.DeriveBytes(Encoding.UTF8.GetBytes(Passphrase), "AnonymousBoard-1"u8, 32);
        using var expected = NSec.Cryptography.Key.Import(NSec.Cryptography.SignatureAlgorithm.Ed25519, seed, NSec.Cryptography.KeyBlobFormat.RawPrivateKey);
        using Ed25519KeyPair derived = PseudonymKey.Derive(Passphrase);
        Assert.Equal(expected.PublicKey.Export(NSec.Cryptography.KeyBlobFormat.RawPublicKey), derived.PublicKey);
    }

    [Fact]
    public void Same_passphrase_same_key_and_different_passphrase_different_key()
    {
        using Ed25519KeyPair first = PseudonymKey.Derive(Passphrase);
        using Ed25519KeyPair again = PseudonymKey.Derive(Passphrase);
        using Ed25519KeyPair other = PseudonymKey.Derive(Passphrase + "!");
        Assert.Equal(first.PublicKey, again.PublicKey);
        Assert.NotEqual(first.PublicKey, other.PublicKey);
    }

    [Fact]
    public void Passphrase_is_normalised_to_NFC()
    {
        using Ed25519KeyPair composed = PseudonymKey.Derive("caf\u00E9 caf\u00E9 caf\u00E9 caf\u00E9");
        using Ed25519KeyPair decomposed = PseudonymKey.Derive("cafe\u0301 cafe\u0301 cafe\u0301 cafe\u0301");
        Assert.Equal(composed.PublicKey, decomposed.PublicKey);
    }

    [Fact]
    public void Sign_produces_a_signature_that_verifies_for_the_derived_key()
    {
        byte[] message = SignedMessage.BuildBytes("b", 12, "", "hello");
        PseudonymSignature signed = PseudonymKey.Sign(Passphrase, message);
        using Ed25519KeyPair key = PseudonymKey.Derive(Passphrase);
        SignatureCheck check = SshSignature.Verify(signed.ArmoredSignature, message);
        Assert.True(check.IsValid, check.Reason);
        Assert.Equal(key.PublicKey, check.PublicKey);
        Assert.Equal(Fingerprint.Of(key.PublicKey), signed.Fingerprint);
    }

    [Fact]
    public void Disposing_zeroes_the_secret_key()
    {
        Ed25519KeyPair key = PseudonymKey.Derive(Passphrase);
        key.Dispose();
        Assert.Throws<ObjectDisposedException>(() => key.Sign("x"u8));
    }

    [Theory]
    [InlineData("short", true)]
    [InlineData("fifteen chars!!", true)]
    [InlineData("ｋａｍｉｋａｍｉｋａｍｉｋａｍｉ", false)]
    [InlineData("sixteen chars!!!", false)]
    [InlineData("correct horse battery staple", false)]
    public void Short_passphrases_are_refused_with_a_reason(string passphrase, bool refused)
    {
        string? problem = PseudonymKey.PassphraseProblem(passphrase);
        Assert.Equal(refused, problem is not null);
        if (refused)
        {
            Assert.Contains("too short", problem, StringComparison.Ordinal);
        }
    }
}

public class FingerprintTests
{
    [Fact]
    public void Is_four_groups_of_six_base32_characters_of_the_key_hash()
    {
        byte[] publicKey = Convert.FromHexString("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
        string fingerprint = Fingerprint.Of(publicKey);
        Assert.Matches("^[a-z2-7]{6}-[a-z2-7]{6}-[a-z2-7]{6}-[a-z2-7]{6}$", fingerprint);

        // Independent check: decode the base32 back and compare with SHA-256 of the key.
        byte[] decoded = DecodeBase32(fingerprint.Replace("-", "", StringComparison.Ordinal));
        Assert.Equal(SHA256.HashData(publicKey)[..15], decoded);
    }

    [Fact]
    public void Documented_example_is_unchanged()
    {
        // RFC 8032 test 1 public key; the expected text was computed separately with Python's hashlib and base64.
        // Changing the format changes every identity readers know, so this must never fail.
        byte[] publicKey = Convert.FromHexString("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
        Assert.Equal("eh7ddx-5bksrg-cytl7b-kai36s", Fingerprint.Of(publicKey));
        Assert.Equal(["fp1-7", "fp2-11", "fp3-11"], Fingerprint.ColourClasses(publicKey));
    }

    [Fact]
    public void Differs_for_different_keys()
    {
        Assert.NotEqual(Fingerprint.Of(new byte[32]), Fingerprint.Of([.. new byte[31], 1]));
    }

    [Fact]
    public void Colour_classes_come_from_the_key_and_stay_in_range()
    {
        byte[] key = Convert.FromHexString("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c");
        byte[] hash = SHA256.HashData(key);
        Assert.Equal(
            [$"fp1-{hash[15] % 16}", $"fp2-{hash[16] % 16}", $"fp3-{hash[17] % 16}"],
            Fingerprint.ColourClasses(key));
    }

    private static byte[] DecodeBase32(string text)
    {
        const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        var bytes = new List<byte>();
        int buffer = 0;
        int bits = 0;
        foreach (char c in text)
        {
            buffer = (buffer << 5) | Alphabet.IndexOf(c, StringComparison.Ordinal);
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                bytes.Add((byte)(buffer >> bits));
            }
        }
        return [.. bytes];
    }
}
