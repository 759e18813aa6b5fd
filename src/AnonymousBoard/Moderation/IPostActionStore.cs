using AnonymousBoard.Gate;
using AnonymousBoard.Storage;

namespace AnonymousBoard.Moderation;

/// <summary>The rows staff actions on one post or thread read and change (deletion goes through posting's removal).</summary>
public interface IPostActionStore
{
    /// <summary>A post as staff see it, with its thread's flags, its poster's identity and its reports.</summary>
    StaffPostView? FindPost(UnitOfWork work, long boardId, long no);
    void SetPostMark(UnitOfWork work, long postId, PostMark mark, bool enable);
    /// <summary>The hash of the post's image, or null when it has none.</summary>
    string? FindFile(UnitOfWork work, long postId);
    void RemoveFile(UnitOfWork work, long postId);
    void SpoilerFile(UnitOfWork work, long postId);
    void SetThreadMark(UnitOfWork work, long boardId, long threadNo, ThreadMark mark, bool enable);
}

public enum PostMark
{
    Hidden,
    BannedForThisPost,
}

public enum ThreadMark
{
    Sticky,
    Locked,
    BumpLocked,
}

/// <summary>
/// What only staff see of a post: its source text, its marks, its thread's flags, its reports, what is known of its
/// poster. Its header (name, subject, time …) is the post's own, written by Reading/PostArticle for staff as for readers.
/// </summary>
public sealed record StaffPostView(
    long Id, long BoardId, long No, long ThreadNo, string Body,
    bool Hidden, bool BannedMark, bool Sticky, bool Locked, bool BumpLocked, IReadOnlyList<Report> Reports, PosterIdentity Identity,
    bool HasFile, bool FileSpoiler)
{
    public bool IsThread => No == ThreadNo;
}
