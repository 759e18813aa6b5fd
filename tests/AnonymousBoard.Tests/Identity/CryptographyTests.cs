using System.Globalization;
using System.Text;
using AnonymousBoard.Identity;
using Xunit;

namespace AnonymousBoard.Tests.Identity;

/// <summary>Ed25519 and Argon2id as the board calls them (NSec over its bundled libsodium), against published vectors.</summary>
public class CryptographyTests
{
    public static TheoryData<string, string, string, string, string, string> Ed25519Vectors()
    {
        var data = new TheoryData<string, string, string, string, string, string>();
        foreach (string[] row in Vectors.Rows("ed25519.tsv", hasHeader: true))
        {
            data.Add(row[0], row[1], row[2], row[3], row[4], row[5]);
        }
        return data;
    }

    public static TheoryData<string, string, int, long, int, string, string> Argon2idVectors()
    {
        var data = new TheoryData<string, string, int, long, int, string, string>();
        foreach (string[] row in Vectors.Rows("argon2id.tsv", hasHeader: true))
        {
            // password_hex, salt_hex, opslimit, memlimit_bytes, outlen, hash_hex, note
            data.Add(row[1], row[2], int.Parse(row[3], CultureInfo.InvariantCulture), long.Parse(row[4], CultureInfo.InvariantCulture),
                int.Parse(row[7], CultureInfo.InvariantCulture), row[8], row[9]);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Ed25519Vectors))]
    public void Ed25519_matches_RFC_8032(string name, string seedHex, string publicHex, string messageHex, string signatureHex, string secretHex)
    {
        using Ed25519KeyPair key = Ed25519KeyPair.FromSeed(Convert.FromHexString(seedHex), exportable: true);
        Assert.Equal(publicHex, Convert.ToHexStringLower(key.PublicKey));
        byte[] secret = new byte[Ed25519KeyPair.SecretKeyBytes];
        key.WriteSecretKey(secret);
        Assert.Equal(secretHex, Convert.ToHexStringLower(secret));

        byte[] message = Convert.FromHexString(messageHex);
        byte[] signature = key.Sign(message);
        Assert.Equal(signatureHex, Convert.ToHexStringLower(signature));
        Assert.True(Ed25519KeyPair.Verify(signature, message, key.PublicKey), name);

        signature[0] ^= 1;
        Assert.False(Ed25519KeyPair.Verify(signature, message, key.PublicKey));
        signature[0] ^= 1;
        Assert.False(Ed25519KeyPair.Verify(signature, [.. message, 0], key.PublicKey));
    }

    [Fact]
    public void Verify_refuses_wrong_lengths_instead_of_throwing()
    {
        Assert.False(Ed25519KeyPair.Verify(new byte[63], [], new byte[32]));
        Assert.False(Ed25519KeyPair.Verify(new byte[64], [], new byte[31]));
        Assert.False(Ed25519KeyPair.Verify(new byte[64], [], new byte[32]));
    }

    [Fact]
    public void A_key_from_a_seed_keeps_its_secret_and_a_disposed_key_cannot_sign()
    {
        var key = Ed25519KeyPair.FromSeed(new byte[32]);
        // Only keygen's keys, made to be written to a file, may leave NSec's guarded memory.
        Assert.ThrowsAny<InvalidOperationException>(() => key.WriteSecretKey(new byte[Ed25519KeyPair.SecretKeyBytes]));
        key.Dispose();
        Assert.Throws<ObjectDisposedException>(() => key.Sign("x"u8));
    }

    [Theory]
    [MemberData(nameof(Argon2idVectors))]
    public void Argon2id_matches_the_vectors(string passwordHex, string saltHex, int passes, long memoryBytes, int length, string hashHex, string note)
    {
        byte[] output = new byte[length];
        Argon2.DeriveBytes(Convert.FromHexString(passwordHex), Convert.FromHexString(saltHex), passes, checked((int)(memoryBytes / 1024)), output);
        Assert.True(hashHex == Convert.ToHexStringLower(output), note);
    }

    [Fact]
    public void Argon2id_depends_on_every_input()
    {
        byte[] salt = new byte[Argon2.SaltBytes];
        string Hash(string password, byte saltByte, int passes, int memoryKiB)
        {
            salt[0] = saltByte;
            byte[] output = new byte[32];
            Argon2.DeriveBytes(Encoding.UTF8.GetBytes(password), salt, passes, memoryKiB, output);
            return Convert.ToHexString(output);
        }
        string reference = Hash("a", 0, 1, 8);
        Assert.Equal(reference, Hash("a", 0, 1, 8));
        Assert.NotEqual(reference, Hash("b", 0, 1, 8));
        Assert.NotEqual(reference, Hash("a", 1, 1, 8));
        Assert.NotEqual(reference, Hash("a", 0, 2, 8));
        Assert.NotEqual(reference, Hash("a", 0, 1, 16));
    }

    [Fact]
    public void Argon2id_rejects_a_salt_of_the_wrong_size()
    {
        Assert.Throws<ArgumentException>(() => Argon2.DeriveBytes("x"u8, new byte[15], 1, 8, new byte[32]));
    }
}
