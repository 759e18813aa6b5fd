using System.Security.Cryptography;

namespace AnonymousBoard.Identity;

/// <summary>
/// An Ed25519 key pair whose secret half is zeroed on <see cref="Dispose"/>: keep one alive only
/// for the signature it is needed for (<c>using var key = ...</c>).
/// </summary>
public sealed class Ed25519KeyPair : IDisposable
{
    // libsodium's layout: the 32-byte seed followed by the 32-byte public key.
    private readonly byte[] secretKey = new byte[Sodium.SecretKeyBytes];
    private bool disposed;

    private Ed25519KeyPair(ReadOnlySpan<byte> seed)
    {
        PublicKey = new byte[Sodium.PublicKeyBytes];
        Sodium.SeedKeyPair(seed, PublicKey, secretKey);
    }

    public byte[] PublicKey { get; }

    /// <summary>The same seed always gives the same key pair.</summary>
    public static Ed25519KeyPair FromSeed(ReadOnlySpan<byte> seed) => new(seed);

    /// <summary>A fresh random key pair.</summary>
    public static Ed25519KeyPair Generate()
    {
        Span<byte> seed = stackalloc byte[Sodium.SeedBytes];
        RandomNumberGenerator.Fill(seed);
        try
        {
            return new Ed25519KeyPair(seed);
        }
        finally
        {
            Sodium.MemZero(seed);
        }
    }

    /// <summary>The 64-byte signature of <paramref name="message"/>.</summary>
    public byte[] Sign(ReadOnlySpan<byte> message)
    {
        byte[] signature = new byte[Sodium.SignatureBytes];
        Sodium.Sign(signature, message, SecretKey);
        return signature;
    }

    /// <summary>Seed and public key, for writing an OpenSSH private key file.</summary>
    internal ReadOnlySpan<byte> SecretKey
    {
        get
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            return secretKey;
        }
    }

    public void Dispose()
    {
        if (!disposed)
        {
            Sodium.MemZero(secretKey);
            disposed = true;
        }
    }
}
