using System.Text;

namespace AnonymousBoard.Markup;

/// <summary>
/// Text as HTML can carry it. A lone surrogate or a noncharacter (U+FFFE) makes .NET's normalisation
/// throw and is an error in HTML; control characters (NUL, ESC, C1, a bare carriage return) are not
/// allowed in HTML even as character references. Each becomes U+FFFD, the replacement character,
/// which is what a browser would show in its place.
/// </summary>
public static class HtmlText
{
    /// <summary>Lone surrogates and noncharacters replaced; control characters kept (the posting rules name them).</summary>
    public static string ValidUnicode(string text) => Replace(text, controls: false);

    /// <summary>
    /// Also every control character HTML does not allow: all but tab and line feed. A carriage
    /// return ends a line, as a browser's form submission treats it.
    /// </summary>
    public static string Printable(string text) => Replace(text, controls: true);

    /// <summary>The value of a one-line input: printable, and without line breaks, which a browser strips from it too.</summary>
    public static string? OneLine(string? text) =>
        text is null ? null : Printable(text).Replace("\n", "", StringComparison.Ordinal);

    /// <summary>
    /// Removes bidirectional overrides and zero-width characters, which let a name pose as another
    /// (a reversed or invisibly different "Anonymous") and hide text from filters.
    /// </summary>
    public static string RemoveInvisible(string text)
    {
        if (!text.Any(IsInvisible))
        {
            return text;
        }
        return new string(text.Where(c => !IsInvisible(c)).ToArray());
    }

    private static bool IsInvisible(char c) => c switch
    {
        '\u200B' or '\u200C' or '\u200D' or '\u200E' or '\u200F' => true, // zero-width space/joiners, LRM/RLM
        >= '\u202A' and <= '\u202E' => true,                              // bidi embeddings and overrides
        >= '\u2066' and <= '\u2069' => true,                              // bidi isolates
        '\u2060' or '\u061C' or '\uFEFF' or '\u180E' => true,             // word joiner, ALM, BOM, Mongolian vowel separator
        _ => false,
    };

    private static string Replace(string text, bool controls)
    {
        if (!text.Any(c => char.IsSurrogate(c) || c >= '\uFDD0' || (controls && char.IsControl(c) && c is not ('\t' or '\n'))))
        {
            return text;
        }
        if (controls)
        {
            text = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
        }
        var clean = new StringBuilder(text.Length);
        // EnumerateRunes already yields U+FFFD for a lone surrogate.
        foreach (var rune in text.EnumerateRunes())
        {
            var replace = rune.Value is >= 0xFDD0 and <= 0xFDEF || (rune.Value & 0xFFFE) == 0xFFFE
                || (controls && Rune.IsControl(rune) && rune.Value is not ('\t' or '\n'));
            clean.Append((replace ? Rune.ReplacementChar : rune).ToString());
        }
        return clean.ToString();
    }
}
