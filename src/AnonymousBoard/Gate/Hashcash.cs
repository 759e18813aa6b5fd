using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace AnonymousBoard.Gate;

/// <summary>The verdict on one stamp: the bits it proved, or why it was refused. Exactly one is set.</summary>
public readonly record struct StampResult(int? Bits, string? Reason)
{
    public bool IsValid => Bits is not null;

    public static StampResult Valid(int bits) => new(bits, null);

    public static StampResult Invalid(string reason) => new(null, reason);
}

/// <summary>
/// How far a stamp's date may be from now. Dates are at most to the second and often only to the day
/// (hashcash's default), so a date counts as the whole period it names.
/// </summary>
public sealed record HashcashWindow(TimeSpan MaxAge, TimeSpan MaxAhead)
{
    /// <summary>Two days back covers a day-only date minted just before midnight UTC; one day ahead covers clocks in local time.</summary>
    public static HashcashWindow Default { get; } = new(TimeSpan.FromDays(2), TimeSpan.FromDays(1));
}

/// <summary>
/// Hashcash version 1 stamps, <c>1:bits:date:resource:ext:rand:counter</c>. People post without
/// JavaScript, so the work is done outside the browser with the hashcash tool or our own <c>pow</c>
/// command and pasted into the form; the stamp's resource is the posting ticket's id, so a stamp is
/// good for one ticket only.
/// </summary>
public static class Hashcash
{
    /// <summary>Above this, minting takes hours on a laptop; no level should ever ask for it.</summary>
    public const int MaxBits = 32;

    /// <summary>Longest stamp we read; a ticket id resource keeps real ones far below this.</summary>
    public const int MaxStampLength = 256;

    private const string Base64Chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    /// <summary>
    /// Checks a stamp for <paramref name="resource"/>. The stamp must claim at least
    /// <paramref name="requiredBits"/> and its SHA-1 must really have as many leading zero bits as it claims.
    /// </summary>
    public static StampResult Verify(string? stamp, string resource, int requiredBits, DateTimeOffset now, HashcashWindow? window = null)
    {
        ArgumentNullException.ThrowIfNull(resource);
        window ??= HashcashWindow.Default;
        if (string.IsNullOrWhiteSpace(stamp))
        {
            return StampResult.Invalid("no hashcash stamp was given");
        }
        stamp = stamp.Trim();
        if (stamp.StartsWith("X-Hashcash:", StringComparison.OrdinalIgnoreCase))
        {
            // "hashcash -X" prints the mail header form; people will paste it whole.
            stamp = stamp["X-Hashcash:".Length..].Trim();
        }
        if (stamp.Length > MaxStampLength)
        {
            return StampResult.Invalid($"hashcash stamp is longer than {MaxStampLength} characters");
        }
        if (!stamp.All(c => c > ' ' && c < 0x7f))
        {
            return StampResult.Invalid("hashcash stamp is malformed: it contains spaces or characters outside ASCII");
        }

        var fields = stamp.Split(':');
        if (fields.Length != 7)
        {
            return StampResult.Invalid($"hashcash stamp is malformed: {fields.Length} colon-separated fields instead of 7");
        }
        if (fields[0] != "1")
        {
            return StampResult.Invalid($"hashcash stamp is version {fields[0]}, only version 1 is accepted");
        }
        if (!TryParseBits(fields[1], out var claimedBits))
        {
            return StampResult.Invalid("hashcash stamp is malformed: the bits field is not a number from 0 to 160");
        }
        if (!TryParseDate(fields[2], out var dateStart, out var datePeriod))
        {
            return StampResult.Invalid("hashcash stamp is malformed: the date is not YYMMDD, YYMMDDhhmm or YYMMDDhhmmss");
        }
        if (fields[5].Length == 0 || fields[6].Length == 0)
        {
            return StampResult.Invalid("hashcash stamp is malformed: random or counter field is empty");
        }
        if (!string.Equals(fields[3], resource, StringComparison.Ordinal))
        {
            return StampResult.Invalid("hashcash stamp was made for another resource (it must be this form's ticket id)");
        }
        if (claimedBits < requiredBits)
        {
            return StampResult.Invalid($"hashcash stamp claims {claimedBits} bits, {requiredBits} are required");
        }
        if (dateStart + datePeriod < now - window.MaxAge)
        {
            return StampResult.Invalid("hashcash stamp is too old: its date is outside the accepted window");
        }
        if (dateStart > now + window.MaxAhead)
        {
            return StampResult.Invalid("hashcash stamp is dated in the future: check the clock of the computer that made it");
        }

        var actualBits = LeadingZeroBits(stamp);
        if (actualBits < claimedBits)
        {
            return StampResult.Invalid($"hashcash stamp claims {claimedBits} bits but its SHA-1 has only {actualBits}");
        }
        return StampResult.Valid(claimedBits);
    }

