using AnonymousBoard.Media;

namespace AnonymousBoard.Storage.Sqlite;

/// <summary>Media's rows in SQLite.</summary>
public sealed class SqliteMediaStore : IMediaStore
{
    public bool IsBanned(UnitOfWork work, IEnumerable<string> hashes)
    {
        var sqlite = SqliteUnitOfWork.Of(work);
        return hashes.Any(hash => sqlite.Exists("SELECT 1 FROM file_bans WHERE hash = @hash", new { hash }));
    }

    public int AddBans(UnitOfWork work, IEnumerable<string> hashes, string reason, DateTimeOffset now) =>
        SqliteUnitOfWork.Of(work).Execute("INSERT OR IGNORE INTO file_bans (hash, reason, created_at) VALUES (@hash, @reason, @at)",
            hashes.Select(hash => new { hash, reason, at = now.ToUnixTimeSeconds() }));

    public bool IsUsed(UnitOfWork work, string hash) =>
        SqliteUnitOfWork.Of(work).Exists("SELECT 1 FROM posts WHERE file_hash = @hash LIMIT 1", new { hash });
}
