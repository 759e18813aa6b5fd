using System.Globalization;
using AnonymousBoard.Boards;
using AnonymousBoard.Markup;

namespace AnonymousBoard.Moderation;

/// <summary>The admins' staff pages: the boards and the staff themselves.</summary>
public static class StaffAdminPages
{
    /// <summary>GET and POST /mod/boards: create and edit boards (admins only; checked in <see cref="BoardModeration.SaveBoard"/>).</summary>
    public static Task<IResult> Boards(HttpContext context, BoardDirectory boards, BoardPolicies policies, BoardModeration moderation) => StaffPage.Serve(context, page =>
    {
        if (!page.IsPost)
        {
            if (page.Member.Role != StaffRole.Admin)
            {
                return Show(ModResult.Forbidden("create or edit boards"), [], BoardForm.New, editing: false);
            }
            if (page.Query("edit") is { } edit && boards.Find(edit) is { } board)
            {
                var policy = policies.Get(board.Id);
                return Show(null, boards.All,
                    new BoardForm(board.Slug, board.Title, board.Description, policy.Rules, policy.AutoHideReports, board.Settings), editing: true);
            }
            return Show(null, boards.All, BoardForm.New, editing: false);
        }
        var create = page.Handler.ToUpperInvariant() switch
        {
            "CREATE" => true,
            "UPDATE" => false,
            _ => (bool?)null,
        };
        if (create is not { } creating)
        {
            return StaffPage.NoSuchHandler;
        }
        var f = page.Form;
        int Number(string name) => int.TryParse(f[name], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1;
        var form = new BoardForm(f["slug"].ToString().Trim(), f["title"], f["description"], f["rules"].ToString().Replace("\r\n", "\n", StringComparison.Ordinal),
            Number("autohide"), new BoardSettings
            {
                BumpLimit = Number("bumplimit"), ThreadCap = Number("threadcap"), ThreadsPerPage = Number("threadsperpage"),
                PreviewsPerThread = Number("previews"), MaxBodyChars = Number("maxbody"), MaxBodyLines = Number("maxlines"),
                MaxNameChars = Number("maxname"), MaxSubjectChars = Number("maxsubject"), ArchivePruned = !string.IsNullOrEmpty(f["archive"]),
            });
        var result = moderation.SaveBoard(page.Member, creating, form.Slug ?? "", form.Title, form.Description, form.Settings,
            new BoardPolicy(form.Rules ?? "", form.AutoHide), f["reason"]);
        return Show(result, boards.All, form, editing: !creating || result is ModResult.Done);

        IResult Show(ModResult? result, IReadOnlyList<Board> all, BoardForm form, bool editing)
        {
            var view = new BoardSettingsPageView(page.Frame(result), all, form, editing);
            return Templates.Page(BoardSettingsPage.Create(view), view.Frame.Status);
        }
    });

    /// <summary>GET and POST /mod/staff: admins list, add and remove staff. Passwords are never shown or sent back.</summary>
    public static Task<IResult> Staff(HttpContext context, StaffAccounts accounts, BoardDirectory boards) => StaffPage.Serve(context, page =>
    {
        var staff = page.Member;
        if (!page.IsPost)
        {
            return staff.May(StaffRight.ManageStaff, null) ? Show(null) : Show(ModResult.Forbidden("manage staff"), listed: false);
        }
        switch (page.Handler.ToUpperInvariant())
        {
            case "ADD":
                var boardList = (page.Field("boards") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => s.Trim('/'));
                return Show(accounts.AddStaff(staff, page.Field("name"), page.Field("handle"), page.Field("role"), page.Field("global") is not null,
                    boardList, page.Field("password"), page.Field("reason")));
            case "REMOVE":
                return Show(accounts.RemoveStaff(staff, page.Field("name"), page.Field("reason")));
            default:
                return StaffPage.NoSuchHandler;
        }

        IResult Show(ModResult? result, bool listed = true)
        {
            var members = listed && staff.May(StaffRight.ManageStaff, null) ? accounts.List() : [];
            var all = boards.All;
            var rows = members.Select(m => new StaffRow(m, m.Role == StaffRole.Admin || m.Global
                ? "all"
                : string.Join(' ', all.Where(b => m.BoardIds.Contains(b.Id)).Select(b => $"/{b.Slug}/")))).ToList();
            var view = new StaffListPageView(page.Frame(result), rows);
            return Templates.Page(StaffListPage.Create(view), view.Frame.Status);
        }
    });
}
