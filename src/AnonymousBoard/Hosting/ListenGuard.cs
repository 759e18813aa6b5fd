using System.Net;

namespace AnonymousBoard.Hosting;

/// <summary>Refuses to listen anywhere but loopback unless the operator asked for it by name.</summary>
public static class ListenGuard
{
    public const string DefaultUrl = "http://127.0.0.1:8080";

    /// <summary>Null when every URL is on loopback; otherwise the message to stop with.</summary>
    public static string? Check(IEnumerable<string> urls, bool allowPublic)
    {
        if (allowPublic)
        {
            return null;
        }
        foreach (var url in urls)
        {
            if (!IsLoopback(url))
            {
                return $"Refusing to listen on {url}: a board that answers on a public address can reveal where an onion service is hosted. "
                    + "Listen on 127.0.0.1 or a unix socket (Board:UnixSocket), or set Board:AllowPublicListen=true if you mean it.";
            }
        }
        return null;
    }

    private static bool IsLoopback(string url)
    {
        // Kestrel's wildcards ("http://*:80", "http://+:80") are not valid URIs: treat them as public.
        if (!Uri.TryCreate(url.Replace("*", "wildcard.invalid", StringComparison.Ordinal).Replace("+", "wildcard.invalid", StringComparison.Ordinal),
                UriKind.Absolute, out var uri))
        {
            return false;
        }
        if (uri.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        return IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address);
    }
}
