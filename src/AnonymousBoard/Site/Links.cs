namespace AnonymousBoard.Site;

/// <summary>The addresses of threads and posts, as every page writes them.</summary>
public static class Links
{
    public static string Thread(string board, long threadNo) => $"/{board}/thread/{threadNo}";

    public static string SignedPost(string board, long no) => $"/{board}/signed/{no}";

    public static string Search(string board) => $"/{board}/search";

    public static string Archive(string board) => $"/{board}/archive";

    public static string NewThreadsFeed(string board) => $"/{board}/threads.atom";

    public static string ActiveThreadsFeed(string board) => $"/{board}/active.atom";

    public static string ThreadFeed(string board, long threadNo) => $"/{board}/thread/{threadNo}.atom";
}
