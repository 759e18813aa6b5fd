using AnonymousBoard.Boards;
using AnonymousBoard.Markup;

namespace AnonymousBoard.Identity;

/// <summary>
/// The three files that let anyone check a signed post offline with the standard tool:
/// <c>ssh-keygen -Y verify -f allowed_signers -I anonboard -n anonboard -s message.txt.sig &lt; message.txt</c>.
/// </summary>
public static class SignedPostFiles
{
    /// <summary>The principal named in allowed_signers and in the verify command.</summary>
    public const string Principal = "anonboard";

    public static string VerifyCommand =>
        $"ssh-keygen -Y verify -f allowed_signers -I {Principal} -n {SshSignature.Namespace} -s message.txt.sig < message.txt";

    /// <summary>GET /{board}/signed/{no}: how to check the post offline, and links to its files.</summary>
    public static IResult Page(string board, long no, BoardDirectory boards, SignedPosts store)
    {
        ArgumentNullException.ThrowIfNull(boards);
        ArgumentNullException.ThrowIfNull(store);
        if (boards.Find(board) is not { } found || store.Find(found.Id, no) is not { } signed)
        {
            return Results.NotFound();
        }
        return Templates.Page(SignedPage.Create(new SignedPageView(boards.All, found.Slug, no, signed.ThreadNo, signed, Fingerprint.Of(signed.PublicKey))));
    }

    /// <summary>GET /signing: the long explanation behind the short hints on every posting form.</summary>
    public static IResult Help(BoardDirectory boards)
    {
        ArgumentNullException.ThrowIfNull(boards);
        return Templates.Page(SigningPage.Create(boards.All));
    }

    /// <summary>GET /{board}/signed/{no}/{file}: message.txt, message.txt.sig or allowed_signers of a signed post.</summary>
    public static IResult Serve(string board, long no, string file, BoardDirectory boards, SignedPosts store)
    {
        ArgumentNullException.ThrowIfNull(boards);
        ArgumentNullException.ThrowIfNull(store);
        if (boards.Find(board) is not { } found || store.Find(found.Id, no) is not { } signed)
        {
            return Results.NotFound();
        }
        return file switch
        {
            "message.txt" => Text(signed.Message),
            "message.txt.sig" => Text(signed.Signature.TrimEnd() + "\n"),
            "allowed_signers" => Text(OpenSshKeys.FormatAllowedSigner(Principal, signed.PublicKey) + "\n"),
            _ => Results.NotFound(),
        };
    }

    // Exact bytes, UTF-8, no BOM: the signature covers them as they are.
    private static IResult Text(string text) => Results.Bytes(System.Text.Encoding.UTF8.GetBytes(text), "text/plain; charset=utf-8");
}

/// <summary>A signed post's page (Identity/SignedPage.cshtml).</summary>
public sealed record SignedPageView(IReadOnlyList<Board> Boards, string BoardSlug, long No, long ThreadNo, SignedPost Post, string Fingerprint);
