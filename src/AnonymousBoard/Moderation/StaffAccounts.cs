using AnonymousBoard.Boards;
using AnonymousBoard.Storage;

namespace AnonymousBoard.Moderation;

/// <summary>
/// Staff members: added, removed and given a new password by an admin's form or the operator's
/// command line, each with its log entry in the same unit of work; found for signing in.
/// </summary>
public sealed class StaffAccounts(IStorage storage, IStaffStore store, ModLogWriter log, BoardDirectory boards, TimeProvider time)
{
    public int Count() => Read(work => store.Count(work));

    public IReadOnlyList<StaffMember> List() => Read(work => store.List(work));

    /// <summary>The member and their password hash, for signing in; null for an unknown (or removed) name.</summary>
    public StaffAccount? FindForSignIn(string name) => Read(work => store.FindByName(work, name));

    /// <summary>Adds a member; null when the name or handle is taken. A null handle becomes "staff-N".</summary>
    public StaffMember? Add(NewStaff member, LogDraft entry)
    {
        ArgumentNullException.ThrowIfNull(member);
        var scope = Scope(member);
        using var work = storage.Write();
        if (store.IsTaken(work, member.Name, member.Handle))
        {
            return null;
        }
        var added = store.Find(work, store.Insert(work, member, time.GetUtcNow()))!;
        log.Append(work, entry, $"staff {added.Handle} ({Permissions.Name(added.Role)}, {scope})");
        work.Commit();
        return added;
    }

    /// <summary>Removes the member and ends their sessions; false for an unknown name.</summary>
    public bool Remove(string name, LogDraft entry) => Change(name, entry, (work, id) => store.Remove(work, id, time.GetUtcNow()));

    /// <summary>Replaces the password and signs the member out everywhere; false for an unknown name.</summary>
    public bool SetPassword(string name, string passwordHash, LogDraft entry) =>
        Change(name, entry, (work, id) => store.SetPassword(work, id, passwordHash));

    private bool Change(string name, LogDraft entry, Action<UnitOfWork, long> change)
    {
        using var work = storage.Write();
        if (store.FindByName(work, name) is not { } account)
        {
            return false;
        }
        change(work, account.Member.Id);
        log.Append(work, entry, $"staff {account.Member.Handle}");
        work.Commit();
        return true;
    }

    /// <summary>What the log says of a member's boards.</summary>
    private string Scope(NewStaff member)
    {
        if (member.Role == StaffRole.Admin || member.AllBoards)
        {
            return "all boards";
        }
        var slugs = member.BoardIds.Distinct().Order().Select(id => boards.All.FirstOrDefault(b => b.Id == id)?.Slug)
            .Where(s => s is not null).Select(s => $"/{s}/").ToList();
        return slugs.Count == 0 ? "no boards" : string.Join(' ', slugs);
    }

    // ------------------------------------------------------------ the admins' staff page

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
            return ModResult.BadRequest(invalid);
        }
        if (Permissions.Parse(roleName) is not { } role)
        {
            return ModResult.BadRequest("Choose a role: admin, moderator or janitor.");
        }
        var ids = new List<long>();
        foreach (var slug in boardSlugs.Where(s => s.Length > 0))
        {
            if (boards.Find(slug) is not { } b)
            {
                return ModResult.BadRequest($"There is no board /{slug}/.");
            }
            ids.Add(b.Id);
        }
        if (ModResult.CheckReason(reason) is { } bad)
        {
            return bad;
        }
        var member = Add(new NewStaff(n, h, role, global, ids, StaffPasswords.Hash(password!)), new LogDraft(actor.Handle, "add staff", reason!.Trim()));
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
        if (ModResult.CheckReason(reason) is { } bad)
        {
            return bad;
        }
        if (name == actor.Name)
        {
            return ModResult.BadRequest("You cannot remove yourself here; another admin or the command line can.");
        }
        return Remove(name ?? "", new LogDraft(actor.Handle, "remove staff", reason!.Trim()))
            ? new ModResult.Done("Removed.")
            : ModResult.NotFound("There is no such staff member.");
    }

    private T Read<T>(Func<UnitOfWork, T> query)
    {
        using var work = storage.Read();
        return query(work);
    }
}
