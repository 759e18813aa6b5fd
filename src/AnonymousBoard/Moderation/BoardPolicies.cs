using AnonymousBoard.Storage;

namespace AnonymousBoard.Moderation;

/// <summary>Per-board moderation settings: the rules text, and how many reports hide a post.</summary>
public sealed record BoardPolicy(string Rules, int AutoHideReports)
{
    public static readonly BoardPolicy Default = new("", 0);
}

/// <summary>Per-board rules and report threshold, read on every board page, kept in memory briefly.</summary>
public sealed class BoardPolicies(IStorage storage, IBoardPolicyStore store, TimeProvider time)
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(2);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, (BoardPolicy Policy, DateTimeOffset ReadAt)> _cache = new();

    public BoardPolicy Get(long boardId)
    {
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(boardId, out var hit) && now - hit.ReadAt <= MaxAge)
        {
            return hit.Policy;
        }
        BoardPolicy policy;
        try
        {
            using var work = storage.Read();
            policy = store.Find(work, boardId) ?? BoardPolicy.Default;
        }
        catch (StorageException) when (_cache.ContainsKey(boardId))
        {
            // The database is away: board pages go on with the policy as last read, tried again after MaxAge.
            _cache[boardId] = (hit.Policy, now);
            return hit.Policy;
        }
        _cache[boardId] = (policy, now);
        return policy;
    }

    /// <summary>The next page reads the policies again; the ones in hand stay for when the database cannot be read.</summary>
    public void Invalidate()
    {
        foreach (var (boardId, entry) in _cache)
        {
            _cache[boardId] = (entry.Policy, DateTimeOffset.MinValue);
        }
    }
}
