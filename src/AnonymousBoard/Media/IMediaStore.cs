using AnonymousBoard.Storage;

namespace AnonymousBoard.Media;

/// <summary>The rows about image files: which are banned, which a post still shows.</summary>
public interface IMediaStore
{
    /// <summary>True when any of these SHA-256 hashes (hex) is on the file ban list.</summary>
    bool IsBanned(UnitOfWork work, IEnumerable<string> hashes);
    /// <summary>Adds hashes to the file ban list; returns how many were new.</summary>
    int AddBans(UnitOfWork work, IEnumerable<string> hashes, string reason, DateTimeOffset now);
    /// <summary>True when some post, on any board, still shows the image with this hash.</summary>
    bool IsUsed(UnitOfWork work, string hash);
}
