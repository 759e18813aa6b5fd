using System.Globalization;
using AnonymousBoard.Boards;
using AnonymousBoard.Moderation;
using Microsoft.Data.Sqlite;
using AnonymousBoard.Markup;
using AnonymousBoard.Posting;
using static AnonymousBoard.Storage.Sqlite.SqliteCommands;

namespace AnonymousBoard.Storage.Sqlite;

/// <summary>
/// Moderation data in the board's SQLite file. Still one store for all of moderation, read by
/// position; the staff actions on posts use posting's removal and rendering inside its unit of work.
/// </summary>
public sealed class SqliteModerationStore(SqliteDatabase database, SqliteStorage storage, ModLogKey logKey, TimeProvider time,
    PostRemoval removal, PostRendering rendering) : IModerationStore
{
    private readonly Lock _writeLock = database.WriteLock;

    /// <summary>One write: a unit of work (the board's write lock, a connection, a transaction) the work commits (or not).</summary>
    private T Write<T>(Func<SqliteConnection, SqliteTransaction, T> work) => Write((unit, connection, tx) => work(connection, tx));

    private T Write<T>(Func<SqliteUnitOfWork, SqliteConnection, SqliteTransaction, T> work)
    {
        using var unit = SqliteUnitOfWork.Of(storage.Write());
        return work(unit, unit.Connection, unit.Transaction);
    }

    private void Write(Action<SqliteConnection, SqliteTransaction> work) => Write((connection, tx) =>
    {
        work(connection, tx);
        return true;
    });

    // ---------------------------------------------------------------- staff and sessions

    private const string StaffColumns = "s.id, s.name, s.handle, s.role, s.global";

    public int CountStaff()
    {
        using var connection = database.Open();
        return Query(connection, null, "SELECT count(*) FROM staff WHERE removed_at IS NULL", r => r.GetInt32(0))[0];
    }

    public IReadOnlyList<StaffMember> ListStaff()
    {
        using var connection = database.Open();
        return Query(connection, null, $"SELECT {StaffColumns} FROM staff s WHERE s.removed_at IS NULL ORDER BY s.id", ReadStaffRow)
            .Select(s => WithBoards(connection, null, s)).ToList();
    }

    public StaffMember? FindStaff(long id)
    {
        using var connection = database.Open();
        return FindStaff(connection, null, id);
    }

    private static StaffMember? FindStaff(SqliteConnection connection, SqliteTransaction? tx, long id) =>
        Query(connection, tx, $"SELECT {StaffColumns} FROM staff s WHERE s.id = $id AND s.removed_at IS NULL", ReadStaffRow, ("$id", id))
            .Select(s => WithBoards(connection, tx, s)).FirstOrDefault();

    public (StaffMember Member, string PasswordHash)? FindForSignIn(string name)
    {
        using var connection = database.Open();
        var found = Query(connection, null, $"SELECT {StaffColumns}, s.password_hash FROM staff s WHERE s.name = $name AND s.removed_at IS NULL",
            r => (Member: ReadStaffRow(r), Hash: r.GetString(5)), ("$name", name));
        return found.Count == 0 ? null : (WithBoards(connection, null, found[0].Member), found[0].Hash);
    }

    public StaffMember? AddStaff(string name, string? handle, StaffRole role, bool allBoards, IReadOnlyList<long> boardIds, string passwordHash, LogDraft log)
    {
        return Write<StaffMember?>((connection, tx) =>
        {
            var taken = Query(connection, tx, "SELECT 1 FROM staff WHERE name = $name OR handle = $handle", r => true,
                ("$name", name), ("$handle", handle ?? "")).Count > 0;
            if (taken)
            {
                return null;
            }
            // Without a chosen handle the log shows "staff-N": the sign-in name stays private.
            var id = Query(connection, tx, """
                INSERT INTO staff (name, handle, role, global, password_hash, created_at)
                VALUES ($name, coalesce($handle, 'staff-' || (SELECT coalesce(max(id), 0) + 1 FROM staff)), $role, $global, $hash, $now)
                RETURNING id
                """, r => r.GetInt64(0), ("$name", name), ("$handle", handle), ("$role", Permissions.Name(role)),
                ("$global", allBoards ? 1 : 0), ("$hash", passwordHash), ("$now", Now()))[0];
            foreach (var board in boardIds.Distinct())
            {
                Execute(connection, tx, "INSERT INTO staff_boards (staff_id, board_id) VALUES ($s, $b)", [("$s", id), ("$b", board)]);
            }
            var member = FindStaff(connection, tx, id)!;
            AppendLog(connection, tx, log, $"staff {member.Handle} ({Permissions.Name(role)}, {Scope(connection, tx, member)})", "");
            tx.Commit();
            return member;
        });
    }

    private static string Scope(SqliteConnection connection, SqliteTransaction tx, StaffMember member)
    {
        if (member.Role == StaffRole.Admin || member.Global)
        {
            return "all boards";
        }
        var slugs = member.BoardIds.Select(id => Query(connection, tx, "SELECT slug FROM boards WHERE id = $id", r => r.GetString(0), ("$id", id)).FirstOrDefault())
            .Where(s => s is not null).Select(s => $"/{s}/").ToList();
        return slugs.Count == 0 ? "no boards" : string.Join(' ', slugs);
    }

    public bool RemoveStaff(string name, LogDraft log)
    {
        return Write<bool>((connection, tx) =>
        {
            var handle = Query(connection, tx, "SELECT id, handle FROM staff WHERE name = $name AND removed_at IS NULL",
                r => (Id: r.GetInt64(0), Handle: r.GetString(1)), ("$name", name));
            if (handle.Count == 0)
            {
                return false;
            }
            Execute(connection, tx, "UPDATE staff SET name = NULL, password_hash = NULL, removed_at = $now WHERE id = $id",
                [("$now", Now()), ("$id", handle[0].Id)]);
            Execute(connection, tx, "DELETE FROM staff_sessions WHERE staff_id = $id", [("$id", handle[0].Id)]);
            Execute(connection, tx, "DELETE FROM staff_boards WHERE staff_id = $id", [("$id", handle[0].Id)]);
            AppendLog(connection, tx, log, $"staff {handle[0].Handle}", "");
            tx.Commit();
            return true;
        });
    }

    public bool SetPassword(string name, string passwordHash, LogDraft log)
    {
        return Write<bool>((connection, tx) =>
        {
            var found = Query(connection, tx, "SELECT id, handle FROM staff WHERE name = $name AND removed_at IS NULL",
                r => (Id: r.GetInt64(0), Handle: r.GetString(1)), ("$name", name));
            if (found.Count == 0)
            {
                return false;
            }
            Execute(connection, tx, "UPDATE staff SET password_hash = $hash WHERE id = $id", [("$hash", passwordHash), ("$id", found[0].Id)]);
            Execute(connection, tx, "DELETE FROM staff_sessions WHERE staff_id = $id", [("$id", found[0].Id)]);
            AppendLog(connection, tx, log, $"staff {found[0].Handle}", "");
            tx.Commit();
            return true;
        });
    }

    public void CreateSession(byte[] tokenHash, long staffId, DateTimeOffset now)
    {
        lock (_writeLock)
        {
            using var connection = database.Open();
            Execute(connection, null, "INSERT INTO staff_sessions (token_hash, staff_id, created_at, seen_at) VALUES ($t, $s, $now, $now)",
                [("$t", tokenHash), ("$s", staffId), ("$now", now.ToUnixTimeSeconds())]);
        }
    }

    public StaffMember? UseSession(byte[] tokenHash, DateTimeOffset now, DateTimeOffset idleSince, DateTimeOffset madeSince)
    {
        using var connection = database.Open();
        var session = Query(connection, null, "SELECT staff_id, created_at, seen_at FROM staff_sessions WHERE token_hash = $t",
            r => (Staff: r.GetInt64(0), Created: r.GetInt64(1), Seen: r.GetInt64(2)), ("$t", tokenHash));
        if (session.Count == 0)
        {
            return null;
        }
        var (staffId, created, seen) = session[0];
        if (seen < idleSince.ToUnixTimeSeconds() || created < madeSince.ToUnixTimeSeconds())
        {
            DeleteSession(tokenHash);
            return null;
        }
        // Written at most once a minute: a page view need not be a write.
        if (now.ToUnixTimeSeconds() - seen >= 60)
        {
            lock (_writeLock)
            {
                Execute(connection, null, "UPDATE staff_sessions SET seen_at = $now WHERE token_hash = $t",
                    [("$now", now.ToUnixTimeSeconds()), ("$t", tokenHash)]);
            }
        }
        return FindStaff(connection, null, staffId);
    }

    public void DeleteSession(byte[] tokenHash)
    {
        lock (_writeLock)
        {
            using var connection = database.Open();
            Execute(connection, null, "DELETE FROM staff_sessions WHERE token_hash = $t", [("$t", tokenHash)]);
        }
    }

    private static StaffMember ReadStaffRow(SqliteDataReader r) =>
        new(r.GetInt64(0), r.GetString(1), r.GetString(2), Permissions.Parse(r.GetString(3)) ?? StaffRole.Janitor, r.GetBoolean(4), []);

    private static StaffMember WithBoards(SqliteConnection connection, SqliteTransaction? tx, StaffMember member) =>
        member with
        {
            BoardIds = Query(connection, tx, "SELECT board_id FROM staff_boards WHERE staff_id = $s ORDER BY board_id", r => r.GetInt64(0), ("$s", member.Id)),
        };

    // ---------------------------------------------------------------- the log

    public LogEntry Append(UnitOfWork work, LogDraft log, string target, string textHash = "")
    {
        var unit = SqliteUnitOfWork.Of(work);
        return AppendLog(unit.Connection, unit.Transaction, log, target, textHash);
    }

    /// <summary>Appends inside the caller's transaction, so the action and its entry commit together.</summary>
    private LogEntry AppendLog(SqliteConnection connection, SqliteTransaction tx, LogDraft log, string target, string textHash)
    {
        var last = Query(connection, tx, "SELECT seq, hash FROM modlog ORDER BY seq DESC LIMIT 1", r => (Seq: r.GetInt64(0), Hash: r.GetString(1)));
        var seq = last.Count == 0 ? 1 : last[0].Seq + 1;
        var prev = last.Count == 0 ? ModLogFormat.Genesis : last[0].Hash;
        var at = DateTimeOffset.FromUnixTimeSeconds(Now());
        var draft = new LogEntry(seq, at, log.Actor, log.Action, target, textHash, log.Reason.Trim(), prev, "", "");
        var hash = ModLogFormat.HashBytes(seq, draft.Time, draft.Actor, draft.Action, target, textHash, draft.Reason, prev);
        var entry = draft with { Hash = Convert.ToHexStringLower(hash), Signature = logKey.Sign(hash) };
        Execute(connection, tx, """
            INSERT INTO modlog (seq, at, actor, action, target, text_hash, reason, prev_hash, hash, signature)
            VALUES ($seq, $at, $actor, $action, $target, $text, $reason, $prev, $hash, $sig)
            """, [("$seq", seq), ("$at", at.ToUnixTimeSeconds()), ("$actor", entry.Actor), ("$action", entry.Action), ("$target", target),
                ("$text", textHash), ("$reason", entry.Reason), ("$prev", prev), ("$hash", entry.Hash), ("$sig", entry.Signature)]);
        return entry;
    }

    public long CountLog()
    {
        using var connection = database.Open();
        return Query(connection, null, "SELECT count(*) FROM modlog", r => r.GetInt64(0))[0];
    }

    private const string LogColumns = "seq, at, actor, action, target, text_hash, reason, prev_hash, hash, signature";

    public IReadOnlyList<LogEntry> ReadLog(long? beforeSeq, int count)
    {
        using var connection = database.Open();
        return Query(connection, null, $"SELECT {LogColumns} FROM modlog WHERE seq < $before ORDER BY seq DESC LIMIT $n", ReadLogEntry,
            ("$before", beforeSeq ?? long.MaxValue), ("$n", count));
    }

    public IReadOnlyList<LogEntry> ReadLogOldestFirst()
    {
        using var connection = database.Open();
        return Query(connection, null, $"SELECT {LogColumns} FROM modlog ORDER BY seq", ReadLogEntry);
    }

    private static LogEntry ReadLogEntry(SqliteDataReader r) => new(
        r.GetInt64(0), DateTimeOffset.FromUnixTimeSeconds(r.GetInt64(1)), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5),
        r.GetString(6), r.GetString(7), r.GetString(8), r.GetString(9));

    // ---------------------------------------------------------------- posts and threads

    private sealed record PostRow(long Id, long No, long ThreadNo, string Body);

    private static PostRow? FindPostRow(SqliteConnection connection, SqliteTransaction? tx, long boardId, long no) =>
        Query(connection, tx, "SELECT id, no, thread_no, body FROM posts WHERE board_id = $b AND no = $no",
            r => new PostRow(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetString(3)), ("$b", boardId), ("$no", no)).FirstOrDefault();

    public StaffPostView? GetPost(long boardId, long no)
    {
        using var connection = database.Open();
        using var tx = connection.BeginTransaction(deferred: true);
        var post = Query(connection, tx, """
            SELECT p.id, p.no, p.thread_no, p.created_at, p.name, p.subject, p.body, p.hidden, p.banned_mark,
                   t.sticky, t.locked, t.bump_locked, i.tripcode, i.pseudonym, i.circuit, p.file_hash IS NOT NULL, p.file_spoiler
            FROM posts p JOIN threads t ON t.board_id = p.board_id AND t.no = p.thread_no
            LEFT JOIN post_identities i ON i.post_id = p.id
            WHERE p.board_id = $b AND p.no = $no
            """, r => new StaffPostView(r.GetInt64(0), boardId, r.GetInt64(1), r.GetInt64(2), DateTimeOffset.FromUnixTimeSeconds(r.GetInt64(3)),
                r.GetString(4), r.GetString(5), r.GetString(6), r.GetBoolean(7), r.GetBoolean(8), r.GetBoolean(9), r.GetBoolean(10),
                r.GetBoolean(11), [], new PosterIdentity(r.GetString(6), NullableString(r, 12), NullableString(r, 13), NullableString(r, 14)),
                r.GetBoolean(15), r.GetBoolean(16)),
            ("$b", boardId), ("$no", no)).FirstOrDefault();
        return post is null ? null : post with { Reports = ReportsOf(connection, tx, post.Id) };
    }

    private static string? NullableString(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    public ModOutcome DeletePost(Board board, long no, bool wholeThread, LogDraft log)
    {
        return Write<ModOutcome>((work, connection, tx) =>
        {
            var post = FindPostRow(connection, tx, board.Id, no);
            if (post is null)
            {
                return new ModOutcome.NotFound($"There is no post No. {no} on /{board.Slug}/.");
            }
            if (wholeThread || post.No == post.ThreadNo)
            {
                var op = FindPostRow(connection, tx, board.Id, post.ThreadNo)!;
                removal.DeleteThread(work, board.Id, post.ThreadNo);
                AppendLog(connection, tx, log with { Action = "delete thread" }, $"/{board.Slug}/{op.No}", ModLogFormat.TextHash(op.Body));
            }
            else
            {
                removal.DeleteReply(work, new PostRecord(post.Id, board.Id, post.No, post.ThreadNo, post.Body, null));
                AppendLog(connection, tx, log, $"/{board.Slug}/{post.No}", ModLogFormat.TextHash(post.Body));
            }
            var touched = work.TouchedThreads;
            work.Commit();
            return new ModOutcome.Done(touched, wholeThread || post.No == post.ThreadNo
                ? $"Thread No. {post.ThreadNo} was deleted." : $"Post No. {no} was deleted.");
        });
    }

    public ModOutcome SetPostMark(Board board, long no, PostMark mark, bool enable, LogDraft log)
    {
        return Write<ModOutcome>((connection, tx) =>
        {
            var post = FindPostRow(connection, tx, board.Id, no);
            if (post is null)
            {
                return new ModOutcome.NotFound($"There is no post No. {no} on /{board.Slug}/.");
            }
            var column = mark == PostMark.Hidden ? "hidden" : "banned_mark";
            // column is one of two names written here, never input.
            Execute(connection, tx, $"UPDATE posts SET {column} = $on WHERE id = $id", [("$on", enable ? 1 : 0), ("$id", post.Id)]);
            if (mark == PostMark.Hidden && !enable)
            {
                Execute(connection, tx, "INSERT OR REPLACE INTO reviewed_posts (post_id, reviewed_at) VALUES ($id, $now)", [("$id", post.Id), ("$now", Now())]);
            }
            AppendLog(connection, tx, log, $"/{board.Slug}/{post.No}", ModLogFormat.TextHash(post.Body));
            tx.Commit();
            return new ModOutcome.Done([new ThreadRef(board.Id, post.ThreadNo)], "Done.");
        });
    }

    public ModOutcome ChangeFile(Board board, long no, bool removeFile, LogDraft log)
    {
        return Write<ModOutcome>((work, connection, tx) =>
        {
            var post = FindPostRow(connection, tx, board.Id, no);
            var files = post is null ? [] : Query(connection, tx, "SELECT file_hash FROM posts WHERE id = $id AND file_hash IS NOT NULL",
                r => r.GetString(0), ("$id", post.Id));
            if (post is null || files.Count == 0)
            {
                return new ModOutcome.NotFound($"Post No. {no} on /{board.Slug}/ has no file.");
            }
            Execute(connection, tx, removeFile
                ? """
                  UPDATE posts SET file_hash = NULL, file_upload_hash = NULL, file_format = NULL, file_width = NULL,
                      file_height = NULL, file_bytes = NULL, thumb_width = NULL, thumb_height = NULL, file_spoiler = 0,
                      file_name = NULL
                  WHERE id = $id
                  """
                : "UPDATE posts SET file_spoiler = 1 WHERE id = $id", [("$id", post.Id)]);
            AppendLog(connection, tx, log, $"/{board.Slug}/{post.No}", ModLogFormat.TextHash(post.Body));
            if (removeFile)
            {
                removal.FreeUnused(work, files);
            }
            work.Touch(new ThreadRef(board.Id, post.ThreadNo));
            work.Commit();
            return new ModOutcome.Done([new ThreadRef(board.Id, post.ThreadNo)], removeFile ? "The file was deleted." : "The file is now a spoiler.");
        });
    }

    public ModOutcome SetThreadMark(Board board, long threadNo, ThreadMark flag, bool enable, LogDraft log)
    {
        return Write<ModOutcome>((connection, tx) =>
        {
            var post = FindPostRow(connection, tx, board.Id, threadNo);
            if (post is null || post.No != post.ThreadNo)
            {
                return new ModOutcome.NotFound($"There is no thread No. {threadNo} on /{board.Slug}/.");
            }
            var column = flag switch { ThreadMark.Sticky => "sticky", ThreadMark.Locked => "locked", _ => "bump_locked" };
            // column is one of three names written here, never input.
            Execute(connection, tx, $"UPDATE threads SET {column} = $on WHERE board_id = $b AND no = $t",
                [("$on", enable ? 1 : 0), ("$b", board.Id), ("$t", threadNo)]);
            AppendLog(connection, tx, log, $"/{board.Slug}/{threadNo}", ModLogFormat.TextHash(post.Body));
            tx.Commit();
            return new ModOutcome.Done([new ThreadRef(board.Id, threadNo)], "Done.");
        });
    }

    public ModOutcome MoveThread(Board from, long threadNo, Board target, LogDraft log)
    {
        return Write<ModOutcome>((work, connection, tx) =>
        {
            var op = FindPostRow(connection, tx, from.Id, threadNo);
            if (op is null || op.No != op.ThreadNo)
            {
                return new ModOutcome.NotFound($"There is no thread No. {threadNo} on /{from.Slug}/.");
            }
            var posts = Query(connection, tx, "SELECT id, no, thread_no, body FROM posts WHERE board_id = $b AND thread_no = $t ORDER BY no",
                r => new PostRow(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetString(3)), ("$b", from.Id), ("$t", threadNo));
            // New numbers on the target board, in the same order.
            var first = Query(connection, tx, "UPDATE boards SET next_post_no = next_post_no + $n WHERE id = $b RETURNING next_post_no - $n",
                r => r.GetInt64(0), ("$n", posts.Count), ("$b", target.Id))[0];
            var renumber = posts.Select((p, i) => (p.No, New: first + i)).ToDictionary(x => x.No, x => x.New);
            var newThread = renumber[threadNo];
            Execute(connection, tx, "UPDATE threads SET board_id = $to, no = $new, bump_seq = $new WHERE board_id = $from AND no = $t",
                [("$to", target.Id), ("$new", newThread), ("$from", from.Id), ("$t", threadNo)]);
            foreach (var p in posts)
            {
                // Quotes inside the thread are rewritten to the new numbers; quotes of posts that
                // stay behind become cross-board quotes. Only the quote syntax changes.
                var body = ThreadMove.RewriteQuotes(p.Body, from.Slug, renumber);
                Execute(connection, tx, "UPDATE posts SET board_id = $to, no = $new, thread_no = $thread, body = $body WHERE id = $id",
                    [("$to", target.Id), ("$new", renumber[p.No]), ("$thread", newThread), ("$body", body), ("$id", p.Id)]);
                Execute(connection, tx, "INSERT OR REPLACE INTO post_moves (from_board, from_no, to_board, to_no) VALUES ($fb, $fn, $tb, $tn)",
                    [("$fb", from.Id), ("$fn", p.No), ("$tb", target.Id), ("$tn", renumber[p.No])]);
                // Older moves that pointed at this post follow it.
                Execute(connection, tx, "UPDATE post_moves SET to_board = $tb, to_no = $tn WHERE to_board = $fb AND to_no = $fn AND NOT (from_board = $fb AND from_no = $fn)",
                    [("$fb", from.Id), ("$fn", p.No), ("$tb", target.Id), ("$tn", renumber[p.No])]);
            }
            work.Touch([new(from.Id, threadNo), new(target.Id, newThread)]);
            foreach (var p in posts)
            {
                rendering.Rerender(work, p.Id);
            }
            // Posts elsewhere that quoted the moved ones now link to where they went.
            rendering.RerenderQuotersOf(work, from.Id, posts.Select(p => p.No));
            work.TouchBoards();
            var touched = work.TouchedThreads;
            Execute(connection, tx, "UPDATE boards SET last_post_at = coalesce(last_post_at, unixepoch()) WHERE id = $b", [("$b", target.Id)]);
            AppendLog(connection, tx, log, $"/{from.Slug}/{threadNo} -> /{target.Slug}/{newThread}", ModLogFormat.TextHash(op.Body));
            work.Commit();
            return new ModOutcome.Done(touched, $"Thread No. {threadNo} is now /{target.Slug}/ No. {newThread}.");
        });
    }

    // ---------------------------------------------------------------- reports

    public ReportOutcome AddReport(Board board, long no, string category, string detail, int autoHideAt, bool counts, DateTimeOffset now)
    {
        return Write<ReportOutcome>((connection, tx) =>
        {
            var post = FindPostRow(connection, tx, board.Id, no);
            if (post is null)
            {
                return new ReportOutcome.NotFound();
            }
            InsertReport(connection, tx, post.Id, category, detail, now, counts);
            var hidden = false;
            if (autoHideAt > 0 && counts)
            {
                // Hidden automatically only until staff have looked at the post once.
                hidden = Execute(connection, tx, """
                    UPDATE posts SET hidden = 1
                    WHERE id = $p AND hidden = 0 AND NOT EXISTS (SELECT 1 FROM reviewed_posts WHERE post_id = $p)
                      AND (SELECT count(*) FROM reports WHERE post_id = $p AND counts = 1) >= $n
                    """, [("$p", post.Id), ("$n", autoHideAt)]) == 1;
            }
            tx.Commit();
            return new ReportOutcome.Filed(hidden, hidden ? [new ThreadRef(board.Id, post.ThreadNo)] : []);
        });
    }

    /// <summary>One report row; also written by the posting transaction for a post a filter holds.</summary>
    // counts = 0: kept for staff, but not one of the N reports that hide a post by themselves (see ReportGate).
    internal static void InsertReport(SqliteConnection connection, SqliteTransaction tx, long postId, string category, string detail, DateTimeOffset now, bool counts = true) =>
        Execute(connection, tx, "INSERT INTO reports (post_id, category, detail, created_at, counts) VALUES ($p, $c, $d, $now, $counts)",
            [("$p", postId), ("$c", category), ("$d", detail), ("$now", now.ToUnixTimeSeconds()), ("$counts", counts ? 1 : 0)]);

    public IReadOnlyList<ReportGroup> ReportQueue()
    {
        using var connection = database.Open();
        using var tx = connection.BeginTransaction(deferred: true);
        var groups = Query(connection, tx, """
            SELECT p.id, b.id, b.slug, p.no, p.thread_no, substr(p.body, 1, 200), p.hidden, count(r.id)
            FROM reports r JOIN posts p ON p.id = r.post_id JOIN boards b ON b.id = p.board_id
            GROUP BY p.id ORDER BY count(r.id) DESC, min(r.created_at)
            LIMIT 200
            """, r => (PostId: r.GetInt64(0), Group: new ReportGroup(r.GetInt64(1), r.GetString(2), r.GetInt64(3), r.GetInt64(4), r.GetString(5),
                r.GetBoolean(6), r.GetInt32(7), [])));
        return groups.Select(g => g.Group with { Reports = ReportsOf(connection, tx, g.PostId) }).ToList();
    }

    private static List<Report> ReportsOf(SqliteConnection connection, SqliteTransaction? tx, long postId) =>
        Query(connection, tx, "SELECT id, category, detail, created_at FROM reports WHERE post_id = $p ORDER BY id",
            r => new Report(r.GetInt64(0), r.GetString(1), r.GetString(2), DateTimeOffset.FromUnixTimeSeconds(r.GetInt64(3))), ("$p", postId));

    public ModOutcome DismissReports(Board board, long no, LogDraft log)
    {
        return Write<ModOutcome>((connection, tx) =>
        {
            var post = FindPostRow(connection, tx, board.Id, no);
            if (post is null)
            {
                return new ModOutcome.NotFound($"There is no post No. {no} on /{board.Slug}/.");
            }
            var count = Execute(connection, tx, "DELETE FROM reports WHERE post_id = $p", [("$p", post.Id)]);
            Execute(connection, tx, "UPDATE posts SET hidden = 0 WHERE id = $p", [("$p", post.Id)]);
            Execute(connection, tx, "INSERT OR REPLACE INTO reviewed_posts (post_id, reviewed_at) VALUES ($p, $now)", [("$p", post.Id), ("$now", Now())]);
            AppendLog(connection, tx, log with { Action = $"dismiss {count} report{(count == 1 ? "" : "s")}" }, $"/{board.Slug}/{post.No}",
                ModLogFormat.TextHash(post.Body));
            tx.Commit();
            return new ModOutcome.Done([new ThreadRef(board.Id, post.ThreadNo)], $"{count} report(s) on No. {no} dismissed; the post is shown.");
        });
    }

    // ---------------------------------------------------------------- bans and appeals

    private const string BanSelect = """
        SELECT x.id, x.board_id, b.slug, x.kind, x.value, x.reason, x.created_at, x.expires_at, x.lifted_at
        FROM bans x LEFT JOIN boards b ON b.id = x.board_id
        """;

    public Ban AddBan(BanDraft ban, LogDraft log)
    {
        return Write<Ban>((connection, tx) =>
        {
            var id = Query(connection, tx, """
                INSERT INTO bans (board_id, kind, value, reason, created_at, expires_at, created_by)
                VALUES ($b, $kind, $value, $reason, $now, $expires, $staff) RETURNING id
                """, r => r.GetInt64(0), ("$b", ban.BoardId), ("$kind", BanKinds.Name(ban.Kind)), ("$value", ban.Value),
                ("$reason", ban.Reason.Trim()), ("$now", ban.Now.ToUnixTimeSeconds()), ("$expires", ban.Expires?.ToUnixTimeSeconds()),
                ("$staff", ban.StaffId))[0];
            var stored = Query(connection, tx, $"{BanSelect} WHERE x.id = $id", ReadBan, ("$id", id))[0];
            // The log names the kind, scope and expiry, not the value: a tripcode or circuit in a
            // public log would tie the ban to a person for everyone.
            AppendLog(connection, tx, log with { Action = $"ban {BanKinds.Name(ban.Kind)} until {stored.ExpiryText}" },
                $"ban {id} on {stored.Scope}", "");
            tx.Commit();
            return stored;
        });
    }

    public IReadOnlyList<Ban> ActiveBans(long boardId, DateTimeOffset now)
    {
        using var connection = database.Open();
        return Query(connection, null, $"""
            {BanSelect}
            WHERE x.lifted_at IS NULL AND (x.expires_at IS NULL OR x.expires_at > $now) AND (x.board_id IS NULL OR x.board_id = $b)
            ORDER BY x.id
            """, ReadBan, ("$now", now.ToUnixTimeSeconds()), ("$b", boardId));
    }

    public IReadOnlyList<Ban> ListBans(DateTimeOffset now, bool includeInactive)
    {
        using var connection = database.Open();
        return Query(connection, null, $"""
            {BanSelect}
            WHERE $all OR (x.lifted_at IS NULL AND (x.expires_at IS NULL OR x.expires_at > $now))
            ORDER BY x.id DESC LIMIT 500
            """, ReadBan, ("$now", now.ToUnixTimeSeconds()), ("$all", includeInactive ? 1 : 0));
    }

    public Ban? FindBan(long id)
    {
        using var connection = database.Open();
        return Query(connection, null, $"{BanSelect} WHERE x.id = $id", ReadBan, ("$id", id)).FirstOrDefault();
    }

    public bool LiftBan(long id, DateTimeOffset now, LogDraft log)
    {
        return Write<bool>((connection, tx) =>
        {
            var lifted = Execute(connection, tx, "UPDATE bans SET lifted_at = $now WHERE id = $id AND lifted_at IS NULL",
                [("$now", now.ToUnixTimeSeconds()), ("$id", id)]) == 1;
            if (!lifted)
            {
                return false;
            }
            AppendLog(connection, tx, log, $"ban {id}", "");
            tx.Commit();
            return true;
        });
    }

    public AppealOutcome AddAppeal(long banId, string text, DateTimeOffset now)
    {
        return Write<AppealOutcome>((connection, tx) =>
        {
            if (Query(connection, tx, "SELECT 1 FROM bans WHERE id = $id", r => true, ("$id", banId)).Count == 0)
            {
                return new AppealOutcome.NoSuchBan();
            }
            var added = Execute(connection, tx, "INSERT OR IGNORE INTO ban_appeals (ban_id, text, created_at) VALUES ($id, $text, $now)",
                [("$id", banId), ("$text", text), ("$now", now.ToUnixTimeSeconds())]) == 1;
            tx.Commit();
            return added ? new AppealOutcome.Filed() : new AppealOutcome.AlreadyFiled();
        });
    }

    public IReadOnlyList<Appeal> ListAppeals(bool pendingOnly)
    {
        using var connection = database.Open();
        return Query(connection, null, $"""
            SELECT a.ban_id, a.text, a.created_at, a.answer, a.granted,
                   x.id, x.board_id, b.slug, x.kind, x.value, x.reason, x.created_at, x.expires_at, x.lifted_at
            FROM ban_appeals a JOIN bans x ON x.id = a.ban_id LEFT JOIN boards b ON b.id = x.board_id
            WHERE NOT $pending OR a.answered_at IS NULL
            ORDER BY a.created_at LIMIT 200
            """, r => new Appeal(r.GetInt64(0), r.GetString(1), DateTimeOffset.FromUnixTimeSeconds(r.GetInt64(2)), NullableString(r, 3),
                r.IsDBNull(4) ? null : r.GetBoolean(4), ReadBan(r, 5)), ("$pending", pendingOnly ? 1 : 0));
    }

    public bool AnswerAppeal(long banId, string answer, bool grant, long staffId, DateTimeOffset now, LogDraft log)
    {
        return Write<bool>((connection, tx) =>
        {
            var answered = Execute(connection, tx, """
                UPDATE ban_appeals SET answer = $answer, answered_at = $now, answered_by = $staff, granted = $grant
                WHERE ban_id = $id AND answered_at IS NULL
                """, [("$answer", answer), ("$now", now.ToUnixTimeSeconds()), ("$staff", staffId), ("$grant", grant ? 1 : 0), ("$id", banId)]) == 1;
            if (!answered)
            {
                return false;
            }
            if (grant)
            {
                Execute(connection, tx, "UPDATE bans SET lifted_at = $now WHERE id = $id AND lifted_at IS NULL", [("$now", now.ToUnixTimeSeconds()), ("$id", banId)]);
            }
            AppendLog(connection, tx, log with { Action = grant ? "grant appeal (ban lifted)" : "deny appeal" }, $"ban {banId}", "");
            tx.Commit();
            return true;
        });
    }

    private static Ban ReadBan(SqliteDataReader r) => ReadBan(r, 0);

    private static Ban ReadBan(SqliteDataReader r, int i) => new(
        r.GetInt64(i), r.IsDBNull(i + 1) ? null : r.GetInt64(i + 1), NullableString(r, i + 2), BanKinds.Parse(r.GetString(i + 3)) ?? BanKind.Text,
        r.GetString(i + 4), r.GetString(i + 5), DateTimeOffset.FromUnixTimeSeconds(r.GetInt64(i + 6)),
        r.IsDBNull(i + 7) ? null : DateTimeOffset.FromUnixTimeSeconds(r.GetInt64(i + 7)),
        r.IsDBNull(i + 8) ? null : DateTimeOffset.FromUnixTimeSeconds(r.GetInt64(i + 8)));

    // ---------------------------------------------------------------- filters

    public IReadOnlyList<FilterRule> ListFilters()
    {
        using var connection = database.Open();
        return Query(connection, null, """
            SELECT f.id, f.board_id, b.slug, f.pattern, f.is_regex, f.action, f.replacement
            FROM filters f LEFT JOIN boards b ON b.id = f.board_id ORDER BY f.id
            """, r => new FilterRule(r.GetInt64(0), r.IsDBNull(1) ? null : r.GetInt64(1), NullableString(r, 2), r.GetString(3), r.GetBoolean(4),
                Filters.Parse(r.GetString(5)) ?? FilterAction.Hold, r.GetString(6)));
    }

    public FilterRule AddFilter(FilterRule rule, DateTimeOffset now, LogDraft log)
    {
        return Write<FilterRule>((connection, tx) =>
        {
            var id = Query(connection, tx, """
                INSERT INTO filters (board_id, pattern, is_regex, action, replacement, created_at)
                VALUES ($b, $p, $regex, $action, $replacement, $now) RETURNING id
                """, r => r.GetInt64(0), ("$b", rule.BoardId), ("$p", rule.Pattern), ("$regex", rule.IsRegex ? 1 : 0),
                ("$action", Filters.Name(rule.Action)), ("$replacement", rule.Replacement), ("$now", now.ToUnixTimeSeconds()))[0];
            var slug = rule.BoardId is { } b ? Query(connection, tx, "SELECT slug FROM boards WHERE id = $b", r => r.GetString(0), ("$b", b)).FirstOrDefault() : null;
            // Like bans, the log does not publish the pattern: it would teach how to get around it.
            AppendLog(connection, tx, log with { Action = $"add filter ({Filters.Name(rule.Action)})" }, $"filter {id} on {(slug is null ? "all boards" : $"/{slug}/")}", "");
            tx.Commit();
            return rule with { Id = id, BoardSlug = slug };
        });
    }

    public bool RemoveFilter(long id, LogDraft log)
    {
        return Write<bool>((connection, tx) =>
        {
            if (Execute(connection, tx, "DELETE FROM filters WHERE id = $id", [("$id", id)]) != 1)
            {
                return false;
            }
            AppendLog(connection, tx, log, $"filter {id}", "");
            tx.Commit();
            return true;
        });
    }

    // ---------------------------------------------------------------- board policies

    public BoardPolicy GetPolicy(long boardId)
    {
        using var connection = database.Open();
        return Query(connection, null, "SELECT rules, auto_hide_reports FROM board_policies WHERE board_id = $b",
            r => new BoardPolicy(r.GetString(0), r.GetInt32(1)), ("$b", boardId)).FirstOrDefault() ?? BoardPolicy.Default;
    }

    public void SetPolicy(UnitOfWork work, long boardId, BoardPolicy policy)
    {
        var unit = SqliteUnitOfWork.Of(work);
        Execute(unit.Connection, unit.Transaction, """
            INSERT INTO board_policies (board_id, rules, auto_hide_reports) VALUES ($b, $rules, $n)
            ON CONFLICT (board_id) DO UPDATE SET rules = excluded.rules, auto_hide_reports = excluded.auto_hide_reports
            """, [("$b", boardId), ("$rules", policy.Rules), ("$n", policy.AutoHideReports)]);
    }

    // ---------------------------------------------------------------- identities

    public void RecordIdentity(UnitOfWork work, long postId, PosterIdentity identity, DateTimeOffset now)
    {
        var unit = SqliteUnitOfWork.Of(work);
        InsertIdentity(unit.Connection, unit.Transaction, postId, identity, now);
    }

    public void AddHeldReport(UnitOfWork work, long postId, string detail, DateTimeOffset now)
    {
        var unit = SqliteUnitOfWork.Of(work);
        InsertReport(unit.Connection, unit.Transaction, postId, "other", detail, now);
    }

    /// <summary>
    /// What the posting path knew about the poster, written by the same transaction as the post
    /// (a crash between two transactions would leave a post that "delete everything by" misses).
    /// </summary>
    internal static void InsertIdentity(SqliteConnection connection, SqliteTransaction tx, long postId, PosterIdentity identity, DateTimeOffset now)
    {
        if (identity.Tripcode is null && identity.PseudonymFingerprint is null && identity.CircuitId is null)
        {
            return;
        }
        Execute(connection, tx, """
            INSERT OR REPLACE INTO post_identities (post_id, tripcode, pseudonym, circuit, created_at)
            VALUES ($id, $trip, $pseudonym, $circuit, $now)
            """, [("$id", postId), ("$trip", identity.Tripcode), ("$pseudonym", identity.PseudonymFingerprint), ("$circuit", identity.CircuitId),
                ("$now", now.ToUnixTimeSeconds())]);
    }

    public int ForgetCircuits(DateTimeOffset before)
    {
        lock (_writeLock)
        {
            using var connection = database.Open();
            return Execute(connection, null, "UPDATE post_identities SET circuit = NULL WHERE circuit IS NOT NULL AND created_at < $t",
                [("$t", before.ToUnixTimeSeconds())]);
        }
    }

    public IReadOnlyList<PurgeItem> FindByIdentity(BanKind kind, string value, IReadOnlyList<long>? boardIds)
    {
        var column = kind switch
        {
            BanKind.Tripcode => "tripcode",
            BanKind.Pseudonym => "pseudonym",
            BanKind.Circuit => "circuit",
            _ => throw new ArgumentOutOfRangeException(nameof(kind), "Only tripcodes, pseudonyms and circuits name a poster."),
        };
        using var connection = database.Open();
        // column is one of three names written here, never input.
        return Query(connection, null, $"""
            SELECT p.board_id, b.slug, p.no, p.thread_no, substr(p.body, 1, 160)
            FROM post_identities i JOIN posts p ON p.id = i.post_id JOIN boards b ON b.id = p.board_id
            WHERE i.{column} = $v ORDER BY b.slug, p.no LIMIT 1000
            """, r => new PurgeItem(r.GetInt64(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3), r.GetString(4)), ("$v", value))
            .Where(p => boardIds is null || boardIds.Contains(p.BoardId)).ToList();
    }

    private long Now() => time.GetUtcNow().ToUnixTimeSeconds();
}
