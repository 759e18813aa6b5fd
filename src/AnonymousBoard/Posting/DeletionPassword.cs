using System.Security.Cryptography;
using System.Text;

namespace AnonymousBoard.Posting;

/// <summary>
/// The password that lets a poster delete their own post. Stored only as a salted, slow hash
/// (PBKDF2-SHA256); people reuse passwords, so a stolen database must not reveal them.
/// </summary>
public static class DeletionPassword
{
    private const int Iterations = 100_000;
    private const int SaltBytes = 16;
    private const int HashBytes = 32;
    private const string Scheme = "pbkdf2-sha256";
    public const int MaxLength = 256;

    /// <summary>Null when the poster left the password empty: such a post cannot be self-deleted.</summary>
    public static string? Hash(string? password)
    {
        if (string.IsNullOrEmpty(password))
        {
            return null;
        }
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Derive(password, salt, Iterations);
        return $"{Scheme}${Iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }

    public static bool Verify(string? password, string? stored)
    {
        if (string.IsNullOrEmpty(password) || string.IsNullOrEmpty(stored))
        {
            return false;
        }
        var parts = stored.Split('$');
        if (parts.Length != 4 || parts[0] != Scheme || !int.TryParse(parts[1], out var iterations))
        {
            return false;
        }
        var expected = Convert.FromBase64String(parts[3]);
        var actual = Derive(password, Convert.FromBase64String(parts[2]), iterations);
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }

    private static byte[] Derive(string password, byte[] salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, HashBytes);
}
