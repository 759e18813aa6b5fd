using AnonymousBoard.Boards;
using AnonymousBoard.Markup;

namespace AnonymousBoard.Posting;

/// <summary>The self-deletion form: on every thread page, and again with the reason when a deletion is refused.</summary>
public static class DeleteFormHtml
{
    public static TrustedHtml Html(Board board, string? no, string? error)
    {
        var w = new HtmlWriter();
        Write(w, board, no, error);
        return w.ToTrustedHtml();
    }

    public static void Write(HtmlWriter w, Board board, string? no, string? error)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(board);
        w.Tag("<form class=\"delete-form\" id=\"delete\" method=\"post\" action=\"/").Text(board.Slug).Tag("/delete\">\n<h2>Delete your post</h2>\n");
        if (error is not null)
        {
            w.Tag("<p class=\"errors\" role=\"alert\">").Text(error).Tag("</p>\n");
        }
        w.Tag("<p><label for=\"d-no\">Post No.</label> <input id=\"d-no\" name=\"no\"");
        if (HtmlText.OneLine(no) is { } typed)
        {
            w.Attribute("value", typed);
        }
        w.Tag(" inputmode=\"numeric\" size=\"10\" autocomplete=\"off\">\n")
            .Tag("<label for=\"d-password\">Password</label> <input type=\"password\" id=\"d-password\" name=\"password\" autocomplete=\"off\">\n")
            .Tag("<button type=\"submit\">Delete</button></p>\n</form>\n");
    }
}
