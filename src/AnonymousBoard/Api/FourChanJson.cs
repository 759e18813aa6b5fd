using System.Globalization;
using System.Net;
using System.Text.Json;
using AnonymousBoard.Boards;
using AnonymousBoard.Identity;
using AnonymousBoard.Media;
using AnonymousBoard.Reading;
using AnonymousBoard.Site;

namespace AnonymousBoard.Api;

/// <summary>
/// Posts and boards in the shapes of 4chan's read-only JSON API (its documentation names every field
/// and its type), so imageboard apps, archivers and downloaders read this board as they read 4chan.
/// It shows what the public pages show: a post hidden pending review (reported, or held by a filter)
/// keeps only its number, name, tripcode, pseudonym and time, as the page's "hidden pending review"
/// notice does, and says so in <c>anonboard_hidden</c>; no staff mark, no deletion password, and a
/// file name only when its poster kept it. The board's own additions are fields named
/// <c>anonboard_*</c>, which 4chan clients ignore.
/// </summary>
public static class FourChanJson
{
    /// <summary>
    /// 4chan's <c>tim</c>, which names a post's file: milliseconds since 1970 as 4chan's are, made of
    /// the post's time and the last three digits of its number, so <see cref="ParseTim"/> finds the
    /// post again (two posts within one second whose numbers end alike are a thousand posts apart).
    /// </summary>
    public static long Tim(StoredPost post)
    {
        ArgumentNullException.ThrowIfNull(post);
        return post.CreatedAt.ToUnixTimeSeconds() * 1000 + post.No % 1000;
    }

    public static (DateTimeOffset CreatedAt, long NoModulo) ParseTim(long tim) =>
        (DateTimeOffset.FromUnixTimeSeconds(tim / 1000), tim % 1000);

    /// <summary>4chan's <c>now</c>, "MM/DD/YY(Day)HH:MM:SS", here in UTC as every time the board shows.</summary>
    public static string Now(DateTimeOffset time) =>
        time.UtcDateTime.ToString("MM'/'dd'/'yy'('ddd')'HH':'mm':'ss", CultureInfo.InvariantCulture);

    /// <summary>What an opening post carries about its thread.</summary>
    /// <param name="Replies">Replies as the pages count them (a hidden one shows as a notice, and counts).</param>
    /// <param name="Images">Images readers see (not those of hidden replies).</param>
    /// <param name="Omitted">Replies and images not in the preview (index and catalog only).</param>
    /// <param name="LastModified">The thread's last change (index, catalog and thread list only).</param>
    public sealed record ThreadFacts(ThreadSummary Thread, int Replies, int Images, (int Posts, int Images)? Omitted = null,
        DateTimeOffset? LastModified = null);

