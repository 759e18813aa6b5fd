using AnonymousBoard.Boards;
using AnonymousBoard.Moderation;
using Microsoft.AspNetCore.Mvc;

namespace AnonymousBoard.Pages.StaffPages;

/// <summary>/mod/post/{board}/{no}: one post with the actions the member may take on it.</summary>
public sealed class ModPostModel(BoardDirectory boards, PostModeration moderation) : StaffPageModel
{
    public string BoardSlug { get; private set; } = "";
    public long No { get; private set; }
    public StaffPostView? Post { get; private set; }
    public IReadOnlyList<PostAction> Actions { get; private set; } = [];
    public IReadOnlyList<string> MoveTargets { get; private set; } = [];

    public IActionResult OnGet(string board, long no) => Load(board, no) ? Page() : NotFound();

    public IActionResult OnPost(string board, long no, [FromForm(Name = "action")] string? action, [FromForm(Name = "reason")] string? reason,
        [FromForm(Name = "to")] string? to)
    {
        var result = moderation.ActOnPost(Staff, board, no, action ?? "", reason, to);
        Load(board, no);
        return Show(result);
    }

    /// <summary>The post's and its thread's state in words, e.g. "Post: hidden pending review, file. Thread: locked, sticky."</summary>
    public static string Marks(StaffPostView post)
    {
        ArgumentNullException.ThrowIfNull(post);
        string[] postMarks = [
            .. post.Hidden ? ["hidden pending review"] : Array.Empty<string>(),
            .. post.BannedMark ? ["marked \"USER WAS BANNED FOR THIS POST\""] : Array.Empty<string>(),
            .. post.HasFile ? [post.FileSpoiler ? "file (spoiler)" : "file"] : Array.Empty<string>(),
        ];
        string[] threadMarks = [
            post.Locked ? "locked" : "open",
            .. post.Sticky ? ["sticky"] : Array.Empty<string>(),
            .. post.BumpLocked ? ["bump-locked"] : Array.Empty<string>(),
        ];
        return $"Post: {(postMarks.Length == 0 ? "no marks" : string.Join(", ", postMarks))}. Thread: {string.Join(", ", threadMarks)}.";
    }

    private bool Load(string board, long no)
    {
        (BoardSlug, No) = (board, no);
        if (boards.Find(board) is not { } b)
        {
            return false;
        }
        Post = moderation.GetPost(b.Id, no);
        if (Post is null)
        {
            return false;
        }
        MoveTargets = boards.All.Where(x => x.Id != b.Id && Staff.May(StaffRight.MoveThread, x.Id)).Select(x => x.Slug).ToList();
        Actions = PostModeration.PostActions
            .Where(a => Staff.May(a.Permission, b.Id) && PostModeration.Changes(a, Post) && (a.Name != "move" || MoveTargets.Count > 0))
            .ToList();
        return true;
    }
}
