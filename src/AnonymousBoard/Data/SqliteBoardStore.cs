using AnonymousBoard.Boards;
using AnonymousBoard.Markup;
using AnonymousBoard.Posting;
using Microsoft.Data.Sqlite;

namespace AnonymousBoard.Data;

/// <summary>The board's data in one SQLite file. All of the board's SQL is in this class.</summary>
public sealed class SqliteBoardStore(Database database) : IBoardStore
{
    // One writer at a time inside the process, shared with the moderation store (see Database.WriteLock).
    private readonly Lock _writeLock = database.WriteLock;

    private const string BoardColumns = """
        b.id, b.slug, b.title, b.description, b.bump_limit, b.thread_cap, b.threads_per_page,
        b.previews_per_thread, b.max_body_chars, b.max_body_lines, b.max_name_chars,
        b.max_subject_chars, b.archive_pruned, b.next_post_no - 1, b.last_post_at,
        b.images, b.image_required, b.max_image_bytes, b.max_image_pixels, b.max_image_frames
        """;

    public IReadOnlyList<Board> ListBoards()
    {
        using var connection = database.Open();
        return Query(connection, null, $"SELECT {BoardColumns} FROM boards b ORDER BY b.slug", ReadBoard);
    }

    public Board? FindBoard(string slug)
    {
        using var connection = database.Open();
        return Query(connection, null, $"SELECT {BoardColumns} FROM boards b WHERE b.slug = $slug", ReadBoard, ("$slug", slug))
            .FirstOrDefault();
    }

    public Board? CreateBoard(string slug, string title, string description, BoardSettings settings)
    {
        lock (_writeLock)
        {
            using var connection = database.Open();
            var taken = Query(connection, null, "SELECT 1 FROM boards WHERE slug = $slug", r => true, ("$slug", slug)).Count > 0;
            if (taken)
            {
                return null;
            }
            Execute(connection, null, """
                INSERT INTO boards (slug, title, description, bump_limit, thread_cap, threads_per_page,
                    previews_per_thread, max_body_chars, max_body_lines, max_name_chars, max_subject_chars,
                    archive_pruned, images, image_required, max_image_bytes, max_image_pixels, max_image_frames, created_at)
                VALUES ($slug, $title, $description, $bump_limit, $thread_cap, $threads_per_page,
                    $previews, $max_body_chars, $max_body_lines, $max_name_chars, $max_subject_chars,
                    $archive, $images, $image_required, $max_image_bytes, $max_image_pixels, $max_image_frames, unixepoch())
                """, [("$slug", slug), ("$title", title), ("$description", description), .. SettingsParameters(settings)]);
        }
        return FindBoard(slug);
    }

    public bool UpdateBoard(string slug, string title, string description, BoardSettings settings)
    {
        lock (_writeLock)
        {
            using var connection = database.Open();
            return Execute(connection, null, """
                UPDATE boards SET title = $title, description = $description, bump_limit = $bump_limit,
                    thread_cap = $thread_cap, threads_per_page = $threads_per_page,
                    previews_per_thread = $previews, max_body_chars = $max_body_chars,
                    max_body_lines = $max_body_lines, max_name_chars = $max_name_chars,
                    max_subject_chars = $max_subject_chars, archive_pruned = $archive, images = $images,
                    image_required = $image_required, max_image_bytes = $max_image_bytes,
                    max_image_pixels = $max_image_pixels, max_image_frames = $max_image_frames
                WHERE slug = $slug
                """, [("$slug", slug), ("$title", title), ("$description", description), .. SettingsParameters(settings)]) == 1;
        }
    }

    private static (string, object?)[] SettingsParameters(BoardSettings s) =>
    [
        ("$bump_limit", s.BumpLimit), ("$thread_cap", s.ThreadCap), ("$threads_per_page", s.ThreadsPerPage),
        ("$previews", s.PreviewsPerThread), ("$max_body_chars", s.MaxBodyChars), ("$max_body_lines", s.MaxBodyLines),
        ("$max_name_chars", s.MaxNameChars), ("$max_subject_chars", s.MaxSubjectChars), ("$archive", s.ArchivePruned ? 1 : 0),
        ("$images", s.ImagesAllowed ? 1 : 0), ("$image_required", s.ImageRequiredForThreads ? 1 : 0),
        ("$max_image_bytes", s.MaxImageBytes), ("$max_image_pixels", s.MaxImagePixels), ("$max_image_frames", s.MaxImageFrames),
    ];

