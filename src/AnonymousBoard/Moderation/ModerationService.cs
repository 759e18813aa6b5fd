using AnonymousBoard.Boards;
using AnonymousBoard.Storage;
using AnonymousBoard.Media;
using AnonymousBoard.Reading;

namespace AnonymousBoard.Moderation;

/// <summary>What became of a staff action: done (with what to say), or refused and why.</summary>
public abstract record ModResult
{
    private ModResult() { }
    public sealed record Done(string Message) : ModResult;
    public sealed record Refused(int StatusCode, string Message) : ModResult;

    public static Refused Forbidden(string what) => new(StatusCodes.Status403Forbidden, $"Your role does not allow you to {what}.");
}

/// <summary>A staff action on one post or thread, as the forms name it.</summary>
public sealed record PostAction(string Name, string Label, StaffRight Permission, bool ThreadOnly);

/// <summary>
/// The straight line of every staff action: find the target → check the member's role and boards →
/// check the input (a reason is always required) → write the change and its log entry in one
/// transaction → refresh the prepared pages.
/// </summary>
public sealed class ModerationService(IStorage storage, IModerationStore store, BoardDirectory boards, PageCache cache,
    BoardPolicies policies, TimeProvider time)
{
    public static readonly IReadOnlyList<PostAction> PostActions =
    [
        new("delete-post", "Delete post", StaffRight.DeletePost, false),
        new("delete-thread", "Delete whole thread", StaffRight.DeletePost, false),
        new("delete-file", "Delete file only", StaffRight.DeleteFile, false),
        new("spoiler-file", "Spoiler the file", StaffRight.SpoilerFile, false),
        new("mark-banned", "Mark \"USER WAS BANNED FOR THIS POST\"", StaffRight.MarkBanned, false),
        new("unmark-banned", "Remove the banned mark", StaffRight.MarkBanned, false),
        new("hide", "Hide pending review", StaffRight.HandleReports, false),
        new("unhide", "Show again (reviewed)", StaffRight.HandleReports, false),
        new("dismiss-reports", "Dismiss reports (keep the post)", StaffRight.HandleReports, false),
        new("sticky", "Sticky", StaffRight.Sticky, true),
        new("unsticky", "Unsticky", StaffRight.Sticky, true),
        new("lock", "Lock", StaffRight.Lock, true),
        new("unlock", "Unlock", StaffRight.Lock, true),
        new("bump-lock", "Bump-lock (autosage)", StaffRight.BumpLock, true),
        new("bump-unlock", "Remove bump-lock", StaffRight.BumpLock, true),
        new("move", "Move thread to board", StaffRight.MoveThread, true),
    ];

    public const int MaxReason = 500;

    /// <summary>
    /// Whether <paramref name="action"/> would change anything on <paramref name="post"/> as it is now:
    /// the staff page offers only those (no "Unlock" on an open thread, no file actions without a file).
    /// Thread actions look at the post's thread. Acting anyway is harmless; it is just not offered.
    /// </summary>
    public static bool Changes(PostAction action, StaffPostView post)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(post);
        return action.Name switch
        {
            "delete-file" => post.HasFile,
            "spoiler-file" => post.HasFile && !post.FileSpoiler,
            "mark-banned" => !post.BannedMark,
            "unmark-banned" => post.BannedMark,
            "hide" => !post.Hidden,
            "unhide" => post.Hidden,
            "dismiss-reports" => post.Reports.Count > 0,
            "sticky" => !post.Sticky,
            "unsticky" => post.Sticky,
            "lock" => !post.Locked,
            "unlock" => post.Locked,
            "bump-lock" => !post.BumpLocked,
            "bump-unlock" => post.BumpLocked,
            _ => true,
        };
    }

    public ModResult ActOnPost(StaffMember actor, string boardSlug, long no, string action, string? reason, string? toBoard)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (boards.Find(boardSlug) is not { } board)
        {
            return new ModResult.Refused(StatusCodes.Status404NotFound, $"There is no board /{boardSlug}/.");
        }
        if (PostActions.FirstOrDefault(a => a.Name == action) is not { } act)
        {
            return new ModResult.Refused(StatusCodes.Status400BadRequest, "Choose an action.");
        }
        if (!actor.May(act.Permission, board.Id))
        {
            return ModResult.Forbidden($"\"{act.Label}\" on /{board.Slug}/");
        }
        if (CheckReason(reason) is { } bad)
        {
            return bad;
        }
        var post = store.GetPost(board.Id, no);
        if (post is null)
        {
            return new ModResult.Refused(StatusCodes.Status404NotFound, $"There is no post No. {no} on /{board.Slug}/.");
        }
        var log = new LogDraft(actor.Handle, act.Name.Replace('-', ' '), reason!.Trim());
        ModOutcome outcome;
        switch (act.Name)
        {
            case "delete-file" or "spoiler-file":
                outcome = store.ChangeFile(board, no, removeFile: act.Name == "delete-file", log);
                break;
            case "delete-post":
                outcome = store.DeletePost(board, no, wholeThread: false, log);
                break;
            case "delete-thread":
                outcome = store.DeletePost(board, no, wholeThread: true, log);
                break;
            case "mark-banned" or "unmark-banned":
                outcome = store.SetPostMark(board, no, PostMark.BannedForThisPost, act.Name == "mark-banned", log);
                break;
            case "hide" or "unhide":
                outcome = store.SetPostMark(board, no, PostMark.Hidden, act.Name == "hide", log);
                break;
            case "dismiss-reports":
                outcome = store.DismissReports(board, no, log);
                break;
            case "move":
                if (boards.Find(toBoard ?? "") is not { } target || target.Id == board.Id)
                {
                    return new ModResult.Refused(StatusCodes.Status400BadRequest, "Choose another existing board to move the thread to.");
                }
                if (!actor.May(StaffRight.MoveThread, target.Id))
                {
                    return ModResult.Forbidden($"move threads to /{target.Slug}/");
                }
                outcome = store.MoveThread(board, post.ThreadNo, target, log with { Action = "move thread" });
                break;
            default:
                var flag = act.Name.Contains("sticky", StringComparison.Ordinal) ? ThreadMark.Sticky
                    : act.Name.Contains("bump", StringComparison.Ordinal) ? ThreadMark.BumpLocked : ThreadMark.Locked;
                outcome = store.SetThreadMark(board, post.ThreadNo, flag, !act.Name.StartsWith("un", StringComparison.Ordinal) && act.Name != "bump-unlock", log);
                break;
        }
        return Finish(outcome);
    }

    private ModResult Finish(ModOutcome outcome)
    {
        switch (outcome)
        {
            case ModOutcome.Done done:
                // Actions not yet written through a unit of work do not tell the listeners themselves.
                cache.Invalidate(done.Touched);
                boards.Invalidate();
                return new ModResult.Done(done.Message);
            case ModOutcome.NotFound missing:
                return new ModResult.Refused(StatusCodes.Status404NotFound, missing.Message);
            default:
                throw new InvalidOperationException("Unknown outcome.");
        }
    }

    public static ModResult.Refused? CheckReason(string? reason)
    {
        var r = reason?.Trim() ?? "";
        if (r.Length == 0)
        {
            return new ModResult.Refused(StatusCodes.Status400BadRequest, "A reason is required: it is published in the moderation log.");
        }
        if (r.Length > MaxReason || r.Any(char.IsControl))
        {
            return new ModResult.Refused(StatusCodes.Status400BadRequest, $"A reason is one line of at most {MaxReason} characters.");
        }
        return null;
    }

    // ------------------------------------------------------------ bans and appeals

    public ModResult Ban(StaffMember actor, string? boardSlug, string? kindName, string? value, string? hours, string? reason)
    {
        ArgumentNullException.ThrowIfNull(actor);
        Board? board = null;
        if (!string.IsNullOrEmpty(boardSlug) && (board = boards.Find(boardSlug)) is null)
        {
            return new ModResult.Refused(StatusCodes.Status404NotFound, $"There is no board /{boardSlug}/.");
        }
        if (!actor.May(StaffRight.Ban, board?.Id))
        {
            return ModResult.Forbidden(board is null ? "ban on every board" : $"ban on /{board.Slug}/");
        }
        if (BanKinds.Parse(kindName) is not { } kind)
        {
            return new ModResult.Refused(StatusCodes.Status400BadRequest, "Choose what the ban is on.");
        }
        TimeSpan? duration = null;
        if (!string.IsNullOrWhiteSpace(hours))
        {
            // "NaN" parses, and is neither above nor below a bound: the pattern refuses it too.
            if (!double.TryParse(hours, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var h) || h is not (> 0 and <= 24 * 3650))
            {
                return new ModResult.Refused(StatusCodes.Status400BadRequest, "The duration is a number of hours (leave it empty for a ban that does not expire).");
            }
            duration = TimeSpan.FromHours(h);
        }
        var target = (value ?? "").Trim();
        if (kind == BanKind.File)
        {
            target = target.ToLowerInvariant();
        }
        if ((BanKinds.Check(kind, target, duration) is { } invalid))
        {
            return new ModResult.Refused(StatusCodes.Status400BadRequest, invalid);
        }
        if (CheckReason(reason) is { } bad)
        {
            return bad;
        }
        var now = time.GetUtcNow();
        var ban = store.AddBan(new BanDraft(board?.Id, kind, target, reason!.Trim(), now, duration is { } d ? now + d : null, actor.Id),
            new LogDraft(actor.Handle, "ban", reason.Trim()));
        return new ModResult.Done($"Ban {ban.Id} made ({BanKinds.Name(kind)}, {ban.Scope}, expires {ban.ExpiryText}).");
    }

    public ModResult LiftBan(StaffMember actor, long banId, string? reason)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (store.FindBan(banId) is not { } ban)
        {
            return new ModResult.Refused(StatusCodes.Status404NotFound, $"There is no ban {banId}.");
        }
        if (!actor.May(StaffRight.Ban, ban.BoardId))
        {
            return ModResult.Forbidden($"lift bans on {ban.Scope}");
        }
        if (CheckReason(reason) is { } bad)
        {
            return bad;
        }
        return store.LiftBan(banId, time.GetUtcNow(), new LogDraft(actor.Handle, "lift ban", reason!.Trim()))
            ? new ModResult.Done($"Ban {banId} lifted.")
            : new ModResult.Refused(StatusCodes.Status409Conflict, $"Ban {banId} was already lifted.");
    }

    public ModResult AnswerAppeal(StaffMember actor, long banId, string? answer, bool grant)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (store.FindBan(banId) is not { } ban)
        {
            return new ModResult.Refused(StatusCodes.Status404NotFound, $"There is no ban {banId}.");
        }
        if (!actor.May(StaffRight.AnswerAppeals, ban.BoardId))
        {
            return ModResult.Forbidden($"answer appeals of bans on {ban.Scope}");
        }
        if (CheckReason(answer) is { } bad)
        {
            return bad with { Message = "An answer is required: it is the reason published in the moderation log." };
        }
        return store.AnswerAppeal(banId, answer!.Trim(), grant, actor.Id, time.GetUtcNow(), new LogDraft(actor.Handle, "answer appeal", answer.Trim()))
            ? new ModResult.Done(grant ? $"Appeal granted: ban {banId} lifted." : $"Appeal of ban {banId} denied.")
            : new ModResult.Refused(StatusCodes.Status409Conflict, $"The appeal of ban {banId} has already been answered (or there is none).");
    }

    // ------------------------------------------------------------ filters

    public ModResult AddFilter(StaffMember actor, string? boardSlug, string? pattern, bool isRegex, string? actionName, string? replacement, string? reason)
    {
        ArgumentNullException.ThrowIfNull(actor);
        Board? board = null;
        if (!string.IsNullOrEmpty(boardSlug) && (board = boards.Find(boardSlug)) is null)
        {
            return new ModResult.Refused(StatusCodes.Status404NotFound, $"There is no board /{boardSlug}/.");
        }
        if (!actor.May(StaffRight.ManageFilters, board?.Id))
        {
            return ModResult.Forbidden(board is null ? "add filters for every board" : $"add filters on /{board.Slug}/");
        }
        var p = pattern?.Trim() ?? "";
        if (p.Length is < 1 or > 500)
        {
            return new ModResult.Refused(StatusCodes.Status400BadRequest, "A filter's pattern is 1 to 500 characters.");
        }
        if (isRegex && TextPattern.Check(p) is { } invalid)
        {
            return new ModResult.Refused(StatusCodes.Status400BadRequest, invalid);
        }
        if (Filters.Parse(actionName) is not { } action)
        {
            return new ModResult.Refused(StatusCodes.Status400BadRequest, "Choose what the filter does: reject, replace or hold.");
        }
        if ((replacement ?? "").Length > 200)
        {
            return new ModResult.Refused(StatusCodes.Status400BadRequest, "A replacement is at most 200 characters.");
        }
        if (CheckReason(reason) is { } bad)
        {
            return bad;
        }
        var rule = store.AddFilter(new FilterRule(0, board?.Id, board?.Slug, p, isRegex, action, replacement ?? ""), time.GetUtcNow(),
            new LogDraft(actor.Handle, "add filter", reason!.Trim()));
        return new ModResult.Done($"Filter {rule.Id} added on {rule.Scope}.");
    }

    public ModResult RemoveFilter(StaffMember actor, long id, string? reason)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (store.ListFilters().FirstOrDefault(f => f.Id == id) is not { } rule)
        {
            return new ModResult.Refused(StatusCodes.Status404NotFound, $"There is no filter {id}.");
        }
        if (!actor.May(StaffRight.ManageFilters, rule.BoardId))
        {
            return ModResult.Forbidden($"remove filters on {rule.Scope}");
        }
        if (CheckReason(reason) is { } bad)
        {
            return bad;
        }
        return store.RemoveFilter(id, new LogDraft(actor.Handle, "remove filter", reason!.Trim()))
            ? new ModResult.Done($"Filter {id} removed.")
            : new ModResult.Refused(StatusCodes.Status404NotFound, $"There is no filter {id}.");
    }

    // ------------------------------------------------------------ boards

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
            return new ModResult.Refused(StatusCodes.Status400BadRequest, invalid);
        }
        if (policy.Rules.Length > 4000 || policy.AutoHideReports is < 0 or > 1000)
        {
            return new ModResult.Refused(StatusCodes.Status400BadRequest, "Rules are at most 4000 characters; the report threshold is 0 (never) to 1000.");
        }
        if (CheckReason(reason) is { } bad)
        {
            return bad;
        }
        // The board, its policy and the log entry commit together.
        using var work = storage.Write();
        if (create && !boards.Create(work, slug, t, d, settings))
        {
            return new ModResult.Refused(StatusCodes.Status409Conflict, $"A board named /{slug}/ already exists.");
        }
        if (!create && !boards.Update(work, slug, t, d, settings))
        {
            return new ModResult.Refused(StatusCodes.Status404NotFound, $"There is no board /{slug}/.");
        }
        var board = boards.Read(work, slug)!;
        store.SetPolicy(work, board.Id, policy);
        store.Append(work, new LogDraft(actor.Handle, create ? "create board" : "edit board", reason!.Trim()), $"/{slug}/");
        work.Commit();
        policies.Invalidate();
        // Limits shape the prepared pages: every page of the board is built again (the board is part of their key).
        return new ModResult.Done(create ? $"Board /{slug}/ created." : $"Board /{slug}/ saved.");
    }

    // ------------------------------------------------------------ delete everything by ...

    public (IReadOnlyList<PurgeItem> Items, ModResult.Refused? Refused) PreviewPurge(StaffMember actor, string? kindName, string? value)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (BanKinds.Parse(kindName) is not ({ } kind and (BanKind.Tripcode or BanKind.Pseudonym or BanKind.Circuit)))
        {
            return ([], new ModResult.Refused(StatusCodes.Status400BadRequest, "Choose a tripcode, a pseudonym or a circuit."));
        }
        if (string.IsNullOrWhiteSpace(value))
        {
            return ([], new ModResult.Refused(StatusCodes.Status400BadRequest, "Type the tripcode, pseudonym or circuit."));
        }
        if (!actor.May(StaffRight.DeleteByIdentity, null) && !actor.BoardIds.Any(b => actor.May(StaffRight.DeleteByIdentity, b)))
        {
            return ([], ModResult.Forbidden("delete everything by a poster"));
        }
        var items = store.FindByIdentity(kind, value.Trim(), null).Where(i => actor.May(StaffRight.DeleteByIdentity, i.BoardId)).ToList();
        return (items, null);
    }

    public ModResult Purge(StaffMember actor, string? kindName, string? value, string? reason)
    {
        var (items, refused) = PreviewPurge(actor, kindName, value);
        if (refused is not null)
        {
            return refused;
        }
        if (CheckReason(reason) is { } bad)
        {
            return bad;
        }
        var deleted = 0;
        // Opening posts first: a thread's replies go with it.
        foreach (var item in items.OrderByDescending(i => i.No == i.ThreadNo))
        {
            if (boards.All.FirstOrDefault(b => b.Id == item.BoardId) is not { } board)
            {
                continue;
            }
            if (store.DeletePost(board, item.No, wholeThread: false,
                    new LogDraft(actor.Handle, $"delete post (everything by {kindName})", reason!.Trim())) is ModOutcome.Done done)
            {
                cache.Invalidate(done.Touched);
                deleted++;
            }
        }
        boards.Invalidate();
        return new ModResult.Done($"{deleted} post(s) deleted.");
    }

    // ------------------------------------------------------------ staff (admins)

    public ModResult AddStaff(StaffMember actor, string? name, string? handle, string? roleName, bool global, IEnumerable<string> boardSlugs,
        string? password, string? reason)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!actor.May(StaffRight.ManageStaff, null))
        {
            return ModResult.Forbidden("manage staff");
        }
        var n = name?.Trim() ?? "";
        var h = string.IsNullOrWhiteSpace(handle) ? null : handle.Trim();
        if ((StaffRules.CheckName(n) ?? (h is null ? null : StaffRules.CheckHandle(h)) ?? StaffRules.CheckPassword(password ?? "")) is { } invalid)
        {
            return new ModResult.Refused(StatusCodes.Status400BadRequest, invalid);
        }
        if (Permissions.Parse(roleName) is not { } role)
        {
            return new ModResult.Refused(StatusCodes.Status400BadRequest, "Choose a role: admin, moderator or janitor.");
        }
        var ids = new List<long>();
        foreach (var slug in boardSlugs.Where(s => s.Length > 0))
        {
            if (boards.Find(slug) is not { } b)
            {
                return new ModResult.Refused(StatusCodes.Status400BadRequest, $"There is no board /{slug}/.");
            }
            ids.Add(b.Id);
        }
        if (CheckReason(reason) is { } bad)
        {
            return bad;
        }
        var member = store.AddStaff(n, h, role, global, ids, StaffPasswords.Hash(password!), new LogDraft(actor.Handle, "add staff", reason!.Trim()));
        return member is null
            ? new ModResult.Refused(StatusCodes.Status409Conflict, "That name or handle is already taken.")
            : new ModResult.Done($"{member.Handle} added as {Permissions.Name(role)}.");
    }

    public ModResult RemoveStaff(StaffMember actor, string? name, string? reason)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!actor.May(StaffRight.ManageStaff, null))
        {
            return ModResult.Forbidden("manage staff");
        }
        if (CheckReason(reason) is { } bad)
        {
            return bad;
        }
        if (name == actor.Name)
        {
            return new ModResult.Refused(StatusCodes.Status400BadRequest, "You cannot remove yourself here; another admin or the command line can.");
        }
        return store.RemoveStaff(name ?? "", new LogDraft(actor.Handle, "remove staff", reason!.Trim()))
            ? new ModResult.Done("Removed.")
            : new ModResult.Refused(StatusCodes.Status404NotFound, "There is no such staff member.");
    }
}

/// <summary>Per-board rules and report threshold, read on every board page, kept in memory briefly.</summary>
public sealed class BoardPolicies(IModerationStore store, TimeProvider time)
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(2);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, (BoardPolicy Policy, DateTimeOffset ReadAt)> _cache = new();

    public BoardPolicy Get(long boardId)
    {
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(boardId, out var hit) && now - hit.ReadAt <= MaxAge)
        {
            return hit.Policy;
        }
        var policy = store.GetPolicy(boardId);
        _cache[boardId] = (policy, now);
        return policy;
    }

    public void Invalidate() => _cache.Clear();
}
