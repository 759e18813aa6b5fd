using AnonymousBoard.Storage;
using AnonymousBoard.Markup;
using AnonymousBoard.Reading;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AnonymousBoard.Pages;

/// <summary>/pseudonym/{fingerprint}: every post signed by one key, across boards.</summary>
public sealed class PseudonymModel(BoardReader store) : PageModel
{
    private const int Shown = 200;

    public string Fingerprint { get; private set; } = "";
    public int Count { get; private set; }
    public TrustedHtml Posts { get; private set; } = TrustedHtml.Empty;

    public IActionResult OnGet(string? fingerprint)
    {
        // Fingerprints are lowercase base32 in dashed groups; anything else (blank binds as null) names no key.
        if (fingerprint is null || fingerprint.Length > 40 || !fingerprint.All(c => c is (>= 'a' and <= 'z') or (>= '2' and <= '7') or '-'))
        {
            return NotFound();
        }
        Fingerprint = fingerprint;
        var posts = store.ListPseudonymPosts(fingerprint, Shown);
        Count = posts.Count;
        Posts = PostHtml.PostList(posts);
        return Page();
    }
}
