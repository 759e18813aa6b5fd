using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using AnonymousBoard.Storage;

namespace AnonymousBoard.Identity;

/// <summary>
/// The secure tripcode ("Name##password" shown as "!!" + 12 characters): URL-safe base64 of the
/// first 9 bytes of HMAC-SHA256(server secret, Argon2id(password)). Stable for one data directory,
/// unrelated between two boards. The 32-byte secret is made on first use and kept in the data
/// directory; the Argon2id step keeps passwords expensive to guess even if that file leaks.
/// Linux only, like the rest of this folder.
/// </summary>
public sealed class SecureTripcode
{
    /// <summary>The file inside the data directory. Back it up: replacing it changes every secure tripcode.</summary>
    public const string SecretFileName = "secure-tripcode.key";

    // Modest Argon2id: this runs on the server for every post that uses a secure tripcode.
    public const int Passes = 2;
    public const int MemoryKiB = 32 * 1024;

    private const int SecretBytes = 32;
    private const int TripcodeBytes = 9; // 12 base64 characters, no padding

    private readonly byte[] secret;
    private readonly byte[] salt;

    private SecureTripcode(byte[] secret)
    {
        this.secret = secret;
        // The salt comes from the secret so that no dictionary can be computed before it is known.
        salt = SHA256.HashData(secret)[..Argon2.SaltBytes];
    }

    /// <summary>Loads the secret from <paramref name="dataDirectory"/>, creating it (mode 0600) the first time.</summary>
    /// <exception cref="InvalidOperationException">The secret file exists but is not 32 bytes.</exception>
    public static SecureTripcode Open(string dataDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        Directory.CreateDirectory(dataDirectory);
        string path = Path.Combine(dataDirectory, SecretFileName);
        if (!File.Exists(path))
        {
            CreateSecret(path);
        }
        byte[] secret = File.ReadAllBytes(path);
        if (secret.Length != SecretBytes)
        {
            throw new InvalidOperationException(
                $"{path} holds {secret.Length} bytes instead of {SecretBytes}. Restore it from a backup; "
                + "delete it only if changing every secure tripcode is acceptable.");
        }
        return new SecureTripcode(secret);
    }

    /// <summary>The 12-character tripcode for <paramref name="password"/> (the text after "##").</summary>
    public string Compute(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        byte[] passwordBytes = Encoding.UTF8.GetBytes(password.Normalize(NormalizationForm.FormC));
        Span<byte> stretched = stackalloc byte[32];
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        try
        {
            Argon2.DeriveBytes(passwordBytes, salt, Passes, MemoryKiB, stretched);
            HMACSHA256.HashData(secret, stretched, mac);
            return Base64Url.EncodeToString(mac[..TripcodeBytes]);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(passwordBytes);
            CryptographicOperations.ZeroMemory(stretched);
            CryptographicOperations.ZeroMemory(mac);
        }
    }

    private static void CreateSecret(string path)
    {
        byte[] secret = RandomNumberGenerator.GetBytes(SecretBytes);
        try
        {
            // Another instance sharing the data directory may have made one a moment ago: then its secret stays.
            FileSync.CreateOnce(path, secret);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }
}
