using AnonymousBoard.Media;

namespace AnonymousBoard.Tests.Media;

public sealed class FileBansTests
{
    private const string A = "a3f1c0ffee0000000000000000000000000000000000000000000000000000aa";
    private const string B = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Fact]
    public void Hashes_are_read_one_per_line_skipping_blank_lines_and_comments()
    {
        var text = $"""
            # banned after report 12

            {A}
              {B.ToUpperInvariant()}   # upper case, as some tools print it
            {A}
            """;

        var bans = FileBans.Parse(text);

        Assert.Equal([A, B], bans.Hashes);
        Assert.Empty(bans.Errors);
    }

    [Fact]
    public void Malformed_lines_are_reported_by_line_number()
    {
        var text = $"{A}\r\nnot a hash\r\n{B[..63]}\r\n\r\n{B}z\r\n{B}\r\n";

        var bans = FileBans.Parse(text);

        Assert.Equal([A, B], bans.Hashes);
        Assert.Equal(
            [
                "line 2: \"not a hash\" is not a SHA-256 (64 hex digits)",
                $"line 3: \"{B[..63]}\" is not a SHA-256 (64 hex digits)",
                $"line 5: \"{B}z\" is not a SHA-256 (64 hex digits)",
            ],
            bans.Errors);
    }

    [Fact]
    public void An_empty_file_bans_nothing()
    {
        var bans = FileBans.Parse("");

        Assert.Empty(bans.Hashes);
        Assert.Empty(bans.Errors);
    }
}
