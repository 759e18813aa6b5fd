using System.Globalization;
using AnonymousBoard.Boards;
using AnonymousBoard.Storage;
using AnonymousBoard.Identity;
using AnonymousBoard.Markup;

namespace AnonymousBoard.Reading;

/// <summary>
/// The HTML of posts and thread previews. Built in code rather than Razor because it is cached
/// and served many times; every value from a person goes through <see cref="HtmlWriter.Text(string?)"/>.
/// </summary>
public static class PostHtml
{
    /// <summary>Times are shown in UTC in one fixed format; the reader's time zone is never guessed.</summary>
    public static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    public static string MachineTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Every post of a thread, for the thread page.</summary>
    /// <param name="staffBase">
    /// Only for the staff view ("/mod"): each post gets a "mod" link and hidden posts show their text.
    /// Such HTML is never put in the shared cache.
    /// </param>
    public static TrustedHtml Thread(Board board, ThreadContent thread, string? staffBase = null)
    {
        var w = new HtmlWriter();
        foreach (var post in thread.Posts)
        {
            Post(w, board.Slug, thread.Backlinks, post, staffBase);
        }
        return w.ToTrustedHtml();
    }

    /// <summary>
    /// A thread on the board index: its opening post, the omitted count, the last replies. Lighter
    /// than the thread page (see <c>preview</c> in <see cref="Post"/>) to keep a full index page under
    /// 40 KB; the title, the post numbers and the opening post's Reply link lead to the thread.
    /// </summary>
    public static TrustedHtml Preview(Board board, ThreadContent thread)
    {
        var w = new HtmlWriter();
        var t = thread.Thread;
        w.Tag("<section class=\"thread\" aria-labelledby=\"t").Text(t.No).Tag("\">\n<h2 id=\"t").Text(t.No).Tag("\">")
            .Tag("<a href=\"").Text(ThreadUrl(board.Slug, t.No)).Tag("\">").Text(ThreadTitle(t)).Tag("</a>");
        ThreadFlags(w, t);
        w.Tag("</h2>\n");
        for (var i = 0; i < thread.Posts.Count; i++)
        {
            Post(w, board.Slug, thread.Backlinks, thread.Posts[i], preview: true);
            if (i == 0 && thread.OmittedReplies > 0)
            {
                var s = thread.OmittedReplies == 1 ? "y" : "ies";
                w.Tag("<p class=\"omitted\">").Text(thread.OmittedReplies).Tag($" repl{s} omitted. <a href=\"")
                    .Text(ThreadUrl(board.Slug, t.No)).Tag("\">View the whole thread</a></p>\n");
            }
        }
        w.Tag("</section>\n");
        return w.ToTrustedHtml();
    }

    /// <summary>Every live thread as a compact tile.</summary>
    public static TrustedHtml Catalog(Board board, IReadOnlyList<ThreadSummary> threads)
    {
        var w = new HtmlWriter();
        w.Tag("<ul class=\"catalog\">\n");
        foreach (var t in threads)
        {
            w.Tag("<li><a href=\"").Text(ThreadUrl(board.Slug, t.No)).Tag("\"><strong>").Text(ThreadTitle(t)).Tag("</strong></a>");
            ThreadFlags(w, t);
            w.Tag("<br><span class=\"count\">").Text(t.ReplyCount).Tag(t.ReplyCount == 1 ? " reply" : " replies")
                .Tag("</span><br><span class=\"excerpt\">").Text(Excerpt(t.Excerpt)).Tag("</span></li>\n");
        }
        w.Tag("</ul>\n");
        return w.ToTrustedHtml();
    }

    public static string ThreadUrl(string board, long threadNo) => $"/{board}/thread/{threadNo}";

    public static string SignedUrl(string board, long no) => $"/{board}/signed/{no}";

    /// <summary>
    /// A post's image: its thumbnail with width and height (the page does not reflow), linking to the
    /// full image; a spoilered one shows only a plain placeholder link until followed.
    /// </summary>
    private static void File(HtmlWriter w, long no, Media.PostFile file)
    {
        var info = string.Create(CultureInfo.InvariantCulture, $"{file.Format.Name}, {file.Width}×{file.Height}, {file.Bytes / 1024.0:0.#} KiB");
        w.Tag("<div class=\"file\"><p class=\"file-info\"><a href=\"").Text(file.Url).Tag("\">").Text(file.FileName ?? $"{no}.{file.Format.Extension}")
            .Tag("</a> (").Text(info).Tag(")</p>");
        if (file.Spoiler)
        {
            w.Tag("<a class=\"spoiler-file\" href=\"").Text(file.Url).Tag("\">Spoiler image: follow to view</a>");
        }
        else
        {
            w.Tag("<a href=\"").Text(file.Url).Tag("\"><img src=\"").Text(file.ThumbnailUrl).Tag("\" width=\"").Text(file.ThumbnailWidth)
                .Tag("\" height=\"").Text(file.ThumbnailHeight).Tag("\" alt=\"Image of post No. ").Text(no).Tag(", ").Text(info).Tag("\"></a>");
        }
        w.Tag("</div>\n");
    }

    /// <summary>Tripcodes, and for a signed post its key's fingerprint and where to check it.</summary>
    private static void Identity(HtmlWriter w, string boardSlug, StoredPost post)
    {
        if (post.Tripcode is { } tripcode)
        {
            w.Tag(" <span class=\"trip\">").Text(tripcode).Tag("</span>");
        }
        if (post.PublicKey is { } key)
        {
            var fingerprint = Fingerprint.Of(key);
            w.Tag(" <a class=\"pseudonym ").Text(string.Join(' ', Fingerprint.ColourClasses(key))).Tag("\" href=\"/pseudonym/")
                .Text(fingerprint).Tag("\">").Text(fingerprint).Tag("</a> <a class=\"verify\" href=\"")
                .Text(SignedUrl(boardSlug, post.No)).Tag("\">signed</a>");
        }
    }

