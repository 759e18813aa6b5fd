using AnonymousBoard.Storage;

namespace AnonymousBoard.Markup;

/// <summary>The rows rendering needs: quote targets, a post's source, its stored rendering and quotes.</summary>
public interface IMarkupStore
{
    /// <summary>Post <paramref name="no"/> of the board <paramref name="boardSlug"/>, or where it went when staff moved its thread.</summary>
    QuoteTarget? FindQuoted(UnitOfWork work, string boardSlug, long no);
    bool BoardExists(UnitOfWork work, string boardSlug);
    PostSource? FindSource(UnitOfWork work, long postId);
    void SaveRendering(UnitOfWork work, long postId, TrustedHtml html, int rendererVersion);
    /// <summary>Replaces the list of posts that post <paramref name="postId"/> quotes.</summary>
    void SaveQuotes(UnitOfWork work, long postId, IReadOnlyList<QuoteTarget> quotes);
    /// <summary>The ids of the posts that quote post <paramref name="no"/> of the board.</summary>
    IReadOnlyList<long> ListQuoters(UnitOfWork work, long boardId, long no);
    /// <summary>The ids of the posts rendered by another renderer version than <paramref name="rendererVersion"/>.</summary>
    IReadOnlyList<long> ListOutdated(UnitOfWork work, int rendererVersion);
}

/// <summary>What a post is rendered from.</summary>
public sealed record PostSource(long BoardId, string BoardSlug, long ThreadNo, string Body);