    /// <summary>
    /// Makes a stamp with at least <paramref name="bits"/> leading zero bits: about 2^bits SHA-1 runs.
    /// Dated to the day, as the hashcash tool does by default.
    /// </summary>
    public static string Mint(string resource, int bits, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentOutOfRangeException.ThrowIfNegative(bits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bits, MaxBits);
        if (resource.Contains(':', StringComparison.Ordinal) || resource.Any(c => c <= ' ' || c >= 0x7f))
        {
            throw new ArgumentException("resource must be printable ASCII without ':' or spaces", nameof(resource));
        }

        var date = now.UtcDateTime.ToString("yyMMdd", CultureInfo.InvariantCulture);
        var prefix = string.Create(CultureInfo.InvariantCulture, $"1:{bits}:{date}:{resource}::{Convert.ToBase64String(RandomNumberGenerator.GetBytes(12))}:");
        var prefixBytes = Encoding.ASCII.GetBytes(prefix);

        // Counter digits are written in place so each try costs one hash and no allocation.
        var buffer = new byte[prefixBytes.Length + 11];
        prefixBytes.CopyTo(buffer, 0);
        Span<byte> hash = stackalloc byte[20];
        for (ulong counter = 0; ; counter++)
        {
            if ((counter & 0xffff) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
            var length = prefixBytes.Length + WriteCounter(counter, buffer.AsSpan(prefixBytes.Length));
#pragma warning disable CA5350 // Hashcash is defined over SHA-1; here it measures work, it protects no secret.
            SHA1.HashData(buffer.AsSpan(0, length), hash);
#pragma warning restore CA5350
            if (LeadingZeroBits(hash) >= bits)
            {
                return Encoding.ASCII.GetString(buffer, 0, length);
            }
        }
    }

    /// <summary>Leading zero bits of the stamp's SHA-1, the work it actually carries.</summary>
    public static int LeadingZeroBits(string stamp)
    {
        ArgumentNullException.ThrowIfNull(stamp);
        Span<byte> hash = stackalloc byte[20];
#pragma warning disable CA5350 // Hashcash is defined over SHA-1; here it measures work, it protects no secret.
        SHA1.HashData(Encoding.ASCII.GetBytes(stamp), hash);
#pragma warning restore CA5350
        return LeadingZeroBits(hash);
    }

    private static int LeadingZeroBits(ReadOnlySpan<byte> hash)
    {
        var bits = 0;
        foreach (var b in hash)
        {
            if (b == 0)
            {
                bits += 8;
                continue;
            }
            return bits + System.Numerics.BitOperations.LeadingZeroCount((uint)b) - 24;
        }
        return bits;
    }

    private static int WriteCounter(ulong counter, Span<byte> destination)
    {
        // Base-64 digits, most significant first, like the tool's counters (minus its zero padding).
        Span<byte> digits = stackalloc byte[11];
        var n = 0;
        do
        {
            digits[n++] = (byte)Base64Chars[(int)(counter % 64)];
            counter /= 64;
        }
        while (counter > 0);
        for (var i = 0; i < n; i++)
        {
            destination[i] = digits[n - 1 - i];
        }
        return n;
    }

    private static bool TryParseBits(string text, out int bits)
    {
        bits = 0;
        return text.Length is > 0 and <= 3
            && text.All(char.IsAsciiDigit)
            && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out bits)
            && bits <= 160;
    }

    private static bool TryParseDate(string text, out DateTimeOffset start, out TimeSpan period)
    {
        start = default;
        (var format, period) = text.Length switch
        {
            6 => ("yyMMdd", TimeSpan.FromDays(1)),
            10 => ("yyMMddHHmm", TimeSpan.FromMinutes(1)),
            12 => ("yyMMddHHmmss", TimeSpan.FromSeconds(1)),
            _ => (null, TimeSpan.Zero),
        };
        if (format is null || !text.All(char.IsAsciiDigit))
        {
            return false;
        }
        // Hashcash dates are UTC; two-digit years are 2000-2099 as the tool writes them.
        if (!DateTime.TryParseExact("20" + text, "yy" + format, CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var parsed))
        {
            return false;
        }
        start = new DateTimeOffset(parsed, TimeSpan.Zero);
        return true;
    }
}
