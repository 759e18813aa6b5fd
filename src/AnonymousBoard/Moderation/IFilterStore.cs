using AnonymousBoard.Storage;

namespace AnonymousBoard.Moderation;

/// <summary>Filters' rows.</summary>
public interface IFilterStore
{
    /// <summary>Every filter, with its board's name, oldest first.</summary>
    IReadOnlyList<FilterRule> List(UnitOfWork work);
    long Insert(UnitOfWork work, FilterRule rule, DateTimeOffset now);
    bool Delete(UnitOfWork work, long id);
}