    public int CountLiveThreads(long boardId)
    {
        using var connection = database.Open();
        return Query(connection, null, "SELECT count(*) FROM threads WHERE board_id = $b AND archived = 0",
            r => r.GetInt32(0), ("$b", boardId))[0];
    }

    private const string ThreadSummarySelect = """
        SELECT t.no, CASE WHEN op.hidden THEN '' ELSE op.subject END, CASE WHEN op.hidden THEN '' ELSE substr(op.body, 1, 160) END,
               t.reply_count, t.sticky, t.locked, t.archived, t.bumped_at, t.bump_locked
        FROM threads t JOIN posts op ON op.board_id = t.board_id AND op.no = t.no
        """;

    public IReadOnlyList<ThreadSummary> ListLiveThreads(long boardId, int offset, int count)
    {
        using var connection = database.Open();
        return Query(connection, null, $"""
            {ThreadSummarySelect}
            WHERE t.board_id = $b AND t.archived = 0
            ORDER BY t.sticky DESC, t.bumped_at DESC, t.bump_seq DESC
            LIMIT $count OFFSET $offset
            """, ReadThreadSummary, ("$b", boardId), ("$count", count), ("$offset", offset));
    }

    public ThreadContent? GetThread(long boardId, long threadNo) => ReadThread(boardId, threadNo, lastReplies: null);

    public ThreadContent? GetThreadPreview(long boardId, long threadNo, int lastReplies) => ReadThread(boardId, threadNo, lastReplies);

    private const string PostColumns = """
        no, thread_no, created_at, name, subject, body_html, tripcode, public_key,
        file_hash, file_upload_hash, file_format, file_width, file_height, file_bytes, thumb_width, thumb_height, file_spoiler, file_name,
        hidden, banned_mark
        """;

    private static ThreadContent? ReadThread(SqliteConnection connection, SqliteTransaction tx, long boardId, long threadNo, int? lastReplies)
    {
        var thread = Query(connection, tx, $"{ThreadSummarySelect} WHERE t.board_id = $b AND t.no = $t",
            ReadThreadSummary, ("$b", boardId), ("$t", threadNo)).FirstOrDefault();
        if (thread is null)
        {
            return null;
        }
        var posts = lastReplies is { } n
            ? Query(connection, tx, $"""
                SELECT {PostColumns} FROM posts WHERE board_id = $b AND no = $t
                UNION ALL
                SELECT * FROM (SELECT {PostColumns} FROM posts
                               WHERE board_id = $b AND thread_no = $t AND no <> $t ORDER BY no DESC LIMIT $n)
                ORDER BY no
                """, ReadPost, ("$b", boardId), ("$t", threadNo), ("$n", n))
            : Query(connection, tx, $"SELECT {PostColumns} FROM posts WHERE board_id = $b AND thread_no = $t ORDER BY no",
                ReadPost, ("$b", boardId), ("$t", threadNo));
        var shown = posts.Select(p => p.No).ToHashSet();
        // Backlinks of every post in the thread, from any thread or board; filtered to what is shown.
        var backlinks = Query(connection, tx, """
            SELECT q.to_no, fb.slug, fp.no, fp.thread_no
            FROM quotes q
            JOIN posts fp ON fp.id = q.from_post
            JOIN boards fb ON fb.id = fp.board_id
            WHERE q.to_board = $b AND q.to_no IN (SELECT no FROM posts WHERE board_id = $b AND thread_no = $t)
            ORDER BY q.to_no, fb.slug, fp.no
            """, r => new Backlink(r.GetInt64(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3)), ("$b", boardId), ("$t", threadNo))
            .Where(b => shown.Contains(b.ToNo))
            .ToList();
        var omitted = Math.Max(0, thread.ReplyCount - (posts.Count - 1));
        return new ThreadContent(thread, posts, omitted, backlinks);
    }

    private ThreadContent? ReadThread(long boardId, long threadNo, int? lastReplies)
    {
        using var connection = database.Open();
        // One snapshot for the thread, its posts and backlinks, so the three agree.
        using var tx = connection.BeginTransaction(deferred: true);
        return ReadThread(connection, tx, boardId, threadNo, lastReplies);
    }

