using System.Globalization;
using System.Text;
using AnonymousBoard.Identity;
using Xunit;

namespace AnonymousBoard.Tests.Identity;

public class SodiumTests
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

    public static TheoryData<string, string, ulong, ulong, int, string, string> Argon2idVectors()
    {
        var data = new TheoryData<string, string, ulong, ulong, int, string, string>();
        foreach (string[] row in Vectors.Rows("argon2id.tsv", hasHeader: true))
        {
            // password_hex, salt_hex, opslimit, memlimit_bytes, outlen, hash_hex, note
            data.Add(row[1], row[2], ulong.Parse(row[3], CultureInfo.InvariantCulture), ulong.Parse(row[4], CultureInfo.InvariantCulture),
                int.Parse(row[7], CultureInfo.InvariantCulture), row[8], row[9]);
        }
        return data;
    }

    [Fact]
    public void Libsodium_loads_from_the_system()
    {
        Assert.True(Sodium.IsAvailable, Sodium.UnavailableReason);
        Assert.Null(Sodium.UnavailableReason);
    }

    [Theory]
    [MemberData(nameof(Ed25519Vectors))]
    public void Ed25519_matches_RFC_8032(string name, string seedHex, string publicHex, string messageHex, string signatureHex, string secretHex)
    {
        byte[] publicKey = new byte[Sodium.PublicKeyBytes];
        byte[] secretKey = new byte[Sodium.SecretKeyBytes];
        Sodium.SeedKeyPair(Convert.FromHexString(seedHex), publicKey, secretKey);
        Assert.Equal(publicHex, Convert.ToHexStringLower(publicKey));
        Assert.Equal(secretHex, Convert.ToHexStringLower(secretKey));

        byte[] message = Convert.FromHexString(messageHex);
        byte[] signature = new byte[Sodium.SignatureBytes];
        Sodium.Sign(signature, message, secretKey);
        Assert.Equal(signatureHex, Convert.ToHexStringLower(signature));
        Assert.True(Sodium.Verify(signature, message, publicKey), name);

        signature[0] ^= 1;
        Assert.False(Sodium.Verify(signature, message, publicKey));
        signature[0] ^= 1;
        Assert.False(Sodium.Verify(signature, [.. message, 0], publicKey));
    }

    [Fact]
    public void Verify_refuses_wrong_lengths_instead_of_throwing()
    {
        Assert.False(Sodium.Verify(new byte[63], [], new byte[32]));
        Assert.False(Sodium.Verify(new byte[64], [], new byte[31]));
    }

    [Theory]
    [MemberData(nameof(Argon2idVectors))]
    public void Argon2id_matches_the_vectors(string passwordHex, string saltHex, ulong ops, ulong memory, int length, string hashHex, string note)
    {
        byte[] output = new byte[length];
        Sodium.Argon2id(output, Convert.FromHexString(passwordHex), Convert.FromHexString(saltHex), ops, (nuint)memory);
        Assert.True(hashHex == Convert.ToHexStringLower(output), note);
    }

    [Fact]
    public void Argon2id_depends_on_every_input()
    {
        byte[] salt = new byte[Sodium.SaltBytes];
        string Hash(string password, byte saltByte, ulong ops)
        {
            salt[0] = saltByte;
            byte[] output = new byte[32];
            Sodium.Argon2id(output, Encoding.UTF8.GetBytes(password), salt, ops, 8192);
            return Convert.ToHexString(output);
        }
        string reference = Hash("a", 0, 1);
        Assert.Equal(reference, Hash("a", 0, 1));
        Assert.NotEqual(reference, Hash("b", 0, 1));
        Assert.NotEqual(reference, Hash("a", 1, 1));
        Assert.NotEqual(reference, Hash("a", 0, 2));
    }

    [Fact]
    public void Argon2id_rejects_a_salt_of_the_wrong_size()
    {
        Assert.Throws<ArgumentException>(() => Sodium.Argon2id(new byte[32], "x"u8, new byte[15], 1, 8192));
    }

    [Fact]
    public void Password_hash_string_vector_verifies_only_the_right_password()
    {
        string hash = Vectors.Text("argon2id_str.txt").Split('\n').Single(line => line.StartsWith("$argon2id$", StringComparison.Ordinal));
        Assert.True(Sodium.VerifyPasswordHashString(hash, "hunter2"u8));
        Assert.False(Sodium.VerifyPasswordHashString(hash, "hunter3"u8));
        Assert.False(Sodium.VerifyPasswordHashString(hash.Replace("t=2", "t=3", StringComparison.Ordinal), "hunter2"u8));
    }

    [Fact]
    public void Password_hash_string_round_trips_with_a_random_salt()
    {
        string first = Sodium.PasswordHashString("secret"u8, 1, 8192);
        string second = Sodium.PasswordHashString("secret"u8, 1, 8192);
        Assert.StartsWith("$argon2id$v=19$m=8,t=1,p=1$", first, StringComparison.Ordinal);
        Assert.NotEqual(first, second);
        Assert.True(Sodium.VerifyPasswordHashString(first, "secret"u8));
        Assert.False(Sodium.VerifyPasswordHashString(first, "Secret"u8));
        Assert.False(Sodium.VerifyPasswordHashString("not a hash", "secret"u8));
    }

    [Fact]
    public void MemZero_clears_the_buffer()
    {
        byte[] buffer = [1, 2, 3, 4];
        Sodium.MemZero(buffer);
        Assert.All(buffer, b => Assert.Equal(0, b));
    }
}
