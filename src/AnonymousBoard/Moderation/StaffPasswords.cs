using System.Text;
using AnonymousBoard.Identity;

namespace AnonymousBoard.Moderation;

/// <summary>
/// Staff passwords as Argon2id strings (libsodium's crypto_pwhash_str), with libsodium's
/// "interactive" cost: 2 passes over 64 MiB. At most two are computed at once, so a burst of
/// sign-ins cannot take all the server's memory.
/// </summary>
public static class StaffPasswords
{
    public const ulong OpsLimit = 2;
    public const nuint MemLimit = 64 * 1024 * 1024;
    private static readonly SemaphoreSlim Slots = new(2);

    // Checked against when the name is unknown, so that answer takes as long as a wrong password.
    private static readonly Lazy<string> Decoy = new(() => Hash("decoy password that matches nothing " + Guid.NewGuid()));

    public static string Hash(string password)
    {
        var bytes = Encoding.UTF8.GetBytes(password);
        Slots.Wait();
        try
        {
            return Sodium.PasswordHashString(bytes, OpsLimit, MemLimit);
        }
        finally
        {
            Slots.Release();
            Sodium.MemZero(bytes);
        }
    }

    /// <summary>Verifies; with a null hash (no such member) it does the same work and answers false.</summary>
    public static bool Verify(string? storedHash, string password)
    {
        var bytes = Encoding.UTF8.GetBytes(password);
        Slots.Wait();
        try
        {
            var ok = Sodium.VerifyPasswordHashString(storedHash ?? Decoy.Value, bytes);
            return ok && storedHash is not null;
        }
        finally
        {
            Slots.Release();
            Sodium.MemZero(bytes);
        }
    }
}
