using System.Globalization;

namespace AnonymousBoard.Media;

/// <summary>The hashes of a ban file, and one message per line that is not a hash.</summary>
public sealed record FileBanList(IReadOnlyList<string> Hashes, IReadOnlyList<string> Errors);

/// <summary>
/// Reads a list of banned files: one hex SHA-256 per line (of the upload or of the re-encoded
/// picture; both are checked), blank lines and <c># comments</c> ignored, also after a hash.
/// Parsing only: the caller decides what to do with errors and where the hashes are kept.
/// </summary>
public static class FileBans
{
    public static FileBanList Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var hashes = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var errors = new List<string>();
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var comment = lines[i].IndexOf('#', StringComparison.Ordinal);
            var entry = (comment < 0 ? lines[i] : lines[i][..comment]).Trim();
            if (entry.Length == 0)
            {
                continue;
            }

            // Hashes copied from tools are often upper case; file names use lower case.
            var hash = entry.ToLowerInvariant();
            if (Sha256Hex.IsValid(hash))
            {
                if (seen.Add(hash))
                {
                    hashes.Add(hash);
                }
            }
            else
            {
                var shown = entry.Length > 80 ? entry[..80] + "…" : entry;
                errors.Add(string.Create(CultureInfo.InvariantCulture,
                    $"line {i + 1}: \"{shown}\" is not a SHA-256 (64 hex digits)"));
            }
        }

        return new FileBanList(hashes, errors);
    }
}
