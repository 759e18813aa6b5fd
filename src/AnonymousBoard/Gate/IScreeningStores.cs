using AnonymousBoard.Storage;

namespace AnonymousBoard.Gate;

/// <summary>The bans screening checks a post against. Staff make and lift them through moderation's store.</summary>
public interface IActiveBanStore
{
    /// <summary>Bans in force at <paramref name="now"/> on the board or on every board, oldest first.</summary>
    IReadOnlyList<Ban> ListActive(UnitOfWork work, long boardId, DateTimeOffset now);
}

/// <summary>The filters screening runs a post through; staff list them here too, and add and remove them through moderation's store.</summary>
public interface IFilterRuleStore
{
    /// <summary>Every filter, with its board's name, oldest first.</summary>
    IReadOnlyList<FilterRule> List(UnitOfWork work);
}
