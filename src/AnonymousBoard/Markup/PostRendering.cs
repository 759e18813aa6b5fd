using AnonymousBoard.Storage;

namespace AnonymousBoard.Markup;

/// <summary>
/// Rendering inside a unit of work: a new post's body, and the posts whose links changed meaning
/// (the post they quote was deleted or moved) or whose renderer is out of date. Quote links are
/// resolved in the same transaction, so they see what it sees.
/// </summary>
public sealed class PostRendering(IMarkupStore store)
{
    public RenderedBody Render(UnitOfWork work, string body, string boardSlug, long threadNo) =>
        PostMarkup.Render(body, boardSlug, threadNo, new Resolver(store, work));

    /// <summary>
    /// Records whom a newly written post quotes, and touches the threads of the quoted posts as grown: their
    /// backlinks gained this post, nothing else of them changed (a re-rendered post's quotes go through <see cref="Rerender"/>).
    /// </summary>
    public void SaveQuotes(UnitOfWork work, long postId, RenderedBody rendered)
    {
        store.SaveQuotes(work, postId, rendered.Quotes);
        work.TouchQuoted(rendered.Quotes.Select(q => new QuotedPost(new ThreadRef(q.BoardId, q.ThreadNo), q.No)));
    }

    /// <summary>Renders a stored post again from its source; its thread's pages are touched.</summary>
    public void Rerender(UnitOfWork work, long postId)
    {
        var post = store.FindSource(work, postId) ?? throw new InvalidOperationException($"Post id {postId} is not in the database.");
        var rendered = Render(work, post.Body, post.BoardSlug, post.ThreadNo);
        store.SaveRendering(work, postId, rendered.Html, PostMarkup.Version);
        store.SaveQuotes(work, postId, rendered.Quotes);
        work.Touch(new ThreadRef(post.BoardId, post.ThreadNo));
    }

    /// <summary>A quote of a deleted (or moved) post must stop linking to where it was: its quoters are rendered again.</summary>
    public void RerenderQuotersOf(UnitOfWork work, long boardId, IEnumerable<long> nos)
    {
        foreach (var id in nos.SelectMany(no => store.ListQuoters(work, boardId, no)).Distinct().ToList())
        {
            Rerender(work, id);
        }
    }

    /// <summary>Renders again every post stored by an older renderer, in one unit of work; returns how many.</summary>
    public int RerenderOutdated(IStorage storage)
    {
        using var work = storage.Write();
        var outdated = store.ListOutdated(work, PostMarkup.Version);
        foreach (var id in outdated)
        {
            Rerender(work, id);
        }
        work.Commit();
        return outdated.Count;
    }

    private sealed class Resolver(IMarkupStore store, UnitOfWork work) : IQuoteResolver
    {
        public QuoteTarget? FindPost(string boardSlug, long no) => store.FindQuoted(work, boardSlug, no);

        public bool BoardExists(string boardSlug) => store.BoardExists(work, boardSlug);
    }
}
