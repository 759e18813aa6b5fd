using AnonymousBoard.Boards;
using AnonymousBoard.Hosting;
using AnonymousBoard.Markup;

namespace AnonymousBoard.Reading;

/// <summary>
/// What every page has around its content: the head, the list of boards, the footer. The Razor
/// layout and the prepared pages (<see cref="PreparedPage"/>) both write it from here.
/// </summary>
public static class PageFrame
{
    public static readonly TrustedHtml Bottom = new HtmlWriter()
        .Tag("</main>\n<footer class=\"site\"><p>AnonymousBoard: no scripts, no tracking. Times are UTC.</p></footer>\n</body>\n</html>\n")
        .ToTrustedHtml();

    public static readonly ReadOnlyMemory<byte> BottomUtf8 = PreparedPage.Utf8(Bottom);

    public static TrustedHtml Top(string? title, IReadOnlyList<Board> boards)
    {
        var w = new HtmlWriter();
        WriteTop(w, title, boards);
        return w.ToTrustedHtml();
    }

    public static void WriteTop(HtmlWriter w, string? title, IReadOnlyList<Board> boards)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(boards);
        w.Tag("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Tag("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"referrer\" content=\"no-referrer\">\n")
            .Tag("<title>").Text(title).Tag("</title>\n<link rel=\"stylesheet\" href=\"").Text(StyleSheet.Url).Tag("\">\n</head>\n<body>\n")
            .Tag("<header class=\"site\">\n<nav aria-label=\"Boards\"><a href=\"/\">Home</a>");
        foreach (var board in boards)
        {
            w.Tag(" <a href=\"/").Text(board.Slug).Tag("/\">/").Text(board.Slug).Tag("/</a>");
        }
        w.Tag("</nav>\n</header>\n<main>\n");
    }
}