    public PostOutcome CreatePost(Board board, PostDraft draft)
    {
        lock (_writeLock)
        {
            using var connection = database.Open();
            using var tx = connection.BeginTransaction();
            var now = draft.Now.ToUnixTimeSeconds();

            if (FindDuplicate(connection, tx, board.Id, draft.ContentHash, now - (long)draft.DuplicateWindow.TotalSeconds) is { } duplicate)
            {
                return duplicate;
            }
            if (draft.Identity.Signature is { } signature)
            {
                var reused = Query(connection, tx, "SELECT no, thread_no FROM posts WHERE signature = $sig",
                    r => new PostOutcome.SignatureReused(r.GetInt64(0), r.GetInt64(1)), ("$sig", signature));
                if (reused.Count > 0)
                {
                    return reused[0];
                }
            }

            var bump = false;
            if (draft.ThreadNo is { } replyTo)
            {
                var thread = Query(connection, tx, "SELECT reply_count, locked, archived, bump_locked FROM threads WHERE board_id = $b AND no = $t",
                    r => (Replies: r.GetInt32(0), Locked: r.GetBoolean(1), Archived: r.GetBoolean(2), BumpLocked: r.GetBoolean(3)),
                    ("$b", board.Id), ("$t", replyTo));
                if (thread.Count == 0)
                {
                    return new PostOutcome.ThreadNotFound();
                }
                if (thread[0].Archived)
                {
                    return new PostOutcome.ThreadClosed("This thread is archived: it can be read but not replied to.");
                }
                if (thread[0].Locked)
                {
                    return new PostOutcome.ThreadClosed("This thread is locked: no more replies.");
                }
                // A bump-locked thread (autosage, set by staff) takes replies but never rises.
                bump = !thread[0].BumpLocked && Bumping.Bumps(thread[0].Replies, board.Settings.BumpLimit, draft.Sage);
            }

            var no = Query(connection, tx, """
                UPDATE boards SET next_post_no = next_post_no + 1, last_post_at = $now WHERE id = $b
                RETURNING next_post_no - 1
                """, r => r.GetInt64(0), ("$b", board.Id), ("$now", now))[0];
            var threadNo = draft.ThreadNo ?? no;
            if (draft.ThreadNo is null)
            {
                Execute(connection, tx, "INSERT INTO threads (board_id, no, bumped_at, bump_seq) VALUES ($b, $no, $now, $no)",
                    [("$b", board.Id), ("$no", no), ("$now", now)]);
            }

            var rendered = PostMarkup.Render(draft.Body, board.Slug, threadNo, new Resolver(connection, tx));
            var postId = Query(connection, tx, """
                INSERT INTO posts (board_id, no, thread_no, created_at, name, subject, body, body_html,
                                   renderer_version, sage, delete_hash, content_hash,
                                   tripcode, pseudonym, public_key, signature, signed_message,
                                   file_hash, file_upload_hash, file_format, file_width, file_height, file_bytes,
                                   thumb_width, thumb_height, file_spoiler, file_name, hidden)
                VALUES ($b, $no, $t, $now, $name, $subject, $body, $html, $version, $sage, $delete_hash, $hash,
                        $tripcode, $pseudonym, $public_key, $signature, $signed_message,
                        $file_hash, $file_upload_hash, $file_format, $file_width, $file_height, $file_bytes,
                        $thumb_width, $thumb_height, $file_spoiler, $file_name, $hidden)
                RETURNING id
                """, r => r.GetInt64(0),
                ("$b", board.Id), ("$no", no), ("$t", threadNo), ("$now", now), ("$name", draft.Name),
                ("$subject", draft.Subject), ("$body", draft.Body), ("$html", rendered.Html.Value),
                ("$version", PostMarkup.Version), ("$sage", draft.Sage ? 1 : 0), ("$delete_hash", draft.DeleteHash),
                ("$hash", draft.ContentHash), ("$tripcode", draft.Identity.Tripcode), ("$pseudonym", draft.Identity.Pseudonym),
                ("$public_key", draft.Identity.PublicKey), ("$signature", draft.Identity.Signature),
                ("$signed_message", draft.Identity.SignedMessage), ("$file_hash", draft.File?.Hash),
                ("$file_upload_hash", draft.File?.UploadHash), ("$file_format", draft.File?.Format.Name.ToLowerInvariant()),
                ("$file_width", draft.File?.Width), ("$file_height", draft.File?.Height), ("$file_bytes", draft.File?.Bytes),
                ("$thumb_width", draft.File?.ThumbnailWidth), ("$thumb_height", draft.File?.ThumbnailHeight),
                ("$file_spoiler", draft.File?.Spoiler == true ? 1 : 0), ("$file_name", draft.File?.FileName), ("$hidden", draft.Held ? 1 : 0))[0];
            InsertQuotes(connection, tx, postId, rendered.Quotes);
            SqliteModerationStore.InsertIdentity(connection, tx, postId, draft.Poster, draft.Now);
            if (draft.Held)
            {
                // A held post waits in the report queue like a reported one.
                SqliteModerationStore.InsertReport(connection, tx, postId, "other", "Held for review by a filter.", draft.Now);
            }

            var touched = new List<ThreadRef> { new(board.Id, threadNo) };
            touched.AddRange(rendered.Quotes.Select(q => new ThreadRef(q.BoardId, q.ThreadNo)));
            var freed = new List<string>();
            if (draft.ThreadNo is null)
            {
                touched.AddRange(PruneThreads(connection, tx, board, freed));
            }
            else
            {
                Execute(connection, tx, """
                    UPDATE threads SET reply_count = reply_count + 1,
                        bumped_at = CASE WHEN $bump THEN $now ELSE bumped_at END,
                        bump_seq  = CASE WHEN $bump THEN $no  ELSE bump_seq  END
                    WHERE board_id = $b AND no = $t
                    """, [("$bump", bump ? 1 : 0), ("$now", now), ("$no", no), ("$b", board.Id), ("$t", threadNo)]);
            }
            tx.Commit();
            return new PostOutcome.Created(no, threadNo, touched.Distinct().ToList(), freed);
        }
    }

