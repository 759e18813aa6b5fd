using System.Security.Cryptography;
using NSec.Cryptography;

namespace AnonymousBoard.Identity;

/// <summary>
/// An Ed25519 key pair (NSec; the secret lives in libsodium's guarded memory and is wiped on
/// <see cref="Dispose"/>): keep one alive only for the signature it is needed for (<c>using var key = ...</c>).
/// </summary>
public sealed class Ed25519KeyPair : IDisposable
{
    public const int PublicKeyBytes = 32;
    public const int SeedBytes = 32;
    public const int SignatureBytes = 64;

    /// <summary>The OpenSSH (and libsodium) secret key layout: the seed followed by the public key.</summary>
    public const int SecretKeyBytes = SeedBytes + PublicKeyBytes;

    private static readonly SignatureAlgorithm Algorithm = SignatureAlgorithm.Ed25519;
    private readonly Key key;

    private Ed25519KeyPair(ReadOnlySpan<byte> seed, bool exportable)
    {
        if (seed.Length != SeedBytes)
        {
            throw new ArgumentException($"Expected {SeedBytes} bytes, got {seed.Length}.", nameof(seed));
        }
        // Only a key that will be written to a file may ever leave NSec's memory.
        var creation = new KeyCreationParameters { ExportPolicy = exportable ? KeyExportPolicies.AllowPlaintextExport : KeyExportPolicies.None };
        key = Key.Import(Algorithm, seed, KeyBlobFormat.RawPrivateKey, creation);
        PublicKey = key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
    }

    public byte[] PublicKey { get; }

    /// <summary>The same seed always gives the same key pair. Its secret cannot be exported.</summary>
    public static Ed25519KeyPair FromSeed(ReadOnlySpan<byte> seed) => new(seed, exportable: false);

    /// <summary>As <see cref="FromSeed(ReadOnlySpan{byte})"/>, exportable when <paramref name="exportable"/>.</summary>
    internal static Ed25519KeyPair FromSeed(ReadOnlySpan<byte> seed, bool exportable) => new(seed, exportable);

    /// <summary>A fresh random key pair, exportable: it is made to be written to a key file.</summary>
    public static Ed25519KeyPair Generate()
    {
        Span<byte> seed = stackalloc byte[SeedBytes];
        RandomNumberGenerator.Fill(seed);
        try
        {
            return new Ed25519KeyPair(seed, exportable: true);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    /// <summary>The 64-byte signature of <paramref name="message"/>.</summary>
    public byte[] Sign(ReadOnlySpan<byte> message) => Algorithm.Sign(key, message);

    /// <summary>
    /// Writes seed and public key (<see cref="SecretKeyBytes"/>) for an OpenSSH private key file;
    /// the caller wipes <paramref name="destination"/>. Only for keys made exportable.
    /// </summary>
    internal void WriteSecretKey(Span<byte> destination)
    {
        if (destination.Length != SecretKeyBytes)
        {
            throw new ArgumentException($"Expected {SecretKeyBytes} bytes, got {destination.Length}.", nameof(destination));
        }
        if (!key.TryExport(KeyBlobFormat.RawPrivateKey, destination[..SeedBytes], out int written) || written != SeedBytes)
        {
            throw new InvalidOperationException("The Ed25519 seed could not be exported.");
        }
        PublicKey.CopyTo(destination[SeedBytes..]);
    }

    /// <summary>False for a bad signature and for inputs of the wrong length, which come from users.</summary>
    public static bool Verify(ReadOnlySpan<byte> signature, ReadOnlySpan<byte> message, ReadOnlySpan<byte> publicKey)
    {
        if (signature.Length != SignatureBytes || publicKey.Length != PublicKeyBytes
            || !NSec.Cryptography.PublicKey.TryImport(Algorithm, publicKey, KeyBlobFormat.RawPublicKey, out NSec.Cryptography.PublicKey? imported))
        {
            return false;
        }
        // NSec's TryImport does not annotate its out parameter; true means it is set.
        return imported is not null && Algorithm.Verify(imported, message, signature);
    }

    public void Dispose() => key.Dispose();
}
