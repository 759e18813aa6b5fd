using AnonymousBoard.Posting;
using AnonymousBoard.Storage;
using AnonymousBoard.Storage.Sql;
using AnonymousBoard.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace AnonymousBoard.Tests.Posting;

/// <summary>
/// Group commit (Posting/GroupCommit): posts that arrive while a transaction is being written share the
/// next one, each answered only once it committed, and one that fails is undone without the others.
/// Run against the board's own storage (SQLite, or PostgreSQL in the PostgreSQL test project).
/// </summary>
public sealed class GroupCommitTests : IAsyncLifetime
{
    private readonly BoardServer _server = new();

    public async Task InitializeAsync()
    {
        await _server.InitializeAsync();
        using var work = Storage.Write();
        SqlUnitOfWork.Of(work).Execute("CREATE TABLE group_commit_probe (n bigint NOT NULL)");
        work.Commit();
    }

    public Task DisposeAsync() => _server.DisposeAsync();

    private IStorage Storage => _server.Services.GetRequiredService<IStorage>();

    private GroupCommit Writer => _server.Services.GetRequiredService<GroupCommit>();

    private static int Insert(UnitOfWork work, int n)
    {
        SqlUnitOfWork.Of(work).Execute("INSERT INTO group_commit_probe (n) VALUES (@n)", new { n });
        return n;
    }

    private List<long> Stored()
    {
        using var work = Storage.Read();
        return SqlUnitOfWork.Of(work).Query<long>("SELECT n FROM group_commit_probe ORDER BY n");
    }

    [Fact]
    public async Task Posts_waiting_while_a_transaction_is_written_share_the_next_one_and_a_failing_post_is_undone_alone()
    {
        using var holding = new SemaphoreSlim(0);
        using var started = new SemaphoreSlim(0);
        var transactions = new System.Collections.Concurrent.ConcurrentDictionary<int, UnitOfWork>();
        var first = Writer.Write(work =>
        {
            transactions[0] = work;
            started.Release();
            // Holds the writer inside its transaction while the others arrive.
            holding.Wait(TimeSpan.FromSeconds(30));
            return Insert(work, 0);
        });
        Assert.True(await started.WaitAsync(TimeSpan.FromSeconds(30)));

        var waiting = Enumerable.Range(1, 20).Select(n => Writer.Write(work =>
        {
            transactions[n] = work;
            Insert(work, n);
            // Post 13 writes its row, then fails: its row must go, the others' stay.
            return n == 13 ? throw new InvalidOperationException("post 13 fails after writing") : n;
        })).ToList();
        Assert.False(first.IsCompleted);
        Assert.DoesNotContain(waiting, t => t.IsCompleted);
        Assert.Equal([], Stored());
        holding.Release();

        Assert.Equal(0, await first);
        var failed = await Assert.ThrowsAsync<InvalidOperationException>(() => waiting[12]);
        Assert.Equal("post 13 fails after writing", failed.Message);
        foreach (var (task, n) in waiting.Select((t, i) => (t, i + 1)).Where(p => p.Item2 != 13))
        {
            Assert.Equal(n, await task);
        }
        // The twenty that waited were written in one transaction, not the first one's.
        Assert.Single(transactions.Where(t => t.Key > 0).Select(t => t.Value).Distinct());
        Assert.NotSame(transactions[0], transactions[1]);
        Assert.Equal(Enumerable.Range(0, 21).Where(n => n != 13).Select(n => (long)n), Stored());
    }
}
