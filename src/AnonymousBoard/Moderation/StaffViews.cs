using AnonymousBoard.Boards;
using AnonymousBoard.Gate;
using AnonymousBoard.Reading;

namespace AnonymousBoard.Moderation;

/// <summary>The staff start page (Moderation/StaffHome.cshtml): the boards the member covers and their open reports.</summary>
public sealed record StaffHomeView(StaffFrame Frame, IReadOnlyList<Board> Covered, IReadOnlyList<ReportGroup> Queue);

/// <summary>The sign-in page (Moderation/SignInPage.cshtml); <paramref name="Name"/> is given back after a refusal, the password never.</summary>
public sealed record SignInView(IReadOnlyList<Board> Boards, ModPaths Paths, string Token, string? Name, string? Error, int IdleMinutes);

/// <summary>
/// One post's staff page (Moderation/StaffPostPage.cshtml): the post as every page writes it (<paramref name="Article"/>,
/// Reading/PostArticle.cshtml) and what only staff see of it (<paramref name="Post"/>); both are absent when it is gone.
/// </summary>
public sealed record StaffPostPageView(StaffFrame Frame, string BoardSlug, long No, StaffPostView? Post, PostView? Article,
    IReadOnlyList<PostAction> Actions, IReadOnlyList<string> MoveTargets)
{
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
}

/// <summary>What the new-ban form is filled with: the link from a post, or what was typed before a refusal.</summary>
public sealed record BanForm(string? Board = null, string? Kind = null, string? Value = null, string? Hours = null, string? Reason = null);

/// <summary>Bans and appeals (Moderation/BansPage.cshtml).</summary>
public sealed record BansPageView(StaffFrame Frame, IReadOnlyList<string> BoardSlugs, IReadOnlyList<Ban> Active, IReadOnlyList<Appeal> Appeals, BanForm Form);

/// <summary>Filters (Moderation/FiltersPage.cshtml); the pattern is given back after a refusal.</summary>
public sealed record FiltersPageView(StaffFrame Frame, IReadOnlyList<string> BoardSlugs, IReadOnlyList<FilterRule> Rules, string? FormPattern);

/// <summary>Delete everything by a poster (Moderation/PurgePage.cshtml): what was asked, and what would go once previewed.</summary>
public sealed record PurgePageView(StaffFrame Frame, string? Kind, string? Value, IReadOnlyList<PurgeItem>? Items);

/// <summary>What the board form shows: a board being edited, a new one, or what was typed before a refusal.</summary>
public sealed record BoardForm(string? Slug, string? Title, string? Description, string? Rules, int AutoHide, BoardSettings Settings)
{
    public static readonly BoardForm New = new(null, null, null, null, 0, new BoardSettings());
}

/// <summary>Creating and editing boards (Moderation/BoardSettingsPage.cshtml).</summary>
public sealed record BoardSettingsPageView(StaffFrame Frame, IReadOnlyList<Board> All, BoardForm Form, bool Editing);

/// <summary>A member as the staff list shows them, with the boards they cover in words.</summary>
public sealed record StaffRow(StaffMember Member, string Scope);

/// <summary>The staff list and the form to add a member (Moderation/StaffListPage.cshtml).</summary>
public sealed record StaffListPageView(StaffFrame Frame, IReadOnlyList<StaffRow> Members);

/// <summary>A board's live threads as staff see them (Moderation/StaffBoardPage.cshtml).</summary>
public sealed record StaffBoardPageView(StaffFrame Frame, Board Board, IReadOnlyList<ThreadSummary> Threads);

/// <summary>A thread as staff see it (Moderation/StaffThreadPage.cshtml): every post with its "mod" link, built per request.</summary>
public sealed record StaffThreadPageView(StaffFrame Frame, Board Board, long No, string Title, PostList Posts);