    /// <summary>Threads past the board's cap fall off the end, oldest bump first; stickies stay.</summary>
    private static List<ThreadRef> PruneThreads(SqliteConnection connection, SqliteTransaction tx, Board board, List<string> freed)
    {
        var stickies = Query(connection, tx, "SELECT count(*) FROM threads WHERE board_id = $b AND archived = 0 AND sticky = 1",
            r => r.GetInt32(0), ("$b", board.Id))[0];
        var keep = Math.Max(0, board.Settings.ThreadCap - stickies);
        var pruned = Query(connection, tx, """
            SELECT no FROM threads WHERE board_id = $b AND archived = 0 AND sticky = 0
            ORDER BY bumped_at DESC, bump_seq DESC LIMIT -1 OFFSET $keep
            """, r => r.GetInt64(0), ("$b", board.Id), ("$keep", keep));
        var touched = new List<ThreadRef>();
        foreach (var threadNo in pruned)
        {
            if (board.Settings.ArchivePruned)
            {
                Execute(connection, tx, "UPDATE threads SET archived = 1 WHERE board_id = $b AND no = $t", [("$b", board.Id), ("$t", threadNo)]);
                touched.Add(new ThreadRef(board.Id, threadNo));
            }
            else
            {
                touched.AddRange(DeleteThread(connection, tx, board.Id, threadNo, freed));
            }
        }
        return touched;
    }

    public PostLookup FindPost(long boardId, long no)
    {
        using var connection = database.Open();
        var found = Query(connection, null, "SELECT thread_no, delete_hash FROM posts WHERE board_id = $b AND no = $no",
            r => new PostLookup.Found(r.GetInt64(0), r.IsDBNull(1) ? null : r.GetString(1)), ("$b", boardId), ("$no", no));
        return found.Count > 0 ? found[0] : new PostLookup.NotFound();
    }

