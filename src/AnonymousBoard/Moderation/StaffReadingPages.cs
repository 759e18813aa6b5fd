using AnonymousBoard.Boards;
using AnonymousBoard.Markup;
using AnonymousBoard.Reading;

namespace AnonymousBoard.Moderation;

/// <summary>
/// A board and a thread as staff see them, with a "mod" link on every post, read as the public pages
/// read them. Built for each request and never put in the page cache, so no staff control can reach
/// the HTML readers are served.
/// </summary>
public static class StaffReadingPages
{
    /// <summary>GET /mod/board/{board}: a board's live threads, leading to their staff view.</summary>
    public static Task<IResult> Board(string board, HttpContext context, BoardDirectory boards, BoardReader reader) => StaffPage.Serve(context, page =>
    {
        if (boards.Find(board) is not { } b)
        {
            return Results.NotFound();
        }
        return Templates.Page(StaffBoardPage.Create(new StaffBoardPageView(page.Frame(), b, reader.ListLiveThreads(b.Id, 0, b.Settings.ThreadCap))));
    });

    /// <summary>GET /mod/thread/{board}/{no}: the thread with a "mod" link on every post.</summary>
    public static Task<IResult> Thread(string board, long no, HttpContext context, BoardDirectory boards, BoardReader reader) => StaffPage.Serve(context, page =>
    {
        if (boards.Find(board) is not { } b || reader.GetThread(b.Id, no) is not { } thread)
        {
            return Results.NotFound();
        }
        var posts = BoardPages.Posts(b, thread, page.Paths.Base);
        return Templates.Page(StaffThreadPage.Create(new StaffThreadPageView(page.Frame(), b, no, thread.Thread.Title, posts)));
    });
}
