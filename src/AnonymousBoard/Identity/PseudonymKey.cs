using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace AnonymousBoard.Identity;

/// <summary>
/// A pseudonym from a passphrase: the same passphrase gives the same Ed25519 key on every
/// AnonymousBoard and in the command line, with nothing stored anywhere.
/// Seed = Argon2id13(UTF-8(NFC(passphrase)), salt "AnonymousBoard-1", ops 3, 64 MiB, 32 bytes).
/// These constants can never change without changing everyone's keys.
/// </summary>
public static class PseudonymKey
{
    /// <summary>Exactly 16 ASCII bytes. Fixed so keys are portable, which also lets an attacker
    /// precompute one dictionary for all users: hence the passphrase length rule.</summary>
    public const string Salt = "AnonymousBoard-1";
    public const int Passes = 3;
    public const int MemoryKiB = 64 * 1024;

    /// <summary>Shorter passphrases are refused: guessable ones are someone else's key too.</summary>
    public const int MinimumLength = 16;

    /// <summary>Why this passphrase is refused, or null when it is acceptable.</summary>
    public static string? PassphraseProblem(string passphrase)
    {
        ArgumentNullException.ThrowIfNull(passphrase);
        // Counted in text elements so "ｋａｍｉ" or emoji count as what the user typed.
        int length = new StringInfo(passphrase.Normalize(NormalizationForm.FormC)).LengthInTextElements;
        return length < MinimumLength
            ? $"The passphrase is too short ({length} characters): use at least {MinimumLength}, such as four or five unrelated words."
            : null;
    }

    /// <summary>The key pair for <paramref name="passphrase"/>; dispose it as soon as it has signed.</summary>
    /// <remarks>Costs 64 MiB and about 0.2 s of one core (more under load): limit concurrency on the web.</remarks>
    public static Ed25519KeyPair Derive(string passphrase)
    {
        ArgumentNullException.ThrowIfNull(passphrase);
        byte[] password = Encoding.UTF8.GetBytes(passphrase.Normalize(NormalizationForm.FormC));
        Span<byte> seed = stackalloc byte[Ed25519KeyPair.SeedBytes];
        try
        {
            Argon2.DeriveBytes(password, Encoding.ASCII.GetBytes(Salt), Passes, MemoryKiB, seed);
            return Ed25519KeyPair.FromSeed(seed);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
            CryptographicOperations.ZeroMemory(password);
        }
    }

    /// <summary>Derives the key, signs <paramref name="message"/> as SSHSIG and forgets the key at once.</summary>
    public static PseudonymSignature Sign(string passphrase, ReadOnlySpan<byte> message)
    {
        using Ed25519KeyPair key = Derive(passphrase);
        return new PseudonymSignature(key.PublicKey, SshSignature.Sign(key, message));
    }
}

/// <summary>A post's signature and the public key that made it; <see cref="Fingerprint"/> is what readers see.</summary>
public sealed record PseudonymSignature(byte[] PublicKey, string ArmoredSignature)
{
    public string Fingerprint => Identity.Fingerprint.Of(PublicKey);
}
