using AnonymousBoard.Media;
using AnonymousBoard.Storage;

namespace AnonymousBoard.Posting;

/// <summary>
/// Posts arriving together are written in one transaction and each is acknowledged after its one
/// commit: a commit's sync to disk (synchronous=FULL on SQLite, the WAL flush on PostgreSQL) costs about
/// as much for thirty posts as for one, so concurrent posters raise throughput instead of queueing for
/// a sync each. Nothing is acknowledged before it is durable. Each post is a part of the transaction
/// (a savepoint), so one that fails is undone alone and the others still commit.
/// </summary>
public sealed class GroupCommit(IStorage storage, MediaService media)
{
    // Bounds how long one transaction holds the database (and how long the first post of a batch waits).
    private const int MaxBatch = 64;

    private readonly Lock _queueLock = new();
    private readonly List<Job> _queue = [];
    private bool _writing;

    /// <summary>
    /// Writes <paramref name="post"/> with the posts waiting beside it; completes once their transaction
    /// committed (and the commit's listeners ran, so the post is on its pages), or with the exception that
    /// stopped the post or the commit.
    /// </summary>
    /// <param name="post">Runs on the writer's thread inside the shared transaction, with the media files' lock held.</param>
    public Task<T> Write<T>(Func<UnitOfWork, T> post)
    {
        var job = new Job<T>(post);
        bool lead;
        lock (_queueLock)
        {
            _queue.Add(job);
            lead = !_writing;
            _writing = true;
        }
        if (lead)
        {
            // The first poster to find nobody writing starts the writer; it runs until the queue is empty.
            _ = Task.Run(Drain);
        }
        return job.Result;
    }

    private void Drain()
    {
        while (true)
        {
            List<Job> batch;
            lock (_queueLock)
            {
                if (_queue.Count == 0)
                {
                    _writing = false;
                    return;
                }
                batch = _queue.GetRange(0, Math.Min(MaxBatch, _queue.Count));
                _queue.RemoveRange(0, batch.Count);
            }
            WriteBatch(batch);
        }
    }

    private void WriteBatch(List<Job> batch)
    {
        try
        {
            // A post's file is put in place, and its row written, under the files' lock, so a file that a
            // deletion frees meanwhile cannot be removed from under a post about to show it.
            lock (media.FilesLock)
            {
                using var work = storage.Write();
                foreach (var job in batch)
                {
                    job.Run(work);
                }
                work.Commit();
            }
        }
        catch (Exception e)
        {
            // No transaction, or no commit: nothing of any post in the batch was kept.
            foreach (var job in batch)
            {
                job.Fail(e);
            }
            return;
        }
        foreach (var job in batch)
        {
            job.Acknowledge();
        }
    }

    private abstract class Job
    {
        public abstract void Run(UnitOfWork work);
        public abstract void Fail(Exception e);
        public abstract void Acknowledge();
    }

    private sealed class Job<T>(Func<UnitOfWork, T> post) : Job
    {
        // Continuations run off the writer's thread, so an answer being sent never delays the next batch.
        private readonly TaskCompletionSource<T> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private (T Value, Exception? Error)? _outcome;

        public Task<T> Result => _result.Task;

        public override void Run(UnitOfWork work)
        {
            try
            {
                _outcome = (work.Part(() => post(work)), null);
            }
            catch (Exception e)
            {
                // This post was undone alone; the others in the transaction go on.
                _outcome = (default!, e);
            }
        }

        public override void Fail(Exception e) => _result.TrySetException(e);

        public override void Acknowledge()
        {
            if (_outcome is { Error: { } error })
            {
                _result.TrySetException(error);
            }
            else if (_outcome is { } done)
            {
                _result.TrySetResult(done.Value);
            }
        }
    }
}
