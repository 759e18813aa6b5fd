using AnonymousBoard.Boards;
using AnonymousBoard.Storage;

namespace AnonymousBoard.Moderation;

/// <summary>Admins creating and editing boards on the staff pages: the board, its policy and the log entry in one unit of work.</summary>
public sealed class BoardModeration(IStorage storage, BoardDirectory boards, IBoardPolicyStore policyStore, ModLogWriter log)
{
    public ModResult SaveBoard(StaffMember actor, bool create, string slug, string? title, string? description, BoardSettings settings,
        BoardPolicy policy, string? reason)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(policy);
        if (!actor.May(StaffRight.ManageBoards, null))
        {
            return ModResult.Forbidden("create or edit boards");
        }
        var t = title?.Trim() ?? "";
        var d = description ?? "";
        if (((create ? BoardRules.CheckSlug(slug) : null) ?? BoardRules.CheckTitle(t) ?? BoardRules.CheckDescription(d) ?? BoardRules.CheckSettings(settings)) is { } invalid)
        {
            return ModResult.BadRequest(invalid);
        }
        if (policy.Rules.Length > 4000 || policy.AutoHideReports is < 0 or > 1000)
        {
            return ModResult.BadRequest("Rules are at most 4000 characters; the report threshold is 0 (never) to 1000.");
        }
        if (ModResult.CheckReason(reason) is { } bad)
        {
            return bad;
        }
        using var work = storage.Write();
        if (create && !boards.Create(work, slug, t, d, settings))
        {
            return new ModResult.Refused(StatusCodes.Status409Conflict, $"A board named /{slug}/ already exists.");
        }
        if (!create && !boards.Update(work, slug, t, d, settings))
        {
            return ModResult.NotFound($"There is no board /{slug}/.");
        }
        var board = boards.Read(work, slug)!;
        policyStore.Save(work, board.Id, policy);
        log.Append(work, new LogDraft(actor.Handle, create ? "create board" : "edit board", reason!.Trim()), $"/{slug}/");
        // The commit tells the page cache the boards changed: the prepared forms, which show the rules, are built again;
        // limits shape the prepared pages too, so every page of the board is built again (the board is part of their key).
        work.Commit();
        return new ModResult.Done(create ? $"Board /{slug}/ created." : $"Board /{slug}/ saved.");
    }
}