    public static string ThreadTitle(ThreadSummary t) => t.Subject.Length > 0 ? t.Subject : $"Thread No. {t.No}";

    private static void ThreadFlags(HtmlWriter w, ThreadSummary t)
    {
        if (t.Sticky)
        {
            w.Tag(" <span class=\"flag\">[Sticky]</span>");
        }
        if (t.Locked)
        {
            w.Tag(" <span class=\"flag\">[Locked]</span>");
        }
        if (t.Archived)
        {
            w.Tag(" <span class=\"flag\">[Archived]</span>");
        }
        if (t.BumpLocked)
        {
            w.Tag(" <span class=\"flag\">[Bump-locked]</span>");
        }
    }

    private static string Excerpt(string text)
    {
        // The excerpt is the source text: a spoiler must stay hidden here too.
        text = System.Text.RegularExpressions.Regex.Replace(text, @"\|\|.*?\|\|", "[spoiler]", System.Text.RegularExpressions.RegexOptions.Singleline);
        if (text.IndexOf("||", StringComparison.Ordinal) is >= 0 and var open)
        {
            text = text[..open] + "[spoiler]"; // one cut off by the excerpt's length
        }
        var flat = string.Join(' ', text.Split((char[])['\n', '\t'], StringSplitOptions.RemoveEmptyEntries));
        return flat.Length > 120 ? string.Concat(flat.AsSpan(0, 119), "…") : flat;
    }

    /// <summary>Posts from anywhere (a pseudonym's page), each under its board's name.</summary>
    public static TrustedHtml PostList(IEnumerable<PseudonymPost> posts)
    {
        var w = new HtmlWriter();
        foreach (var p in posts)
        {
            // A heading, so each post's own (h3) sits under one and the outline skips no level.
            w.Tag("<h2 class=\"where\"><a href=\"/").Text(p.BoardSlug).Tag("/\">/").Text(p.BoardSlug).Tag("/</a></h2>\n");
            Post(w, p.BoardSlug, [], p.Post);
        }
        return w.ToTrustedHtml();
    }

    /// <param name="preview">
    /// On the board index: anchors, backlinks, the report link and the Reply link of replies wait for
    /// the thread page, one click away through the post's number; the opening post keeps its Reply link.
    /// </param>
    private static void Post(HtmlWriter w, string boardSlug, IReadOnlyList<Backlink> backlinks, StoredPost post, string? staffBase = null, bool preview = false)
    {
        var threadUrl = ThreadUrl(boardSlug, post.ThreadNo);
        var isOp = post.No == post.ThreadNo;
        w.Tag(isOp ? "<article class=\"post op\"" : "<article class=\"post\"");
        if (!preview)
        {
            w.Tag(" id=\"p").Text(post.No).Tag("\"");
        }
        w.Tag(">\n<h3>");
        var hide = post.Hidden && staffBase is null;
        if (post.Subject.Length > 0 && !hide)
        {
            w.Tag("<span class=\"subject\">").Text(post.Subject).Tag("</span> ");
        }
        w.Tag("<span class=\"name\">").Text(post.Name).Tag("</span>");
        Identity(w, boardSlug, post);
        w.Tag(" <time datetime=\"").Text(MachineTime(post.CreatedAt)).Tag("\">")
            .Text(FormatTime(post.CreatedAt)).Tag("</time> <a href=\"").Text(threadUrl).Tag("#p").Text(post.No).Tag("\">No. ").Text(post.No).Tag("</a>");
        if (!preview || isOp)
        {
            w.Tag(" <a href=\"").Text(threadUrl).Tag("?quote=").Text(post.No).Tag("#reply\">Reply</a>");
        }
        if (!preview)
        {
            w.Tag(" <a class=\"report-link\" href=\"/").Text(boardSlug).Tag("/report/").Text(post.No).Tag("\">Report</a>");
        }
        if (staffBase is not null)
        {
            w.Tag(" <a class=\"mod-link\" href=\"").Text(staffBase).Tag("/post/").Text(boardSlug).Tag("/").Text(post.No).Tag("\">mod</a>");
            if (post.Hidden)
            {
                w.Tag(" <span class=\"flag\">[hidden pending review]</span>");
            }
        }
        w.Tag("</h3>\n");
        if (hide)
        {
            w.Tag("<p class=\"notice\">This post is hidden pending review.</p>\n");
        }
        else
        {
            if (post.File is { } file)
            {
                File(w, post.No, file);
            }
            w.Tag("<div class=\"body\">").Html(post.BodyHtml).Tag("</div>\n");
        }
        if (post.BannedMark)
        {
            w.Tag("<p class=\"banned-mark\">(USER WAS BANNED FOR THIS POST)</p>\n");
        }
        var first = true;
        foreach (var link in backlinks.Where(b => !preview && b.ToNo == post.No))
        {
            w.Tag(first ? "<p class=\"backlinks\">Replies: " : " ");
            first = false;
            var label = link.FromBoard == boardSlug ? $">>{link.FromNo}" : $">>>/{link.FromBoard}/{link.FromNo}";
            w.Tag("<a class=\"ql\" href=\"").Text(ThreadUrl(link.FromBoard, link.FromThreadNo)).Tag("#p").Text(link.FromNo).Tag("\">")
                .Text(label).Tag("</a>");
        }
        w.Tag(first ? "</article>\n" : "</p>\n</article>\n");
    }
}