    public DeleteOutcome DeletePost(Board board, long no)
    {
        lock (_writeLock)
        {
            using var connection = database.Open();
            using var tx = connection.BeginTransaction();
            var post = Query(connection, tx, "SELECT thread_no FROM posts WHERE board_id = $b AND no = $no",
                r => r.GetInt64(0), ("$b", board.Id), ("$no", no));
            if (post.Count == 0)
            {
                return new DeleteOutcome.NotFound();
            }
            var threadNo = post[0];
            List<ThreadRef> touched;
            var freed = new List<string>();
            if (threadNo == no)
            {
                touched = DeleteThread(connection, tx, board.Id, threadNo, freed);
            }
            else
            {
                var files = FilesOf(connection, tx, "board_id = $b AND no = $t", board.Id, no);
                Execute(connection, tx, "DELETE FROM posts WHERE board_id = $b AND no = $no", [("$b", board.Id), ("$no", no)]);
                freed.AddRange(Unused(connection, tx, files));
                Execute(connection, tx, "UPDATE threads SET reply_count = reply_count - 1 WHERE board_id = $b AND no = $t",
                    [("$b", board.Id), ("$t", threadNo)]);
                touched = [new ThreadRef(board.Id, threadNo), .. RerenderQuotersOf(connection, tx, board.Id, [no])];
            }
            tx.Commit();
            return new DeleteOutcome.Deleted(threadNo, threadNo == no, touched.Distinct().ToList(), freed);
        }
    }

    /// <summary>Deletes a thread with its posts, and re-renders posts elsewhere that quoted them.</summary>
    internal static List<ThreadRef> DeleteThread(SqliteConnection connection, SqliteTransaction tx, long boardId, long threadNo, List<string> freed)
    {
        var nos = Query(connection, tx, "SELECT no FROM posts WHERE board_id = $b AND thread_no = $t",
            r => r.GetInt64(0), ("$b", boardId), ("$t", threadNo));
        var files = FilesOf(connection, tx, "board_id = $b AND thread_no = $t", boardId, threadNo);
        Execute(connection, tx, "DELETE FROM posts WHERE board_id = $b AND thread_no = $t", [("$b", boardId), ("$t", threadNo)]);
        Execute(connection, tx, "DELETE FROM threads WHERE board_id = $b AND no = $t", [("$b", boardId), ("$t", threadNo)]);
        freed.AddRange(Unused(connection, tx, files));
        return [new ThreadRef(boardId, threadNo), .. RerenderQuotersOf(connection, tx, boardId, nos)];
    }

    /// <param name="where">A constant condition over $b and $t, written in this class.</param>
    internal static List<string> FilesOf(SqliteConnection connection, SqliteTransaction tx, string where, long boardId, long value) =>
        Query(connection, tx, $"SELECT DISTINCT file_hash FROM posts WHERE {where} AND file_hash IS NOT NULL",
            r => r.GetString(0), ("$b", boardId), ("$t", value));

    // An image stays while any post (on any board) still shows it: the same picture is stored once.
    internal static List<string> Unused(SqliteConnection connection, SqliteTransaction tx, List<string> hashes) =>
        hashes.Where(h => Query(connection, tx, "SELECT 1 FROM posts WHERE file_hash = $h LIMIT 1", r => true, ("$h", h)).Count == 0).ToList();

    public PostOutcome.Duplicate? FindRecentDuplicate(long boardId, byte[] contentHash, DateTimeOffset since)
    {
        using var connection = database.Open();
        return FindDuplicate(connection, null, boardId, contentHash, since.ToUnixTimeSeconds());
    }

    private static PostOutcome.Duplicate? FindDuplicate(SqliteConnection connection, SqliteTransaction? tx, long boardId, byte[] contentHash, long since) =>
        Query(connection, tx, """
            SELECT no, thread_no FROM posts
            WHERE board_id = $b AND content_hash = $hash AND created_at >= $since
            ORDER BY no DESC LIMIT 1
            """, r => new PostOutcome.Duplicate(r.GetInt64(0), r.GetInt64(1)), ("$b", boardId), ("$hash", contentHash), ("$since", since))
            .FirstOrDefault();

    public bool IsFileBanned(IEnumerable<string> hashes)
    {
        using var connection = database.Open();
        return hashes.Any(h => Query(connection, null, "SELECT 1 FROM file_bans WHERE hash = $h", r => true, ("$h", h)).Count > 0);
    }

    public int AddFileBans(IEnumerable<string> hashes, string reason)
    {
        lock (_writeLock)
        {
            using var connection = database.Open();
            using var tx = connection.BeginTransaction();
            var added = hashes.Sum(h => Execute(connection, tx,
                "INSERT OR IGNORE INTO file_bans (hash, reason, created_at) VALUES ($h, $reason, unixepoch())", [("$h", h), ("$reason", reason)]));
            tx.Commit();
            return added;
        }
    }

