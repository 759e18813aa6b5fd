using System.Globalization;
using AnonymousBoard.Boards;
using AnonymousBoard.Markup;
using AnonymousBoard.Reading;
using AnonymousBoard.Site;

namespace AnonymousBoard.Moderation;

/// <summary>The staff pages about posts: the report queue, one post and what may be done to it, and deleting everything by one poster.</summary>
public static class StaffPostPages
{
    /// <summary>GET /mod: open a post by number, and the report queue for the member's boards.</summary>
    public static Task<IResult> Home(HttpContext context, Reports reports, BoardDirectory boards) => StaffPage.Serve(context, page =>
    {
        var staff = page.Member;
        // Only a board name goes into the redirect: any other text would be a broken (or foreign) Location.
        if (page.Query("board") is { } board && BoardRules.CheckSlug(board) is null
            && long.TryParse(page.Query("no")?.Trim().TrimStart('#', 'p', '>'), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return SeeOther.To(page.Paths.Post(board, number));
        }
        var covered = boards.All.Where(b => staff.Covers(b.Id)).ToList();
        var queue = reports.Queue().Where(g => staff.May(StaffRight.HandleReports, g.BoardId)).ToList();
        return Templates.Page(StaffHome.Create(new StaffHomeView(page.Frame(), covered, queue)));
    });

    /// <summary>GET and POST /mod/post/{board}/{no}: one post with the actions the member may take on it.</summary>
    public static Task<IResult> Post(string board, long no, HttpContext context, BoardDirectory boards, PostModeration moderation, BoardReader reader) =>
        StaffPage.Serve(context, page =>
        {
            if (!page.IsPost)
            {
                return View(page, null, board, no, boards, moderation, reader) is { Post: not null } view ? Show(view) : Results.NotFound();
            }
            var result = moderation.ActOnPost(page.Member, board, no, page.Field("action") ?? "", page.Field("reason"), page.Field("to"));
            return Show(View(page, result, board, no, boards, moderation, reader));
        });

    private static IResult Show(StaffPostPageView view) => Templates.Page(StaffPostPage.Create(view), view.Frame.Status);

    /// <summary>The post as it is now (absent when it is gone), and the actions that would change it.</summary>
    private static StaffPostPageView View(StaffPage page, ModResult? result, string board, long no, BoardDirectory boards, PostModeration moderation,
        BoardReader reader)
    {
        var staff = page.Member;
        var frame = page.Frame(result);
        // The post as the staff view of its thread shows it (a "mod" link; a hidden post's text shown). Read with its
        // thread, for the backlinks; a staff page is rare enough. Gone between the two reads: gone.
        if (boards.Find(board) is not { } b || moderation.GetPost(b.Id, no) is not { } post
            || reader.GetThread(b.Id, post.ThreadNo) is not { } thread || thread.Posts.FirstOrDefault(p => p.No == no) is not { } stored)
        {
            return new StaffPostPageView(frame, board, no, null, null, [], []);
        }
        var article = new PostView(b.Slug, stored, thread.Backlinks, page.Paths.Base);
        var moveTargets = boards.All.Where(x => x.Id != b.Id && staff.May(StaffRight.MoveThread, x.Id)).Select(x => x.Slug).ToList();
        var actions = PostModeration.PostActions
            .Where(a => staff.May(a.Permission, b.Id) && PostModeration.Changes(a, post) && (a.Name != "move" || moveTargets.Count > 0))
            .ToList();
        return new StaffPostPageView(frame, board, no, post, article, actions, moveTargets);
    }

    /// <summary>GET and POST /mod/purge: preview, then delete, every post by one tripcode, pseudonym or circuit.</summary>
    public static Task<IResult> Purge(HttpContext context, PostModeration moderation) => StaffPage.Serve(context, page =>
    {
        if (page.IsPost)
        {
            var (kind, value) = (page.Field("kind"), page.Field("value"));
            return Show(new PurgePageView(page.Frame(moderation.Purge(page.Member, kind, value, page.Field("reason"))), kind, value, null));
        }
        var (asked, named) = (page.Query("kind"), page.Query("value"));
        if (asked is null)
        {
            return Show(new PurgePageView(page.Frame(), asked, named, null));
        }
        var (items, refused) = moderation.PreviewPurge(page.Member, asked, named);
        return Show(new PurgePageView(page.Frame(refused), asked, named, refused is null ? items : null));

        static IResult Show(PurgePageView view) => Templates.Page(PurgePage.Create(view), view.Frame.Status);
    });
}
