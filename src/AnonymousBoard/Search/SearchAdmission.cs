using AnonymousBoard.Settings;
using Microsoft.Extensions.Options;

namespace AnonymousBoard.Search;

/// <summary>
/// How much of the machine searching may take, board-wide in this process, so that a burst of the
/// most expensive searches leaves the other pages their throughput. Two bounds: how many searches run
/// at once (<see cref="SearchOptions.Concurrent"/>), and over time the share of the cores they may
/// keep busy (<see cref="SearchOptions.Share"/>), a token bucket of query time that refills at that
/// share and holds one query's budget, so a search now and then never waits. A search that cannot
/// start within <see cref="SearchOptions.WaitMilliseconds"/> is refused as busy; the refusal comes at
/// the end of the wait, so a client that retries at once cannot make refusals its own burst.
/// A search's time is counted from its turn until its page is written (or its query done, for a caller
/// that keeps no page), by the wall clock, which on a busy machine is more than the CPU it took: the
/// share then errs low.
/// </summary>
public sealed class SearchAdmission : IDisposable
{
    private readonly SemaphoreSlim _running;
    private readonly TimeProvider _time;
    private readonly TimeSpan _wait;
    // Query milliseconds earned per millisecond, and the most the bucket holds.
    private readonly double _rate;
    private readonly double _capacity;
    private readonly Lock _lock = new();
    private double _tokens;
    private long _refilledAt;

    public SearchAdmission(IOptions<BoardOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Value.Search;
        _time = time;
        _running = new SemaphoreSlim(settings.EffectiveConcurrent);
        _wait = TimeSpan.FromMilliseconds(Math.Max(0, settings.WaitMilliseconds));
        _rate = Math.Max(1e-9, settings.Share) * Environment.ProcessorCount;
        _capacity = settings.BurstMilliseconds;
        _tokens = _capacity;
        _refilledAt = time.GetTimestamp();
    }

    /// <summary>A search's turn, to dispose when its query is done; null when search is busy.</summary>
    public async Task<IDisposable?> EnterAsync()
    {
        var started = _time.GetTimestamp();
        if (!await _running.WaitAsync(_wait))
        {
            return null;
        }
        var due = Due();
        var left = _wait - _time.GetElapsedTime(started);
        if (due > TimeSpan.Zero && due > left)
        {
            _running.Release();
            if (left > TimeSpan.Zero)
            {
                await Task.Delay(left, _time);
            }
            return null;
        }
        if (due > TimeSpan.Zero)
        {
            await Task.Delay(due, _time);
        }
        return new Turn(this, _time.GetTimestamp());
    }

    /// <summary>How long until the bucket is no longer in debt.</summary>
    private TimeSpan Due()
    {
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            _tokens = Math.Min(_capacity, _tokens + (_time.GetElapsedTime(_refilledAt, now).TotalMilliseconds * _rate));
            _refilledAt = now;
            return _tokens >= 0 ? TimeSpan.Zero : TimeSpan.FromMilliseconds(-_tokens / _rate);
        }
    }

    private void Leave(long startedAt)
    {
        lock (_lock)
        {
            _tokens -= _time.GetElapsedTime(startedAt).TotalMilliseconds;
        }
        _running.Release();
    }

    public void Dispose() => _running.Dispose();

    private sealed class Turn(SearchAdmission admission, long startedAt) : IDisposable
    {
        private int _left;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _left, 1) == 0)
            {
                admission.Leave(startedAt);
            }
        }
    }
}
