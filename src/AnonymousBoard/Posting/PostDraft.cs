using AnonymousBoard.Identity;
using AnonymousBoard.Media;
using AnonymousBoard.Gate;

namespace AnonymousBoard.Posting;

/// <summary>A validated post, ready to be written. <see cref="Held"/>: hidden and put in the report queue, in the same transaction.</summary>
public sealed record PostDraft(
    long? ThreadNo, string Name, string Subject, string Body, bool Sage, string? DeleteHash, byte[] ContentHash,
    DateTimeOffset Now, TimeSpan DuplicateWindow, bool Held = false)
{
    public PostIdentity Identity { get; init; } = PostIdentity.None;
    /// <summary>The post's image, already stored under its hash.</summary>
    public PostFile? File { get; init; }
    /// <summary>What bans and "delete everything by" match on later; written with the post.</summary>
    public PosterIdentity Poster { get; init; } = PosterIdentity.None;
}

/// <summary>What became of a draft at the database.</summary>
public abstract record PostOutcome
{
    private PostOutcome() { }
    public sealed record Created(long No, long ThreadNo) : PostOutcome;
    /// <summary>The same post was just made (a double click): the first one is the answer.</summary>
    public sealed record Duplicate(long No, long ThreadNo) : PostOutcome;
    public sealed record ThreadNotFound : PostOutcome;
    public sealed record ThreadClosed(string Why) : PostOutcome;
    /// <summary>This exact signature is already on the board: a copy, not its author.</summary>
    public sealed record SignatureReused(long No, long ThreadNo) : PostOutcome;
}
