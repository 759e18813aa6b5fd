using System.Collections.Concurrent;

namespace AnonymousBoard.Moderation;

/// <summary>
/// Limits failed sign-ins per account name and for the whole board. Behind tor every request can
/// come from a new circuit, so there is nothing per visitor to throttle: an attacker with a pool of
/// circuits is slowed only by the global limit. Unknown names are throttled exactly like real ones,
/// so the answer never tells whether an account exists. Kept in memory: a restart forgets it.
/// </summary>
public sealed class SignInThrottle(TimeProvider time, int perAccount = 5, int globalPerWindow = 20, TimeSpan? window = null)
{
    private readonly TimeSpan _window = window ?? TimeSpan.FromMinutes(15);
    private readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> _accounts = new(StringComparer.Ordinal);
    private readonly Queue<DateTimeOffset> _global = new();
    private readonly Lock _lock = new();

    /// <summary>Null when an attempt may be made now; otherwise when the next one may.</summary>
    public DateTimeOffset? RetryAfter(string name)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            Prune(_global, now);
            if (_global.Count >= globalPerWindow)
            {
                return _global.Peek() + _window;
            }
            if (_accounts.TryGetValue(name, out var failures))
            {
                Prune(failures, now);
                if (failures.Count >= perAccount)
                {
                    return failures.Peek() + _window;
                }
            }
            return null;
        }
    }

    public void Failed(string name)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            _global.Enqueue(now);
            _accounts.GetOrAdd(name, _ => new Queue<DateTimeOffset>()).Enqueue(now);
            // Names seen once and never again are dropped; the global limit bounds how many there can be.
            foreach (var (key, queue) in _accounts)
            {
                Prune(queue, now);
                if (queue.Count == 0)
                {
                    _accounts.TryRemove(key, out _);
                }
            }
        }
    }

    public void Succeeded(string name)
    {
        lock (_lock)
        {
            _accounts.TryRemove(name, out _);
        }
    }

    private void Prune(Queue<DateTimeOffset> queue, DateTimeOffset now)
    {
        while (queue.Count > 0 && queue.Peek() + _window <= now)
        {
            queue.Dequeue();
        }
    }
}
