using AnonymousBoard.Boards;
using AnonymousBoard.Gate;
using AnonymousBoard.Storage;

namespace AnonymousBoard.Moderation;

/// <summary>Staff adding and removing filters, each with its log entry in the same unit of work.</summary>
public sealed class FilterModeration(IStorage storage, IFilterStore store, ModLogWriter log, BoardDirectory boards, TimeProvider time)
{
    public IReadOnlyList<FilterRule> List()
    {
        using var work = storage.Read();
        return store.List(work);
    }

    public ModResult AddFilter(StaffMember actor, string? boardSlug, string? pattern, bool isRegex, string? actionName, string? replacement, string? reason)
    {
        ArgumentNullException.ThrowIfNull(actor);
        Board? board = null;
        if (!string.IsNullOrEmpty(boardSlug) && (board = boards.Find(boardSlug)) is null)
        {
            return ModResult.NotFound($"There is no board /{boardSlug}/.");
        }
        if (!actor.May(StaffRight.ManageFilters, board?.Id))
        {
            return ModResult.Forbidden(board is null ? "add filters for every board" : $"add filters on /{board.Slug}/");
        }
        var p = pattern?.Trim() ?? "";
        if (p.Length is < 1 or > 500)
        {
            return ModResult.BadRequest("A filter's pattern is 1 to 500 characters.");
        }
        if (isRegex && TextPattern.Check(p) is { } invalid)
        {
            return ModResult.BadRequest(invalid);
        }
        if (Filters.Parse(actionName) is not { } action)
        {
            return ModResult.BadRequest("Choose what the filter does: reject, replace or hold.");
        }
        if ((replacement ?? "").Length > 200)
        {
            return ModResult.BadRequest("A replacement is at most 200 characters.");
        }
        if (ModResult.CheckReason(reason) is { } bad)
        {
            return bad;
        }
        var rule = new FilterRule(0, board?.Id, board?.Slug, p, isRegex, action, replacement ?? "");
        using var work = storage.Write();
        var id = store.Insert(work, rule, time.GetUtcNow());
        // Like bans, the log does not publish the pattern: it would teach how to get around it.
        log.Append(work, new LogDraft(actor.Handle, $"add filter ({Filters.Name(action)})", reason!.Trim()), $"filter {id} on {rule.Scope}");
        work.Commit();
        return new ModResult.Done($"Filter {id} added on {rule.Scope}.");
    }

    public ModResult RemoveFilter(StaffMember actor, long id, string? reason)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (List().FirstOrDefault(f => f.Id == id) is not { } rule)
        {
            return ModResult.NotFound($"There is no filter {id}.");
        }
        if (!actor.May(StaffRight.ManageFilters, rule.BoardId))
        {
            return ModResult.Forbidden($"remove filters on {rule.Scope}");
        }
        if (ModResult.CheckReason(reason) is { } bad)
        {
            return bad;
        }
        using var work = storage.Write();
        if (!store.Delete(work, id))
        {
            return ModResult.NotFound($"There is no filter {id}.");
        }
        log.Append(work, new LogDraft(actor.Handle, "remove filter", reason!.Trim()), $"filter {id}");
        work.Commit();
        return new ModResult.Done($"Filter {id} removed.");
    }
}
