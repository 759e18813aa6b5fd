using AnonymousBoard.Media;

namespace AnonymousBoard.Storage.Sql;

/// <summary>Media's rows, in the SQL both engines speak.</summary>
public sealed class SqlMediaStore : IMediaStore
{
    public bool IsBanned(UnitOfWork work, IEnumerable<string> hashes)
    {
        var rows = SqlUnitOfWork.Of(work);
        return hashes.Any(hash => rows.Exists("SELECT 1 FROM file_bans WHERE hash = @hash", new { hash }));
    }

    public int AddBans(UnitOfWork work, IEnumerable<string> hashes, string reason, DateTimeOffset now) =>
        SqlUnitOfWork.Of(work).Execute("INSERT INTO file_bans (hash, reason, created_at) VALUES (@hash, @reason, @at) ON CONFLICT DO NOTHING",
            hashes.Select(hash => new { hash, reason, at = now.ToUnixTimeSeconds() }));

    public bool IsUsed(UnitOfWork work, string hash) =>
        SqlUnitOfWork.Of(work).Exists("SELECT 1 FROM posts WHERE file_hash = @hash LIMIT 1", new { hash });
}
