using AnonymousBoard.Storage;

namespace AnonymousBoard.Boards;

/// <summary>Per-board moderation settings: the rules text, and how many reports hide a post.</summary>
public sealed record BoardPolicy(string Rules, int AutoHideReports)
{
    public static readonly BoardPolicy Default = new("", 0);
}

/// <summary>
/// Per-board rules and report threshold, read when a board's posting forms are prepared (the page cache keeps
/// those until a board changes), on the rules page, and when a report is filed: not on every page, so not cached.
/// </summary>
public sealed class BoardPolicies(IStorage storage, IBoardPolicyStore store)
{
    public BoardPolicy Get(long boardId)
    {
        using var work = storage.Read();
        return store.Find(work, boardId) ?? BoardPolicy.Default;
    }
}
