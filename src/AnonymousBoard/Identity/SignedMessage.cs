using System.Text;

namespace AnonymousBoard.Identity;

/// <summary>
/// The exact text a post's signature covers, UTF-8 encoded:
/// <code>
/// anonboard-post-v1
/// board: b
/// thread: 12          ("thread: new" for a new thread)
/// subject: Hello      ("subject:" with nothing after it when there is none)
///                     (one empty line)
/// body, every line ending in \n
/// </code>
/// Naming the board and thread stops a signature being replayed elsewhere. Everything is NFC;
/// in header values every run of whitespace (line breaks included) becomes one space, with none
/// at either end; body lines end in "\n" (CRLF, CR and other Unicode line breaks converted) and
/// lose trailing whitespace, and blank lines at the start and end of the body are dropped. So a
/// file edited anywhere and the same text typed into the form give the same bytes, and the
/// message can be written by hand and signed with plain ssh-keygen.
/// </summary>
public static class SignedMessage
{
    public const string Version = "anonboard-post-v1";

    /// <param name="thread">The thread replied to, or null when the post starts a new thread.</param>
    public static string Build(string board, long? thread, string subject, string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        string boardValue = HeaderValue(board);
        if (boardValue.Length == 0)
        {
            throw new ArgumentException("The board name is empty.", nameof(board));
        }
        if (thread is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(thread), thread, "Thread numbers start at 1.");
        }
        var text = new StringBuilder();
        text.Append(Version).Append('\n');
        AppendHeader(text, "board", boardValue);
        AppendHeader(text, "thread", thread?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "new");
        AppendHeader(text, "subject", HeaderValue(subject));
        text.Append('\n');
        foreach (string line in BodyLines(body))
        {
            text.Append(line).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>The bytes to sign or verify.</summary>
    public static byte[] BuildBytes(string board, long? thread, string subject, string body) =>
        Encoding.UTF8.GetBytes(Build(board, thread, subject, body));

    private static void AppendHeader(StringBuilder text, string name, string value)
    {
        text.Append(name).Append(':');
        if (value.Length > 0)
        {
            text.Append(' ').Append(value);
        }
        text.Append('\n');
    }

    private static string HeaderValue(string? value) =>
        string.Join(' ', (value ?? "").Normalize(NormalizationForm.FormC).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    private static List<string> BodyLines(string body)
    {
        List<string> lines = body.Normalize(NormalizationForm.FormC)
            .ReplaceLineEndings("\n")
            .Split('\n')
            .Select(line => line.TrimEnd())
            .SkipWhile(line => line.Length == 0)
            .ToList();
        while (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }
        return lines;
    }
}
