using System.Security.Cryptography;
using System.Text;
using AnonymousBoard.Identity;

namespace AnonymousBoard.Moderation;

/// <summary>
/// Staff passwords as Argon2id strings in the form libsodium's crypto_pwhash_str writes
/// (<see cref="Argon2idHashString"/>), with libsodium's "interactive" cost: 2 passes over 64 MiB.
/// Strings written before the move to NSec keep verifying. At most two are computed at once, so a
/// burst of sign-ins cannot take all the server's memory.
/// </summary>
public static class StaffPasswords
{
    public const int Passes = 2;
    public const int MemoryKiB = 64 * 1024;
    private const int HashBytes = 32;
    private static readonly SemaphoreSlim Slots = new(2);

    // Checked against when the name is unknown, so that answer takes as long as a wrong password.
    private static readonly Lazy<string> Decoy = new(() => Hash("decoy password that matches nothing " + Guid.NewGuid()));

    public static string Hash(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        byte[] bytes = Encoding.UTF8.GetBytes(password);
        byte[] salt = RandomNumberGenerator.GetBytes(Argon2.SaltBytes);
        byte[] hash = new byte[HashBytes];
        Slots.Wait();
        try
        {
            Argon2.DeriveBytes(bytes, salt, Passes, MemoryKiB, hash);
            return new Argon2idHashString(MemoryKiB, Passes, salt, hash).ToString();
        }
        finally
        {
            Slots.Release();
            CryptographicOperations.ZeroMemory(bytes);
            CryptographicOperations.ZeroMemory(hash);
        }
    }

    /// <summary>
    /// Verifies; with a null hash (no such member) it does the same work and answers false. A stored
    /// string that is malformed or asks for more than <see cref="Argon2idHashString.MaxMemoryKiB"/>
    /// or <see cref="Argon2idHashString.MaxPasses"/> is refused without computing anything.
    /// </summary>
    public static bool Verify(string? storedHash, string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (!Argon2idHashString.TryParse(storedHash ?? Decoy.Value, out Argon2idHashString? stored))
        {
            return false;
        }
        byte[] bytes = Encoding.UTF8.GetBytes(password);
        byte[] computed = new byte[stored.Hash.Length];
        Slots.Wait();
        try
        {
            Argon2.DeriveBytes(bytes, stored.Salt, stored.Passes, stored.MemoryKiB, computed);
            bool same = CryptographicOperations.FixedTimeEquals(computed, stored.Hash);
            return same && storedHash is not null;
        }
        finally
        {
            Slots.Release();
            CryptographicOperations.ZeroMemory(bytes);
            CryptographicOperations.ZeroMemory(computed);
        }
    }
}
