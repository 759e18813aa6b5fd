using System.Security.Cryptography;

namespace AnonymousBoard.Identity;

/// <summary>
/// The short text by which readers recognise a pseudonym: the first 15 bytes (120 bits) of
/// SHA-256(public key) in lowercase base32, as four groups of six, e.g. "eh7ddx-5bksrg-cytl7b-kai36s"
/// for the RFC 8032 test 1 key.
/// Only a-z, 2-7 and '-', so it is safe in URLs and class names. Changing it changes every displayed identity.
/// </summary>
public static class Fingerprint
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";
    private const int FingerprintBytes = 15;
    private const int GroupLength = 6;

    /// <summary>How many colour classes <see cref="ColourClasses"/> returns, and from how many shades each picks.</summary>
    public const int ColourCount = 3;
    public const int ColourShades = 16;

    /// <summary>The fingerprint text of an Ed25519 public key.</summary>
    public static string Of(ReadOnlySpan<byte> publicKey)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(publicKey, hash);
        string text = Base32(hash[..FingerprintBytes]);
        return string.Join('-', text.Chunk(GroupLength).Select(group => new string(group)));
    }

    /// <summary>
    /// CSS classes "fp1-N fp2-N fp3-N" (N from 0 to 15) for a stripe of colours next to the
    /// fingerprint. Taken from hash bytes the text does not show, so they add a little to recognition.
    /// </summary>
    public static IReadOnlyList<string> ColourClasses(ReadOnlySpan<byte> publicKey)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(publicKey, hash);
        var classes = new string[ColourCount];
        for (int i = 0; i < ColourCount; i++)
        {
            classes[i] = $"fp{i + 1}-{hash[FingerprintBytes + i] % ColourShades}";
        }
        return classes;
    }

    // RFC 4648 base32 without padding; callers pass a multiple of 5 bytes.
    private static string Base32(ReadOnlySpan<byte> data)
    {
        var text = new char[data.Length * 8 / 5];
        int buffer = 0;
        int bits = 0;
        int next = 0;
        foreach (byte b in data)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                bits -= 5;
                text[next++] = Alphabet[(buffer >> bits) & 31];
            }
        }
        return new string(text);
    }
}
