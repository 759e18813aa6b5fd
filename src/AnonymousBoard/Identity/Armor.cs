using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace AnonymousBoard.Identity;

/// <summary>The PEM-like text OpenSSH uses for signatures and private keys: base64 in lines of 70.</summary>
internal static class Armor
{
    private const int LineLength = 70;

    public static string Wrap(string label, ReadOnlySpan<byte> data)
    {
        string base64 = Convert.ToBase64String(data);
        var text = new StringBuilder();
        text.Append("-----BEGIN ").Append(label).Append("-----\n");
        for (int i = 0; i < base64.Length; i += LineLength)
        {
            text.Append(base64.AsSpan(i, Math.Min(LineLength, base64.Length - i))).Append('\n');
        }
        return text.Append("-----END ").Append(label).Append("-----\n").ToString();
    }

    /// <summary>Tolerates CRLF, indentation and blank lines, as text pasted into a form has them.</summary>
    public static bool TryUnwrap(string text, string label, [NotNullWhen(true)] out byte[]? data, [NotNullWhen(false)] out string? error)
    {
        data = null;
        string begin = $"-----BEGIN {label}-----";
        string end = $"-----END {label}-----";
        string trimmed = text.Trim();
        if (!trimmed.StartsWith(begin, StringComparison.Ordinal))
        {
            error = $"it does not start with {begin}";
            return false;
        }
        if (!trimmed.EndsWith(end, StringComparison.Ordinal) || trimmed.Length < begin.Length + end.Length)
        {
            error = $"it does not end with {end}";
            return false;
        }
        string base64 = string.Concat(trimmed[begin.Length..^end.Length].Where(c => !char.IsWhiteSpace(c)));
        data = new byte[base64.Length * 3 / 4];
        if (!Convert.TryFromBase64String(base64, data, out int written))
        {
            data = null;
            error = "the text between the BEGIN and END lines is not valid base64";
            return false;
        }
        if (written < data.Length)
        {
            // Copy the exact length, then wipe the larger buffer: it may hold a private key.
            byte[] exact = data[..written];
            CryptographicOperations.ZeroMemory(data);
            data = exact;
        }
        error = null;
        return true;
    }
}
