using AnonymousBoard.Boards;
using AnonymousBoard.Markup;

using AnonymousBoard.Site;

namespace AnonymousBoard.Reading;

/// <summary>The reading pages that are not a board's: the list of boards, and a pseudonym's posts.</summary>
public static class SitePages
{
    private const int PseudonymPostsShown = 200;

    /// <summary>GET /: the list of boards.</summary>
    public static IResult Boards(BoardDirectory boards) => CompressedPage.RenderedPage(BoardsPage.Create(boards.All));

    /// <summary>GET /pseudonym/{fingerprint}: every post signed by one key, across boards, newest first.</summary>
    public static IResult Pseudonym(string fingerprint, BoardDirectory boards, BoardReader reader)
    {
        // Fingerprints are lowercase base32 in dashed groups; anything else names no key.
        if (fingerprint.Length > 40 || !fingerprint.All(c => c is (>= 'a' and <= 'z') or (>= '2' and <= '7') or '-'))
        {
            return Results.NotFound();
        }
        var posts = reader.ListPseudonymPosts(fingerprint, PseudonymPostsShown)
            .Select(p => new PostView(p.BoardSlug, p.Post, []))
            .ToList();
        return CompressedPage.RenderedPage(PseudonymPage.Create(new PseudonymPageView(boards.All, fingerprint, new PostList(posts, UnderBoardNames: true))));
    }
}
