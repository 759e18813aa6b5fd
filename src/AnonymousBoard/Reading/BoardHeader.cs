using System.Globalization;
using AnonymousBoard.Boards;
using AnonymousBoard.Gate;
using AnonymousBoard.Markup;

namespace AnonymousBoard.Reading;

/// <summary>The top of every page under /{board}/: its name, description, links, and the posting level in force.</summary>
public static class BoardHeader
{
    public static TrustedHtml Html(Board board, GateStatus gate)
    {
        var w = new HtmlWriter();
        Write(w, board, gate);
        return w.ToTrustedHtml();
    }

    public static void Write(HtmlWriter w, Board board, GateStatus gate)
    {
        WriteTitle(w, board);
        WriteLevel(w, gate);
    }

    /// <summary>The board's name, description and links: the same until the board is changed.</summary>
    public static void WriteTitle(HtmlWriter w, Board board)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(board);
        w.Tag("<h1>/").Text(board.Slug).Tag("/ – ").Text(board.Title).Tag("</h1>\n");
        if (board.Description.Length > 0)
        {
            w.Tag("<p class=\"description\">").Text(board.Description).Tag("</p>\n");
        }
        w.Tag("<nav class=\"board-nav\" aria-label=\"About this board\"><a href=\"/").Text(board.Slug)
            .Tag("/rules\">Rules</a> <a href=\"/modlog\">Moderation log</a></nav>\n");
    }

    /// <summary>The posting level in force, which changes with the rates the gate measures.</summary>
    public static void WriteLevel(HtmlWriter w, GateStatus gate)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(gate);
        var level = gate.Level.ToString().ToLowerInvariant();
        w.Tag("<p class=\"gate gate-").Text(level).Tag("\">Posting level: <strong>").Text(level).Tag("</strong>");
        if (gate.Settings.RequiredBits > 0)
        {
            w.Tag(" (each post needs ").Text(gate.Settings.RequiredBits).Tag(" bits of proof of work)");
        }
        if (gate.QueueDelay > TimeSpan.Zero)
        {
            w.Tag("; posts are queued, about ").Text(Math.Ceiling(gate.QueueDelay.TotalMinutes).ToString(CultureInfo.InvariantCulture)).Tag(" min");
        }
        w.Tag(".</p>\n");
    }
}
