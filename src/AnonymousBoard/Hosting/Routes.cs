using AnonymousBoard.Api;
using AnonymousBoard.Feeds;
using AnonymousBoard.Identity;
using AnonymousBoard.Media;
using AnonymousBoard.Moderation;
using AnonymousBoard.Posting;
using AnonymousBoard.Reading;
using AnonymousBoard.Search;
using AnonymousBoard.Site;

namespace AnonymousBoard.Hosting;

/// <summary>
/// Every URL the board answers, its methods and what handles it, in one table read top to bottom.
/// A handler is a plain static method of its feature; its page is a template beside it.
/// Staff URLs are written "/mod/..." and served under Board:Moderation:Path.
/// </summary>
public static class Routes
{
    /// <summary>One URL answered by a handler: GET also answers HEAD.</summary>
    public sealed record Route(string Template, string Methods, Delegate Handler);

    public static readonly IReadOnlyList<Route> Table =
    [
        // Reading
        new("/", "GET", SitePages.Boards),                                                  // the list of boards
        new("/{board:slug}/", "GET", BoardPages.Index),                                     // a board's first page, with the form for a new thread
        new("/{board:slug}/page/{pageNo:int}", "GET", BoardPages.Index),                    // its further pages
        new("/{board:slug}/catalog", "GET", BoardPages.Catalog),
        new("/{board:slug}/thread/{no:long}", "GET", BoardPages.Thread),                    // a thread, with the reply form
        new("/{board:slug}/archive", "GET", BoardPages.Archive),                            // archived threads, newest first; ?page=N
        new("/search", "GET", SearchPages.Everywhere),                                      // search every board: ?q=...&page=N
        new("/{board:slug}/search", "GET", SearchPages.OnBoard),                            // search one board
        new("/pseudonym/{fingerprint}", "GET", SitePages.Pseudonym),                        // every post one key signed
        new("/{board:slug}/rules", "GET", ReaderPages.Rules),
        new("/{board:slug}/signed/{no:long}", "GET", SignedPostFiles.Page),                 // how to check a signed post
        new("/{board:slug}/signed/{no:long}/{file}", "GET", SignedPostFiles.Serve),         // message.txt, message.txt.sig, allowed_signers
        new("/signing", "GET", SignedPostFiles.Help),                                       // how to sign posts
        new("/modlog", "GET", ReaderPages.Modlog),                                          // the public moderation log
        new("/modlog.txt", "GET", ModLogExportEndpoint.Serve),                              // the whole signed log
        new(StyleSheet.Url, "GET", StyleSheet.Serve),                                       // the one stylesheet, named by its hash
        new("/media/{shard}/{name}", "GET", MediaFiles.Serve),                            // images and thumbnails
        // Posting: a refused form comes back with everything typed; success is a 303 to the result
        new("/{board:slug}/post", "GET", PostingPages.ToBoard),                             // the form lives on the board's pages
        new("/{board:slug}/post", "POST", PostingPages.Submit),                             // a new thread or a reply
        new("/{board:slug}/delete", "GET", PostingPages.ToBoard),
        new("/{board:slug}/delete", "POST", PostingPages.Delete),                           // a poster deletes their own post
        new("/{board:slug}/report/{no:long}", "GET", ReaderPages.ReportForm),
        new("/{board:slug}/report/{no:long}", "POST", ReaderPages.Report),
        new("/appeal", "GET", ReaderPages.AppealForm),                                      // a banned poster appeals
        new("/appeal", "POST", ReaderPages.Appeal),
        new("/error/{code:int}", "any", Errors.Show),                                       // every error status re-executes here, with its own method
        // The JSON API at 4chan's paths (Api/JsonApi.cs); every document answers If-Modified-Since with 304.
        new("/boards.json", "GET", JsonApi.BoardsJson),                                     // every board and the limits clients read
        new("/{board:slug}/threads.json", "GET", JsonApi.ThreadsJson),                      // thread numbers by page, with last_modified
        new("/{board:slug}/catalog.json", "GET", JsonApi.CatalogJson),                      // every live thread's opening post and last replies
        new("/{board:slug}/archive.json", "GET", JsonApi.ArchiveJson),                      // the archived threads' numbers
        new("/{board:slug}/{page:int}.json", "GET", JsonApi.PageJson),                      // index pages, from 1
        new("/{board:slug}/thread/{no:long}.json", "GET", JsonApi.ThreadJson),
        new("/{board:slug}/{file:regex(^\\d+s?\\.(jpg|png|gif|webp)$)}", "GET", JsonApi.FileByTim), // a post's file as {tim}.ext, its thumbnail as {tim}s.jpg
        // Atom feeds (Feeds/AtomFeeds.cs), answering If-Modified-Since as the JSON does.
        new("/{board:slug}/threads.atom", "GET", AtomFeeds.NewThreadsFeed),                 // new threads
        new("/{board:slug}/active.atom", "GET", AtomFeeds.ActiveThreadsFeed),               // live threads in bump order
        new("/{board:slug}/thread/{no:long}.atom", "GET", AtomFeeds.ThreadFeed),            // a thread's replies
        // Staff
        new("/mod", "GET", StaffPostPages.Home),                                            // reports queue; open a post by number
        new("/mod/login", "GET POST", SignInPages.SignIn),
        new("/mod/logout", "GET POST", SignInPages.SignOut),
        new("/mod/post/{board:slug}/{no:long}", "GET POST", StaffPostPages.Post),          // a post and the actions on it
        new("/mod/thread/{board:slug}/{no:long}", "GET", StaffReadingPages.Thread),
        new("/mod/board/{board:slug}", "GET", StaffReadingPages.Board),
        new("/mod/bans", "GET POST", StaffRulePages.Bans),                                  // ?handler=ban, lift, answer
        new("/mod/filters", "GET POST", StaffRulePages.Filters),                            // ?handler=add, remove
        new("/mod/purge", "GET POST", StaffPostPages.Purge),                                // delete everything by one poster
        new("/mod/boards", "GET POST", StaffAdminPages.Boards),                             // ?handler=create, update
        new("/mod/staff", "GET POST", StaffAdminPages.Staff),                               // ?handler=add, remove
    ];

    /// <summary>Maps the table, staff URLs under <paramref name="modSegment"/>.</summary>
    public static void MapEndpoints(WebApplication app, string modSegment)
    {
        ArgumentNullException.ThrowIfNull(app);
        foreach (var route in Table)
        {
            if (route.Methods == "any")
            {
                app.Map(route.Template, route.Handler);
                continue;
            }
            var methods = route.Methods.Split(' ');
            app.MapMethods(StaffUnder(route.Template, modSegment), methods.Contains("GET") ? [.. methods, "HEAD"] : methods, route.Handler);
        }
    }

    /// <summary>A template as served: "/mod/..." becomes "/{modSegment}/..."; any other is as written.</summary>
    public static string StaffUnder(string template, string modSegment)
    {
        ArgumentNullException.ThrowIfNull(template);
        var relative = template.TrimStart('/');
        return relative == "mod" || relative.StartsWith("mod/", StringComparison.Ordinal) ? "/" + modSegment + relative[3..] : template;
    }
}
