using AnonymousBoard.Reading;
using AnonymousBoard.Settings;
using AnonymousBoard.Storage;
using Microsoft.Extensions.Options;

namespace AnonymousBoard.Tests.Board;

/// <summary>
/// The page cache holds at most Board:PageCacheMegabytes of prepared pages: past it, the pages read least
/// recently go (and are built again when next read), so a large board read all over keeps its memory flat.
/// </summary>
public sealed class PageCacheBoundTests
{
    private const int Megabyte = 1024 * 1024;

    private static ReadDocument Page(int kilobytes, int n) =>
        ReadDocument.Of(Enumerable.Repeat((byte)('a' + n % 26), kilobytes * 1024).ToArray(), DateTimeOffset.UnixEpoch);

    [Fact]
    public void The_cache_stays_within_its_limit_and_keeps_the_pages_read_most_recently()
    {
        var cache = new PageCache(Options.Create(new BoardOptions { PageCacheMegabytes = 1 }));
        var builds = new Dictionary<long, int>();
        ReadDocument Read(long thread) => cache.Thread("thread.json", new ThreadRef(1, thread), "shape", () =>
        {
            builds[thread] = builds.GetValueOrDefault(thread) + 1;
            return Page(50, (int)thread);
        });

        // 100 pages of 50 KiB: five times the limit. Page 1 is read again between every two others.
        for (var thread = 2; thread <= 101; thread++)
        {
            Read(1);
            Read(thread);
            Assert.True(cache.Bytes <= Megabyte, $"{cache.Bytes} bytes held after page {thread}");
        }
        Assert.True(cache.Bytes >= Megabyte / 2, $"only {cache.Bytes} bytes held: the cache let go of more than it had to");

        // The page read all along was never dropped; the first others were, and come back as they were.
        Assert.Equal(1, builds[1]);
        var again = Read(2);
        Assert.Equal(2, builds[2]);
        Assert.Equal(Page(50, 2).Bytes.ToArray(), again.Bytes.ToArray());
        // The last ones are still held.
        Read(101);
        Assert.Equal(1, builds[101]);
    }
}
