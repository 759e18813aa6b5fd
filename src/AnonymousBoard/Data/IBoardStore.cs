using AnonymousBoard.Boards;
using AnonymousBoard.Markup;

namespace AnonymousBoard.Data;

/// <summary>
/// Every read and write of the board's data. Pages and commands talk to this, never to SQL, so a
/// second engine (PostgreSQL) can be added beside <see cref="SqliteBoardStore"/> without touching them.
/// </summary>
public interface IBoardStore
{
    IReadOnlyList<Board> ListBoards();
    Board? FindBoard(string slug);
    /// <summary>Creates the board; null when the slug is taken.</summary>
    Board? CreateBoard(string slug, string title, string description, BoardSettings settings);
    /// <summary>Replaces title, description and settings; false when there is no such board.</summary>
    bool UpdateBoard(string slug, string title, string description, BoardSettings settings);

    int CountLiveThreads(long boardId);
    /// <summary>Live threads in bump order (stickies first).</summary>
    IReadOnlyList<ThreadSummary> ListLiveThreads(long boardId, int offset, int count);
    /// <summary>A thread's opening post and its last <paramref name="lastReplies"/> replies.</summary>
    ThreadContent? GetThreadPreview(long boardId, long threadNo, int lastReplies);
    ThreadContent? GetThread(long boardId, long threadNo);

    PostOutcome CreatePost(Board board, PostDraft draft);
    /// <summary>Where a post is, with its self-deletion hash (null: none set), or NotFound.</summary>
    PostLookup FindPost(long boardId, long no);
    /// <summary>Deletes a post (a whole thread when it is the opening post).</summary>
    DeleteOutcome DeletePost(Board board, long no);

    /// <summary>The message, signature and key of a signed post, or null.</summary>
    SignedPost? GetSignedPost(long boardId, long no);
    /// <summary>The newest signed posts of one pseudonym (a key fingerprint), across boards.</summary>
    IReadOnlyList<PseudonymPost> ListPseudonymPosts(string fingerprint, int count);

    /// <summary>The newest post with this content hash made since <paramref name="since"/>, or null.</summary>
    PostOutcome.Duplicate? FindRecentDuplicate(long boardId, byte[] contentHash, DateTimeOffset since);

    /// <summary>True when any of these SHA-256 hashes (hex) is on the file ban list.</summary>
    bool IsFileBanned(IEnumerable<string> hashes);
    /// <summary>Adds hashes to the file ban list; returns how many were new.</summary>
    int AddFileBans(IEnumerable<string> hashes, string reason);
    /// <summary>True when some post still shows the image with this hash.</summary>
    bool IsFileUsed(string hash);

    /// <summary>Renders again every post stored by an older renderer; returns how many.</summary>
    int RerenderOutdated();
}

/// <param name="Hidden">Hidden pending review (reports, a filter): readers see a notice instead of the text.</param>
/// <param name="BannedMark">Staff marked it "USER WAS BANNED FOR THIS POST".</param>
public sealed record StoredPost(long No, long ThreadNo, DateTimeOffset CreatedAt, string Name, string Subject, TrustedHtml BodyHtml,
    bool Hidden = false, bool BannedMark = false)
{
    public string? Tripcode { get; init; }
    /// <summary>The signing key, when the post is signed.</summary>
    public byte[]? PublicKey { get; init; }
    public Media.PostFile? File { get; init; }
}

/// <summary>What anyone needs to check a signed post offline.</summary>
public sealed record SignedPost(string Message, string Signature, byte[] PublicKey);

/// <summary>A signed post listed on its pseudonym's page.</summary>
public sealed record PseudonymPost(string BoardSlug, StoredPost Post);

public sealed record ThreadSummary(
    long No, string Subject, string Excerpt, int ReplyCount, bool Sticky, bool Locked, bool Archived, DateTimeOffset BumpedAt,
    bool BumpLocked = false);

/// <summary>Post <see cref="FromNo"/> (on board <see cref="FromBoard"/>) quotes post <see cref="ToNo"/>.</summary>
public sealed record Backlink(long ToNo, string FromBoard, long FromNo, long FromThreadNo);

/// <summary>A thread, or part of it (a preview), with the backlinks of the posts shown.</summary>
public sealed record ThreadContent(ThreadSummary Thread, IReadOnlyList<StoredPost> Posts, int OmittedReplies, IReadOnlyList<Backlink> Backlinks);

/// <summary>A thread whose pages must be built again after a write.</summary>
public readonly record struct ThreadRef(long BoardId, long ThreadNo);

/// <summary>A validated post, ready to be written. <see cref="Held"/>: hidden and put in the report queue, in the same transaction.</summary>
public sealed record PostDraft(
    long? ThreadNo, string Name, string Subject, string Body, bool Sage, string? DeleteHash, byte[] ContentHash,
    DateTimeOffset Now, TimeSpan DuplicateWindow, bool Held = false)
{
    public AnonymousBoard.Identity.PostIdentity Identity { get; init; } = AnonymousBoard.Identity.PostIdentity.None;
    /// <summary>The post's image, already stored under its hash.</summary>
    public Media.PostFile? File { get; init; }
    /// <summary>What bans and "delete everything by" match on later; written with the post.</summary>
    public Moderation.PosterIdentity Poster { get; init; } = Moderation.PosterIdentity.None;
}

public abstract record PostOutcome
{
    private PostOutcome() { }
    /// <param name="FreedFiles">Image hashes no post uses any more (threads pruned): their files can go.</param>
    public sealed record Created(long No, long ThreadNo, IReadOnlyList<ThreadRef> Touched, IReadOnlyList<string> FreedFiles) : PostOutcome;
    /// <summary>The same post was just made (a double click): the first one is the answer.</summary>
    public sealed record Duplicate(long No, long ThreadNo) : PostOutcome;
    public sealed record ThreadNotFound : PostOutcome;
    public sealed record ThreadClosed(string Why) : PostOutcome;
    /// <summary>This exact signature is already on the board: a copy, not its author.</summary>
    public sealed record SignatureReused(long No, long ThreadNo) : PostOutcome;
}

public abstract record PostLookup
{
    private PostLookup() { }
    public sealed record Found(long ThreadNo, string? DeleteHash) : PostLookup;
    public sealed record NotFound : PostLookup;
}

public abstract record DeleteOutcome
{
    private DeleteOutcome() { }
    public sealed record Deleted(long ThreadNo, bool WasThread, IReadOnlyList<ThreadRef> Touched, IReadOnlyList<string> FreedFiles) : DeleteOutcome;
    public sealed record NotFound : DeleteOutcome;
}