    public bool IsFileUsed(string hash)
    {
        using var connection = database.Open();
        return Query(connection, null, "SELECT 1 FROM posts WHERE file_hash = $h LIMIT 1", r => true, ("$h", hash)).Count > 0;
    }

    // A quote of a deleted post must stop linking to it: the posts that quoted it are rendered again.
    internal static List<ThreadRef> RerenderQuotersOf(SqliteConnection connection, SqliteTransaction tx, long boardId, IReadOnlyList<long> deletedNos)
    {
        var quoters = new HashSet<long>();
        foreach (var no in deletedNos)
        {
            quoters.UnionWith(Query(connection, tx, "SELECT from_post FROM quotes WHERE to_board = $b AND to_no = $no",
                r => r.GetInt64(0), ("$b", boardId), ("$no", no)));
        }
        return quoters.Select(id => Rerender(connection, tx, id)).ToList();
    }

    internal static ThreadRef Rerender(SqliteConnection connection, SqliteTransaction tx, long postId)
    {
        var post = Query(connection, tx, """
            SELECT p.board_id, b.slug, p.thread_no, p.body FROM posts p JOIN boards b ON b.id = p.board_id WHERE p.id = $id
            """, r => (BoardId: r.GetInt64(0), Slug: r.GetString(1), ThreadNo: r.GetInt64(2), Body: r.GetString(3)), ("$id", postId))[0];
        var rendered = PostMarkup.Render(post.Body, post.Slug, post.ThreadNo, new Resolver(connection, tx));
        Execute(connection, tx, "UPDATE posts SET body_html = $html, renderer_version = $v WHERE id = $id",
            [("$html", rendered.Html.Value), ("$v", PostMarkup.Version), ("$id", postId)]);
        Execute(connection, tx, "DELETE FROM quotes WHERE from_post = $id", [("$id", postId)]);
        InsertQuotes(connection, tx, postId, rendered.Quotes);
        return new ThreadRef(post.BoardId, post.ThreadNo);
    }

    public SignedPost? GetSignedPost(long boardId, long no)
    {
        using var connection = database.Open();
        return Query(connection, null, """
            SELECT signed_message, signature, public_key FROM posts
            WHERE board_id = $b AND no = $no AND signature IS NOT NULL
            """, r => new SignedPost(r.GetString(0), r.GetString(1), (byte[])r.GetValue(2)), ("$b", boardId), ("$no", no))
            .FirstOrDefault();
    }

    private static readonly string PrefixedPostColumns = string.Join(", ", PostColumns.Split(',', StringSplitOptions.TrimEntries).Select(c => "p." + c));

    public IReadOnlyList<PseudonymPost> ListPseudonymPosts(string fingerprint, int count)
    {
        using var connection = database.Open();
        return Query(connection, null, $"""
            SELECT b.slug, {PrefixedPostColumns}
            FROM posts p JOIN boards b ON b.id = p.board_id
            WHERE p.pseudonym = $fp ORDER BY p.created_at DESC, p.id DESC LIMIT $count
            """, r => new PseudonymPost(r.GetString(0), ReadPost(r, 1)), ("$fp", fingerprint), ("$count", count));
    }

    public int RerenderOutdated()
    {
        lock (_writeLock)
        {
            using var connection = database.Open();
            using var tx = connection.BeginTransaction();
            var outdated = Query(connection, tx, "SELECT id FROM posts WHERE renderer_version <> $v ORDER BY id",
                r => r.GetInt64(0), ("$v", PostMarkup.Version));
            foreach (var id in outdated)
            {
                Rerender(connection, tx, id);
            }
            tx.Commit();
            return outdated.Count;
        }
    }

    private static void InsertQuotes(SqliteConnection connection, SqliteTransaction tx, long postId, IReadOnlyList<QuoteTarget> quotes)
    {
        foreach (var q in quotes)
        {
            Execute(connection, tx, "INSERT OR IGNORE INTO quotes (from_post, to_board, to_no) VALUES ($id, $b, $no)",
                [("$id", postId), ("$b", q.BoardId), ("$no", q.No)]);
        }
    }

