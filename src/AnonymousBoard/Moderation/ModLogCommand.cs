using System.Net;
using AnonymousBoard.Storage;
using AnonymousBoard.Settings;

namespace AnonymousBoard.Moderation;

/// <summary><c>modlog verify FILE_OR_URL [--against FILE_OR_URL|local] [--key HEX] [--proxy URL] | export</c></summary>
public static class ModLogCommand
{
    private const string Help = """
        Usage:
          modlog verify FILE_OR_URL [--against FILE_OR_URL|local] [--key HEX] [--proxy socks5://127.0.0.1:9050]
          modlog export
        verify checks a copy of /modlog.txt: the hash chain and every signature. With --against it
        also checks a second copy (the live log: its URL, or "local" for this board's database) and
        reports the first entry where the two disagree. --key pins the public key you trust (from an
        earlier copy); without it the key named in the copy is used. --proxy fetches URLs through
        tor's SOCKS port. export prints this board's log in the /modlog.txt format.
        Exit status: 0 when everything checks out, 1 when something does not, 2 for bad usage.
        """;

    public static int Run(CommandContext context, string[] args)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length == 0)
        {
            return context.Usage("modlog needs a subcommand.\n" + Help);
        }
        switch (args[0])
        {
            case "export":
                context.Out.Write(context.Get<ModLogReader>().Export());
                return 0;
            case "verify":
                return Verify(context, args[1..]);
            case "help" or "--help":
                context.Out.WriteLine(Help);
                return 0;
            default:
                return context.Usage($"unknown modlog subcommand \"{args[0]}\".\n" + Help);
        }
    }

    private static int Verify(CommandContext context, string[] args)
    {
        string? source = null, against = null, key = null, proxy = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--against" when i + 1 < args.Length: against = args[++i]; break;
                case "--key" when i + 1 < args.Length: key = args[++i]; break;
                case "--proxy" when i + 1 < args.Length: proxy = args[++i]; break;
                case var a when !a.StartsWith("--", StringComparison.Ordinal) && source is null: source = a; break;
                default: return context.Usage($"unknown or incomplete option {args[i]}.\n" + Help);
            }
        }
        if (source is null)
        {
            return context.Usage("modlog verify needs a file or URL.\n" + Help);
        }
        ModLogCopy archived, live;
        try
        {
            archived = ModLogVerifier.Parse(Read(context, source, proxy));
            live = against is null ? archived : ModLogVerifier.Parse(Read(context, against, proxy));
        }
        catch (Exception e) when (e is IOException or HttpRequestException or UnauthorizedAccessException or TaskCanceledException or UriFormatException)
        {
            context.Error.WriteLine($"error: cannot read the log: {e.Message}");
            return 1;
        }
        var verdict = against is null ? ModLogVerifier.Verify(archived, key) : ModLogVerifier.Compare(archived, live, key);
        if (verdict.Ok)
        {
            context.Out.WriteLine($"ok: {verdict.Message}");
            return 0;
        }
        context.Out.WriteLine($"FAILED at entry {verdict.Seq?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}: {verdict.Message}");
        return 1;
    }

    private static string Read(CommandContext context, string source, string? proxy)
    {
        if (source == "local")
        {
            return context.Get<ModLogReader>().Export();
        }
        if (source.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || source.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            using var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false, CheckCertificateRevocationList = true };
            if (proxy is not null)
            {
                handler.Proxy = new WebProxy(new Uri(proxy));
                handler.UseProxy = true;
            }
            using var client = new HttpClient(handler) { Timeout = TimeSpan.FromMinutes(2) };
            return client.GetStringAsync(new Uri(source)).GetAwaiter().GetResult();
        }
        return File.ReadAllText(source);
    }
}

public static class ModLogExportEndpoint
{
    /// <summary>GET /modlog.txt: the whole log in its archivable form, oldest first.</summary>
    public static IResult Serve(ModLogReader log) =>
        Results.Text(log.Export(), "text/plain; charset=utf-8");
}
