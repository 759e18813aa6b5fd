using System.Globalization;
using AnonymousBoard.Boards;
using AnonymousBoard.Gate;
using AnonymousBoard.Storage;

namespace AnonymousBoard.Moderation;

public abstract record AppealOutcome
{
    private AppealOutcome() { }
    public sealed record Filed : AppealOutcome;
    public sealed record AlreadyFiled : AppealOutcome;
    public sealed record NoSuchBan : AppealOutcome;
}

/// <summary>
/// Bans and their appeals: made, lifted and answered by staff (each with its log entry in the same
/// unit of work), appealed once by the banned poster.
/// </summary>
public sealed class BanModeration(IStorage storage, IBanStore store, ModLogWriter log, BoardDirectory boards, TimeProvider time)
{
    public Ban? Find(long banId) => Read(work => store.Find(work, banId));

    public IReadOnlyList<Ban> List(bool includeInactive) => Read(work => store.List(work, time.GetUtcNow(), includeInactive));

    public IReadOnlyList<Appeal> Appeals(bool pendingOnly) => Read(work => store.ListAppeals(work, pendingOnly));

    public ModResult Ban(StaffMember actor, string? boardSlug, string? kindName, string? value, string? hours, string? reason)
    {
        ArgumentNullException.ThrowIfNull(actor);
        Board? board = null;
        if (!string.IsNullOrEmpty(boardSlug) && (board = boards.Find(boardSlug)) is null)
        {
            return ModResult.NotFound($"There is no board /{boardSlug}/.");
        }
        if (!actor.May(StaffRight.Ban, board?.Id))
        {
            return ModResult.Forbidden(board is null ? "ban on every board" : $"ban on /{board.Slug}/");
        }
        if (BanKinds.Parse(kindName) is not { } kind)
        {
            return ModResult.BadRequest("Choose what the ban is on.");
        }
        TimeSpan? duration = null;
        if (!string.IsNullOrWhiteSpace(hours))
        {
            // "NaN" parses, and is neither above nor below a bound: the pattern refuses it too.
            if (!double.TryParse(hours, NumberStyles.Float, CultureInfo.InvariantCulture, out var h) || h is not (> 0 and <= 24 * 3650))
            {
                return ModResult.BadRequest("The duration is a number of hours (leave it empty for a ban that does not expire).");
            }
            duration = TimeSpan.FromHours(h);
        }
        var target = (value ?? "").Trim();
        if (kind == BanKind.File)
        {
            target = target.ToLowerInvariant();
        }
        if (BanKinds.Check(kind, target, duration) is { } invalid)
        {
            return ModResult.BadRequest(invalid);
        }
        if (ModResult.CheckReason(reason) is { } bad)
        {
            return bad;
        }
        var now = time.GetUtcNow();
        using var work = storage.Write();
        var id = store.Insert(work, new BanDraft(board?.Id, kind, target, reason!.Trim(), now, duration is { } d ? now + d : null, actor.Id));
        var ban = store.Find(work, id)!;
        // The log names the kind, scope and expiry, not the value: a tripcode or circuit in a
        // public log would tie the ban to a person for everyone.
        log.Append(work, new LogDraft(actor.Handle, $"ban {BanKinds.Name(kind)} until {ban.ExpiryText}", reason.Trim()), $"ban {id} on {ban.Scope}");
        work.Commit();
        return new ModResult.Done($"Ban {ban.Id} made ({BanKinds.Name(kind)}, {ban.Scope}, expires {ban.ExpiryText}).");
    }

    public ModResult LiftBan(StaffMember actor, long banId, string? reason)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (Find(banId) is not { } ban)
        {
            return ModResult.NotFound($"There is no ban {banId}.");
        }
        if (!actor.May(StaffRight.Ban, ban.BoardId))
        {
            return ModResult.Forbidden($"lift bans on {ban.Scope}");
        }
        if (ModResult.CheckReason(reason) is { } bad)
        {
            return bad;
        }
        using var work = storage.Write();
        if (!store.Lift(work, banId, time.GetUtcNow()))
        {
            return new ModResult.Refused(StatusCodes.Status409Conflict, $"Ban {banId} was already lifted.");
        }
        log.Append(work, new LogDraft(actor.Handle, "lift ban", reason!.Trim()), $"ban {banId}");
        work.Commit();
        return new ModResult.Done($"Ban {banId} lifted.");
    }

    public ModResult AnswerAppeal(StaffMember actor, long banId, string? answer, bool grant)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (Find(banId) is not { } ban)
        {
            return ModResult.NotFound($"There is no ban {banId}.");
        }
        if (!actor.May(StaffRight.AnswerAppeals, ban.BoardId))
        {
            return ModResult.Forbidden($"answer appeals of bans on {ban.Scope}");
        }
        if (ModResult.CheckReason(answer) is { } bad)
        {
            return bad with { Message = "An answer is required: it is the reason published in the moderation log." };
        }
        var now = time.GetUtcNow();
        using var work = storage.Write();
        if (!store.AnswerAppeal(work, banId, answer!.Trim(), grant, actor.Id, now))
        {
            return new ModResult.Refused(StatusCodes.Status409Conflict, $"The appeal of ban {banId} has already been answered (or there is none).");
        }
        if (grant)
        {
            store.Lift(work, banId, now);
        }
        log.Append(work, new LogDraft(actor.Handle, grant ? "grant appeal (ban lifted)" : "deny appeal", answer.Trim()), $"ban {banId}");
        work.Commit();
        return new ModResult.Done(grant ? $"Appeal granted: ban {banId} lifted." : $"Appeal of ban {banId} denied.");
    }

    /// <summary>The banned poster's one appeal of a ban.</summary>
    public AppealOutcome Appeal(long banId, string text)
    {
        using var work = storage.Write();
        if (store.Find(work, banId) is null)
        {
            return new AppealOutcome.NoSuchBan();
        }
        var added = store.AddAppeal(work, banId, text, time.GetUtcNow());
        work.Commit();
        return added ? new AppealOutcome.Filed() : new AppealOutcome.AlreadyFiled();
    }

    private T Read<T>(Func<UnitOfWork, T> query)
    {
        using var work = storage.Read();
        return query(work);
    }
}
