using System.Runtime.InteropServices;
using System.Text;

namespace AnonymousBoard.Identity;

/// <summary>
/// The 4chan-compatible tripcode ("Name#key" shown as "!" + 10 characters). Weak by design (DES,
/// 8 significant bytes) and only kept so that existing tripcodes carry over; offer
/// <see cref="SecureTripcode"/> and pseudonym keys for anything that matters.
/// </summary>
public static class ClassicTripcode
{
    private const string CryptLibrary = "libcrypt.so.1";

    // sizeof(struct crypt_data) in libxcrypt's <crypt.h>: output 384 + setting 384 + input 512
    // + reserved 767 + initialized 1 + internal 30720. crypt_rn rejects anything smaller.
    private const int CryptDataSize = 32768;

    private const int DesKeyBytes = 8;
    private const string SaltFrom = ":;<=>?@[\\]^_`";
    private const string SaltTo = "ABCDEFGabcdef";

    private static readonly Encoding ShiftJis = CreateShiftJis();

    /// <summary>The 10-character tripcode for <paramref name="key"/> (the text after '#').</summary>
    /// <exception cref="InvalidOperationException">libcrypt is missing or refused the salt.</exception>
    public static string Compute(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        byte[] bytes = ToShiftJis(EscapeHtml(key));
        string hash = Crypt(bytes, Salt(bytes));
        return hash[^10..];
    }

    /// <summary>4chan runs htmlspecialchars (ENT_COMPAT) first: the apostrophe is left alone.</summary>
    internal static string EscapeHtml(string text) => text
        .Replace("&", "&amp;", StringComparison.Ordinal)
        .Replace("\"", "&quot;", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal)
        .Replace(">", "&gt;", StringComparison.Ordinal);

    /// <summary>
    /// Shift-JIS as PHP produces it: characters without a mapping become '?' (no Windows best fit,
    /// so "é" does not turn into "e"), and the yen sign is byte 0x5C as in JIS X 0201.
    /// </summary>
    internal static byte[] ToShiftJis(string text) => ShiftJis.GetBytes(text.Replace('\u00A5', '\\'));

    /// <summary>Bytes 2 and 3 of the key plus "H..", limited to '.'..'z' and mapped into crypt's alphabet.</summary>
    internal static string Salt(ReadOnlySpan<byte> key)
    {
        const string Padding = "H..";
        Span<char> salt = stackalloc char[2];
        for (int i = 0; i < salt.Length; i++)
        {
            int index = i + 1;
            char c = index < key.Length ? (char)key[index] : Padding[index - key.Length];
            if (c is < '.' or > 'z')
            {
                c = '.';
            }
            int mapped = SaltFrom.IndexOf(c, StringComparison.Ordinal);
            salt[i] = mapped >= 0 ? SaltTo[mapped] : c;
        }
        return new string(salt);
    }

    private static Encoding CreateShiftJis()
    {
        // Code pages ship in the shared framework but must be registered before use.
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(932, new EncoderReplacementFallback("?"), new DecoderReplacementFallback("?"));
    }

    /// <summary>Traditional DES crypt(3) through the thread-safe crypt_rn.</summary>
    private static string Crypt(byte[] phrase, string salt)
    {
        // NUL-terminated copies; a NUL inside the phrase ends it, as it does in C. Traditional DES reads
        // 8 bytes of the phrase and no more, so only those are passed: libxcrypt refuses a phrase over
        // 512 bytes outright, and a key that long is still a key.
        byte[] phraseZ = new byte[Math.Min(phrase.Length, DesKeyBytes) + 1];
        phrase.AsSpan(0, phraseZ.Length - 1).CopyTo(phraseZ);
        byte[] settingZ = Encoding.ASCII.GetBytes(salt + "\0");
        byte[] data = new byte[CryptDataSize];
        IntPtr result;
        try
        {
            result = NativeMethods.crypt_rn(phraseZ, settingZ, data, data.Length);
        }
        catch (DllNotFoundException)
        {
            throw new InvalidOperationException($"{CryptLibrary} was not found: install it with 'apt-get install libcrypt1'.");
        }
        if (result == IntPtr.Zero)
        {
            throw new InvalidOperationException($"crypt_rn refused the DES salt '{salt}'.");
        }
        // crypt_rn writes its answer to the 'output' field, which is at the start of struct crypt_data.
        return Encoding.ASCII.GetString(data, 0, Array.IndexOf(data, (byte)0));
    }

    private static class NativeMethods
    {
        [DllImport(CryptLibrary)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern IntPtr crypt_rn(byte[] phrase, byte[] setting, byte[] data, int size);
    }
}
