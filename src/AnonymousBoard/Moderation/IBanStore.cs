using AnonymousBoard.Gate;
using AnonymousBoard.Storage;

namespace AnonymousBoard.Moderation;

/// <summary>Bans' and their appeals' rows.</summary>
public interface IBanStore
{
    long Insert(UnitOfWork work, BanDraft ban);
    Ban? Find(UnitOfWork work, long id);
    /// <summary>Newest first, at most 500; lifted and expired ones too when <paramref name="includeInactive"/>.</summary>
    IReadOnlyList<Ban> List(UnitOfWork work, DateTimeOffset now, bool includeInactive);
    /// <summary>False when the ban was already lifted (or does not exist).</summary>
    bool Lift(UnitOfWork work, long id, DateTimeOffset now);
    /// <summary>False when the ban already has an appeal.</summary>
    bool AddAppeal(UnitOfWork work, long banId, string text, DateTimeOffset now);
    /// <summary>Oldest first, at most 200.</summary>
    IReadOnlyList<Appeal> ListAppeals(UnitOfWork work, bool pendingOnly);
    /// <summary>False when there is no unanswered appeal of the ban.</summary>
    bool AnswerAppeal(UnitOfWork work, long banId, string answer, bool granted, long staffId, DateTimeOffset now);
}

public sealed record Appeal(long BanId, string Text, DateTimeOffset CreatedAt, string? Answer, bool? Granted, Ban Ban);
