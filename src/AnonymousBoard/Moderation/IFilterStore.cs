using AnonymousBoard.Gate;
using AnonymousBoard.Storage;

namespace AnonymousBoard.Moderation;

/// <summary>Filters' rows, as staff change them (screening reads them through the gate's <see cref="IFilterRuleStore"/>).</summary>
public interface IFilterStore : IFilterRuleStore
{
    long Insert(UnitOfWork work, FilterRule rule, DateTimeOffset now);
    bool Delete(UnitOfWork work, long id);
}
