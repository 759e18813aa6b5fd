using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using AnonymousBoard.Identity;

namespace AnonymousBoard.Moderation;

/// <summary>
/// A stored password in the PHC form that libsodium's crypto_pwhash_str writes:
/// <c>$argon2id$v=19$m=65536,t=2,p=1$SALT$HASH</c>, memory in KiB, salt (16 bytes) and hash
/// (32 bytes) in standard base64 without padding. The parser is strict: exactly that shape,
/// canonical base64, decimal numbers without signs or leading zeros, and costs capped so that a
/// hostile or damaged stored string cannot make the server spend gigabytes or minutes.
/// </summary>
public sealed record Argon2idHashString(int MemoryKiB, int Passes, byte[] Salt, byte[] Hash)
{
    /// <summary>Four times the staff cost (64 MiB): room to raise it, never a 4 GiB string.</summary>
    public const int MaxMemoryKiB = 256 * 1024;

    /// <summary>Five times the staff cost (2 passes).</summary>
    public const int MaxPasses = 10;

    /// <summary>Argon2's own floor: 8 KiB per lane.</summary>
    public const int MinMemoryKiB = 8;

    public const int HashBytes = 32;

    private const string Prefix = "$argon2id$v=19$";

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Prefix}m={MemoryKiB},t={Passes},p=1${Unpadded(Salt)}${Unpadded(Hash)}");

    /// <summary>Reads <paramref name="text"/>; false for anything but the exact form within the caps.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out Argon2idHashString? parsed)
    {
        parsed = null;
        // Far longer than any string within the caps: refused before any splitting.
        if (text is null || text.Length > 160 || !text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }
        string[] parts = text[Prefix.Length..].Split('$');
        if (parts.Length != 3)
        {
            return false;
        }
        string[] costs = parts[0].Split(',');
        if (costs.Length != 3
            || !TryReadNumber(costs[0], "m=", out int memory) || memory is < MinMemoryKiB or > MaxMemoryKiB
            || !TryReadNumber(costs[1], "t=", out int passes) || passes is < 1 or > MaxPasses
            || costs[2] != "p=1"
            || !TryDecode(parts[1], Argon2.SaltBytes, out byte[]? salt)
            || !TryDecode(parts[2], HashBytes, out byte[]? hash))
        {
            return false;
        }
        parsed = new Argon2idHashString(memory, passes, salt, hash);
        return true;
    }

    private static bool TryReadNumber(string field, string name, out int value)
    {
        value = 0;
        string digits = field.StartsWith(name, StringComparison.Ordinal) ? field[name.Length..] : "";
        // Nine digits at most cannot overflow; the caps are far below that anyway.
        if (digits.Length is 0 or > 9 || (digits.Length > 1 && digits[0] == '0') || !digits.All(char.IsAsciiDigit))
        {
            return false;
        }
        value = int.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
        return true;
    }

    // Canonical unpadded base64 of exactly `length` bytes: re-encoding must give the same text, which
    // also refuses padding, whitespace (which .NET's decoder would skip) and stray low bits.
    private static bool TryDecode(string text, int length, [NotNullWhen(true)] out byte[]? bytes)
    {
        bytes = null;
        if (text.Length != (length * 4 + 2) / 3)
        {
            return false;
        }
        byte[] decoded = new byte[length];
        string padded = text + new string('=', (4 - text.Length % 4) % 4);
        if (!Convert.TryFromBase64String(padded, decoded, out int written) || written != length || Unpadded(decoded) != text)
        {
            return false;
        }
        bytes = decoded;
        return true;
    }

    private static string Unpadded(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=');
}
