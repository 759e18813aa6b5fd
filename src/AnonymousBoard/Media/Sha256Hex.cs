using System.Security.Cryptography;

namespace AnonymousBoard.Media;

/// <summary>SHA-256 written as 64 lower-case hex digits: how media files are named and banned.</summary>
public static class Sha256Hex
{
    public static string Of(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>True for exactly 64 lower-case hex digits; anything else must never become a file name.</summary>
    public static bool IsValid(string? value) =>
        value is { Length: 64 } && value.All(char.IsAsciiHexDigitLower);
}