    /// <param name="md5">The base64 MD5 of a post's file, or null when it is gone.</param>
    /// <param name="lastReplies">On the catalog: the last replies, written inside the opening post.</param>
    public static void Post(Utf8JsonWriter w, Board board, StoredPost post, ThreadFacts? op, Func<PostFile, string?> md5,
        IReadOnlyList<StoredPost>? lastReplies = null)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(board);
        ArgumentNullException.ThrowIfNull(post);
        ArgumentNullException.ThrowIfNull(md5);
        w.WriteStartObject();
        w.WriteNumber("no", post.No);
        w.WriteNumber("resto", post.No == post.ThreadNo ? 0 : post.ThreadNo);
        if (op is not null)
        {
            var t = op.Thread;
            Flag(w, "sticky", t.Sticky);
            // An archived thread is closed to replies too, as on 4chan.
            Flag(w, "closed", t.Locked || t.Archived);
        }
        w.WriteString("now", Now(post.CreatedAt));
        w.WriteNumber("time", post.CreatedAt.ToUnixTimeSeconds());
        // Name and subject HTML-escaped, as 4chan sends them (its clients unescape them).
        w.WriteString("name", WebUtility.HtmlEncode(post.Name));
        if (post.Tripcode is { } trip)
        {
            w.WriteString("trip", trip);
        }
        if (!post.Hidden)
        {
            if (post.Subject.Length > 0)
            {
                w.WriteString("sub", WebUtility.HtmlEncode(post.Subject));
            }
            var com = post.BannedMark
                ? post.BodyHtml.Value + "<br><br><strong class=\"banned-mark\">(USER WAS BANNED FOR THIS POST)</strong>"
                : post.BodyHtml.Value;
            if (com.Length > 0)
            {
                w.WriteString("com", com);
            }
            if (post.File is { } file)
            {
                File(w, post, file, md5(file));
            }
        }
        else
        {
            w.WriteNumber("anonboard_hidden", 1);
        }
        if (op is not null)
        {
            var t = op.Thread;
            w.WriteNumber("replies", op.Replies);
            w.WriteNumber("images", op.Images);
            // A bump-locked thread (autosage) no longer bumps either.
            w.WriteNumber("bumplimit", t.ReplyCount >= board.Settings.BumpLimit || t.BumpLocked ? 1 : 0);
            w.WriteNumber("imagelimit", 0);
            if (t.Archived)
            {
                w.WriteNumber("archived", 1);
                w.WriteNumber("archived_on", (t.ArchivedAt ?? t.BumpedAt).ToUnixTimeSeconds());
            }
            if (op.Omitted is { } omitted)
            {
                w.WriteNumber("omitted_posts", omitted.Posts);
                w.WriteNumber("omitted_images", omitted.Images);
            }
            if (op.LastModified is { } modified)
            {
                w.WriteNumber("last_modified", modified.ToUnixTimeSeconds());
            }
        }
        if (post.Tripcode is { } secure && secure.StartsWith("!!", StringComparison.Ordinal))
        {
            w.WriteNumber("anonboard_secure_trip", 1);
        }
        if (post.PublicKey is { } key)
        {
            w.WriteString("anonboard_pseudonym", Fingerprint.Of(key));
            w.WriteString("anonboard_pseudonym_url", "/pseudonym/" + Fingerprint.Of(key));
            w.WriteString("anonboard_signature_url", Links.SignedPost(board.Slug, post.No));
        }
        if (lastReplies is not null)
        {
            w.WriteStartArray("last_replies");
            foreach (var reply in lastReplies)
            {
                Post(w, board, reply, null, md5);
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    private static void File(Utf8JsonWriter w, StoredPost post, PostFile file, string? md5)
    {
        w.WriteNumber("tim", Tim(post));
        // The name the page shows: the poster's, when kept (without its extension, as 4chan's), else the post's number.
        w.WriteString("filename", file.FileName is { } name ? Path.GetFileNameWithoutExtension(name) : post.No.ToString(CultureInfo.InvariantCulture));
        w.WriteString("ext", "." + file.Format.Extension);
        w.WriteNumber("fsize", file.Bytes);
        if (md5 is not null)
        {
            w.WriteString("md5", md5);
        }
        w.WriteNumber("w", file.Width);
        w.WriteNumber("h", file.Height);
        w.WriteNumber("tn_w", file.ThumbnailWidth);
        w.WriteNumber("tn_h", file.ThumbnailHeight);
        Flag(w, "spoiler", file.Spoiler);
    }

    /// <summary>4chan's flags are 1 or absent.</summary>
    private static void Flag(Utf8JsonWriter w, string name, bool on)
    {
        if (on)
        {
            w.WriteNumber(name, 1);
        }
    }

    /// <summary>One board of boards.json: what clients read of its limits, and ours beside them.</summary>
    public static void Board(Utf8JsonWriter w, Board board, int pages)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(board);
        var s = board.Settings;
        w.WriteStartObject();
        w.WriteString("board", board.Slug);
        w.WriteString("title", board.Title);
        w.WriteNumber("ws_board", 0); // nobody here vouches for a board being work-safe
        w.WriteNumber("per_page", s.ThreadsPerPage);
        w.WriteNumber("pages", pages);
        w.WriteNumber("max_filesize", s.ImagesAllowed ? s.MaxImageBytes : 0);
        w.WriteNumber("max_webm_filesize", 0); // no video is taken
        w.WriteNumber("max_comment_chars", s.MaxBodyChars);
        w.WriteNumber("max_webm_duration", 0);
        w.WriteNumber("bump_limit", s.BumpLimit);
        w.WriteNumber("image_limit", s.BumpLimit); // no image limit of its own; clients want a number
        // Posting waits on the gate's time lock and budgets, not fixed cooldowns: the calm level's lock.
        w.WriteStartObject("cooldowns");
        w.WriteNumber("threads", 5);
        w.WriteNumber("replies", 5);
        w.WriteNumber("images", 5);
        w.WriteEndObject();
        w.WriteString("meta_description", WebUtility.HtmlEncode(board.Description));
        w.WriteNumber("spoilers", 1);
        Flag(w, "is_archived", s.ArchivePruned);
        Flag(w, "text_only", !s.ImagesAllowed);
        w.WriteNumber("anonboard_max_comment_lines", s.MaxBodyLines);
        w.WriteNumber("anonboard_max_name_chars", s.MaxNameChars);
        w.WriteNumber("anonboard_max_subject_chars", s.MaxSubjectChars);
        w.WriteNumber("anonboard_thread_cap", s.ThreadCap);
        w.WriteNumber("anonboard_previews_per_thread", s.PreviewsPerThread);
        w.WriteNumber("anonboard_max_image_pixels", s.MaxImagePixels);
        Flag(w, "anonboard_image_required", s.ImageRequiredForThreads);
        w.WriteEndObject();
    }
}
