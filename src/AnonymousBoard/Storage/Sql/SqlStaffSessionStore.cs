using AnonymousBoard.Moderation;

namespace AnonymousBoard.Storage.Sql;

/// <summary>Staff sessions' rows, in the SQL both engines speak.</summary>
public sealed class SqlStaffSessionStore : IStaffSessionStore
{
    public void Create(UnitOfWork work, byte[] tokenHash, long staffId, DateTimeOffset now) =>
        SqlUnitOfWork.Of(work).Execute("""
            INSERT INTO staff_sessions (token_hash, staff_id, created_at, seen_at) VALUES (@tokenHash, @staffId, @now, @now)
            """, new { tokenHash, staffId, now = now.ToUnixTimeSeconds() });

    public StaffSessionRecord? Find(UnitOfWork work, byte[] tokenHash) =>
        SqlUnitOfWork.Of(work).First<SessionRow>("SELECT staff_id, created_at, seen_at FROM staff_sessions WHERE token_hash = @tokenHash",
            new { tokenHash }) is { } s
            ? new StaffSessionRecord(s.StaffId, DateTimeOffset.FromUnixTimeSeconds(s.CreatedAt), DateTimeOffset.FromUnixTimeSeconds(s.SeenAt))
            : null;

    public void MarkSeen(UnitOfWork work, byte[] tokenHash, DateTimeOffset now) =>
        SqlUnitOfWork.Of(work).Execute("UPDATE staff_sessions SET seen_at = @now WHERE token_hash = @tokenHash",
            new { tokenHash, now = now.ToUnixTimeSeconds() });

    public void Delete(UnitOfWork work, byte[] tokenHash) =>
        SqlUnitOfWork.Of(work).Execute("DELETE FROM staff_sessions WHERE token_hash = @tokenHash", new { tokenHash });

    private sealed class SessionRow
    {
        public long StaffId { get; init; }
        public long CreatedAt { get; init; }
        public long SeenAt { get; init; }
    }
}
