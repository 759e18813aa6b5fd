using AnonymousBoard.Storage;

namespace AnonymousBoard.Moderation;

/// <summary>Staff sessions' rows, keyed by the hash of the cookie's token.</summary>
public interface IStaffSessionStore
{
    void Create(UnitOfWork work, byte[] tokenHash, long staffId, DateTimeOffset now);
    StaffSessionRecord? Find(UnitOfWork work, byte[] tokenHash);
    void MarkSeen(UnitOfWork work, byte[] tokenHash, DateTimeOffset now);
    void Delete(UnitOfWork work, byte[] tokenHash);
}

/// <summary>A stored session: whose it is, when it was made and last used.</summary>
public sealed record StaffSessionRecord(long StaffId, DateTimeOffset CreatedAt, DateTimeOffset SeenAt);
