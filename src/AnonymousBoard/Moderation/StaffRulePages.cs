using AnonymousBoard.Gate;
using AnonymousBoard.Markup;

namespace AnonymousBoard.Moderation;

/// <summary>The staff pages of standing rules: bans (with their appeals) and filters.</summary>
public static class StaffRulePages
{
    /// <summary>GET and POST /mod/bans: make and lift bans, answer appeals. Janitors see it but may do none of it.</summary>
    public static Task<IResult> Bans(HttpContext context, BanModeration bans) => StaffPage.Serve(context, page =>
    {
        var staff = page.Member;
        if (!page.IsPost)
        {
            // "Ban the poster…" on a post's page fills in where and on what.
            return Show(null, new BanForm(page.Query("board"), page.Query("kind")));
        }
        switch (page.Handler.ToUpperInvariant())
        {
            case "BAN":
                var typed = new BanForm(page.Field("board"), page.Field("kind"), page.Field("value"), page.Field("hours"), page.Field("reason"));
                var result = bans.Ban(staff, typed.Board, typed.Kind, typed.Value, typed.Hours, typed.Reason);
                return Show(result, result is ModResult.Refused ? typed : new BanForm());
            case "LIFT":
                return Show(bans.LiftBan(staff, page.Number("ban"), page.Field("reason")), new BanForm());
            case "ANSWER":
                return Show(bans.AnswerAppeal(staff, page.Number("ban"), page.Field("answer"), page.Field("grant") is not null), new BanForm());
            default:
                return StaffPage.NoSuchHandler;
        }

        IResult Show(ModResult? result, BanForm form)
        {
            var view = new BansPageView(page.Frame(result),
                page.BoardsWhereMay(StaffRight.Ban),
                bans.List(includeInactive: false).Where(b => staff.May(StaffRight.Ban, b.BoardId) || b.BoardId is { } id && staff.Covers(id)).ToList(),
                bans.Appeals(pendingOnly: true).Where(a => staff.May(StaffRight.AnswerAppeals, a.Ban.BoardId)).ToList(),
                form);
            return Templates.Page(BansPage.Create(view), view.Frame.Status);
        }
    });

    /// <summary>GET and POST /mod/filters: word and regular-expression filters, per board or for every board.</summary>
    public static Task<IResult> Filters(HttpContext context, FilterModeration filters) => StaffPage.Serve(context, page =>
    {
        var staff = page.Member;
        if (!page.IsPost)
        {
            return Show(null, null);
        }
        switch (page.Handler.ToUpperInvariant())
        {
            case "ADD":
                var pattern = page.Field("pattern");
                var result = filters.AddFilter(staff, page.Field("board"), pattern, page.Field("regex") is not null, page.Field("action"),
                    page.Field("replacement"), page.Field("reason"));
                return Show(result, result is ModResult.Refused ? pattern : null);
            case "REMOVE":
                return Show(filters.RemoveFilter(staff, page.Number("id"), page.Field("reason")), null);
            default:
                return StaffPage.NoSuchHandler;
        }

        IResult Show(ModResult? result, string? pattern)
        {
            var view = new FiltersPageView(page.Frame(result),
                page.BoardsWhereMay(StaffRight.ManageFilters),
                filters.List().Where(f => f.BoardId is null || staff.Covers(f.BoardId.Value)).ToList(),
                pattern);
            return Templates.Page(FiltersPage.Create(view), view.Frame.Status);
        }
    });
}
