using AnonymousBoard.Storage;

namespace AnonymousBoard.Moderation;

/// <summary>The moderation log's rows. Chaining and signing are <see cref="ModLogWriter"/>'s; this only stores entries.</summary>
public interface IModLogStore
{
    /// <summary>The newest entry, or null for an empty log.</summary>
    LogEntry? Last(UnitOfWork work);
    void Insert(UnitOfWork work, LogEntry entry);
    long Count(UnitOfWork work);
    /// <summary>Newest first, starting below <paramref name="beforeSeq"/>.</summary>
    IReadOnlyList<LogEntry> ReadBefore(UnitOfWork work, long beforeSeq, int count);
    IReadOnlyList<LogEntry> ReadAll(UnitOfWork work);
}
