using NSec.Cryptography;

namespace AnonymousBoard.Identity;

/// <summary>
/// Argon2id version 1.3 with one lane (NSec, over the libsodium it bundles): the passphrase keys,
/// the secure tripcodes and the staff passwords. Memory is given in KiB, as in the stored
/// "$argon2id$...m=65536..." strings.
/// </summary>
public static class Argon2
{
    /// <summary>libsodium's only salt size for Argon2id.</summary>
    public const int SaltBytes = 16;

    /// <summary>Fills <paramref name="output"/> with Argon2id(password, salt); the caller wipes what is secret.</summary>
    /// <exception cref="ArgumentException">A salt of another size, or costs outside what libsodium allows.</exception>
    public static void DeriveBytes(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, int passes, int memoryKiB, Span<byte> output)
    {
        if (salt.Length != SaltBytes)
        {
            throw new ArgumentException($"Expected a {SaltBytes}-byte salt, got {salt.Length} bytes.", nameof(salt));
        }
        var parameters = new Argon2Parameters { DegreeOfParallelism = 1, NumberOfPasses = passes, MemorySize = memoryKiB };
        PasswordBasedKeyDerivationAlgorithm.Argon2id(parameters).DeriveBytes(password, salt, output);
    }
}
