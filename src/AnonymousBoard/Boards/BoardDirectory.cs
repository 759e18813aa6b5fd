using AnonymousBoard.Data;

namespace AnonymousBoard.Boards;

/// <summary>
/// The list of boards, read on nearly every request (navigation, route lookup), kept in memory.
/// Refreshed after writes made here and at least every few seconds, so a board created from the
/// command line while the board runs shows up without a restart.
/// </summary>
public sealed class BoardDirectory(IBoardStore store, TimeProvider time)
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(2);
    private volatile Snapshot? _snapshot;

    private sealed record Snapshot(IReadOnlyList<Board> Boards, Dictionary<string, Board> BySlug, DateTimeOffset ReadAt);

    public IReadOnlyList<Board> All => Current().Boards;

    public Board? Find(string slug) => Current().BySlug.GetValueOrDefault(slug);

    public void Invalidate() => _snapshot = null;

    private Snapshot Current()
    {
        var snapshot = _snapshot;
        var now = time.GetUtcNow();
        if (snapshot is null || now - snapshot.ReadAt > MaxAge)
        {
            var boards = store.ListBoards();
            snapshot = new Snapshot(boards, boards.ToDictionary(b => b.Slug, StringComparer.Ordinal), now);
            _snapshot = snapshot;
        }
        return snapshot;
    }
}