    /// <summary>Resolves quote links inside the writing transaction, so they see what it sees.</summary>
    internal sealed class Resolver(SqliteConnection connection, SqliteTransaction tx) : IQuoteResolver
    {
        // A post of a thread moved to another board is found where it went (post_moves), so quotes
        // of it keep working.
        public QuoteTarget? FindPost(string boardSlug, long no) =>
            Query(connection, tx, """
                SELECT b.id, b.slug, p.no, p.thread_no FROM posts p JOIN boards b ON b.id = p.board_id
                WHERE b.slug = $slug AND p.no = $no
                UNION ALL
                SELECT tb.id, tb.slug, p.no, p.thread_no FROM post_moves m
                JOIN boards fb ON fb.id = m.from_board
                JOIN boards tb ON tb.id = m.to_board
                JOIN posts p ON p.board_id = m.to_board AND p.no = m.to_no
                WHERE fb.slug = $slug AND m.from_no = $no
                LIMIT 1
                """, r => new QuoteTarget(r.GetInt64(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3)),
                ("$slug", boardSlug), ("$no", no)).FirstOrDefault();

        public bool BoardExists(string boardSlug) =>
            Query(connection, tx, "SELECT 1 FROM boards WHERE slug = $slug", r => true, ("$slug", boardSlug)).Count > 0;
    }

    private static Board ReadBoard(SqliteDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3),
        new BoardSettings
        {
            BumpLimit = r.GetInt32(4),
            ThreadCap = r.GetInt32(5),
            ThreadsPerPage = r.GetInt32(6),
            PreviewsPerThread = r.GetInt32(7),
            MaxBodyChars = r.GetInt32(8),
            MaxBodyLines = r.GetInt32(9),
            MaxNameChars = r.GetInt32(10),
            MaxSubjectChars = r.GetInt32(11),
            ArchivePruned = r.GetBoolean(12),
            ImagesAllowed = r.GetBoolean(15),
            ImageRequiredForThreads = r.GetBoolean(16),
            MaxImageBytes = r.GetInt64(17),
            MaxImagePixels = r.GetInt64(18),
            MaxImageFrames = r.GetInt32(19),
        },
        r.GetInt64(13),
        r.IsDBNull(14) ? null : DateTimeOffset.FromUnixTimeSeconds(r.GetInt64(14)));

    private static ThreadSummary ReadThreadSummary(SqliteDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetInt32(3), r.GetBoolean(4), r.GetBoolean(5), r.GetBoolean(6),
        DateTimeOffset.FromUnixTimeSeconds(r.GetInt64(7)), r.GetBoolean(8));

    private static StoredPost ReadPost(SqliteDataReader r) => ReadPost(r, 0);

    private static StoredPost ReadPost(SqliteDataReader r, int first) => new(
        r.GetInt64(first), r.GetInt64(first + 1), DateTimeOffset.FromUnixTimeSeconds(r.GetInt64(first + 2)), r.GetString(first + 3),
        r.GetString(first + 4), TrustedHtml.FromStoredRendering(r.GetString(first + 5)), r.GetBoolean(first + 18), r.GetBoolean(first + 19))
    {
        Tripcode = r.IsDBNull(first + 6) ? null : r.GetString(first + 6),
        PublicKey = r.IsDBNull(first + 7) ? null : (byte[])r.GetValue(first + 7),
        File = r.IsDBNull(first + 8) ? null : new Media.PostFile(
            r.GetString(first + 8), r.GetString(first + 9), Media.PostFile.FormatNamed(r.GetString(first + 10)),
            r.GetInt32(first + 11), r.GetInt32(first + 12), r.GetInt64(first + 13), r.GetInt32(first + 14), r.GetInt32(first + 15),
            r.GetBoolean(first + 16), r.IsDBNull(first + 17) ? null : r.GetString(first + 17)),
    };

    internal static List<T> Query<T>(SqliteConnection connection, SqliteTransaction? tx, string sql, Func<SqliteDataReader, T> read,
        params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, tx, sql, parameters);
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
        {
            rows.Add(read(reader));
        }
        return rows;
    }

    internal static int Execute(SqliteConnection connection, SqliteTransaction? tx, string sql, (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, tx, sql, parameters);
        return command.ExecuteNonQuery();
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100", Justification = "Only SQL text written in this class reaches here; values are always parameters.")]
    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? tx, string sql, (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = tx;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
        return command;
    }
}
