namespace AnonymousBoard.Site;

/// <summary>The addresses of threads and posts, as every page writes them.</summary>
public static class Links
{
    public static string Thread(string board, long threadNo) => $"/{board}/thread/{threadNo}";

    public static string SignedPost(string board, long no) => $"/{board}/signed/{no}";
}
