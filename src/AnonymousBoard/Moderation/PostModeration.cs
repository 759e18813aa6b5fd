using AnonymousBoard.Boards;
using AnonymousBoard.Gate;
using AnonymousBoard.Removal;
using AnonymousBoard.Storage;

namespace AnonymousBoard.Moderation;

/// <summary>A staff action on one post or thread, as the forms name it.</summary>
public sealed record PostAction(string Name, string Label, StaffRight Permission, bool ThreadOnly);

/// <summary>
/// Staff actions on posts and threads, and "delete everything by": find the target → check the
/// member's role and boards → check the input (a reason is always required) → the change and its
/// log entry in one unit of work → commit (the commit listeners refresh the prepared pages).
/// </summary>
public sealed class PostModeration(IStorage storage, IRemovalStore posts, IPostActionStore store, IReportStore reports,
    IPosterIdentityStore identities, PostRemoval removal, ThreadMove move, ModLogWriter log, BoardDirectory boards, TimeProvider time)
{
    public static readonly IReadOnlyList<PostAction> PostActions =
    [
        new("delete-post", "Delete post", StaffRight.DeletePost, false),
        new("delete-thread", "Delete whole thread", StaffRight.DeletePost, false),
        new("delete-file", "Delete file only", StaffRight.DeleteFile, false),
        new("spoiler-file", "Spoiler the file", StaffRight.SpoilerFile, false),
        new("mark-banned", "Mark \"USER WAS BANNED FOR THIS POST\"", StaffRight.MarkBanned, false),
        new("unmark-banned", "Remove the banned mark", StaffRight.MarkBanned, false),
        new("hide", "Hide pending review", StaffRight.HandleReports, false),
        new("unhide", "Show again (reviewed)", StaffRight.HandleReports, false),
        new("dismiss-reports", "Dismiss reports (keep the post)", StaffRight.HandleReports, false),
        new("sticky", "Sticky", StaffRight.Sticky, true),
        new("unsticky", "Unsticky", StaffRight.Sticky, true),
        new("lock", "Lock", StaffRight.Lock, true),
        new("unlock", "Unlock", StaffRight.Lock, true),
        new("bump-lock", "Bump-lock (autosage)", StaffRight.BumpLock, true),
        new("bump-unlock", "Remove bump-lock", StaffRight.BumpLock, true),
        new("move", "Move thread to board", StaffRight.MoveThread, true),
    ];

    /// <summary>
    /// Whether <paramref name="action"/> would change anything on <paramref name="post"/> as it is now:
    /// the staff page offers only those (no "Unlock" on an open thread, no file actions without a file).
    /// Thread actions look at the post's thread. Acting anyway is harmless; it is just not offered.
    /// </summary>
    public static bool Changes(PostAction action, StaffPostView post)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(post);
        return action.Name switch
        {
            "delete-file" => post.HasFile,
            "spoiler-file" => post.HasFile && !post.FileSpoiler,
            "mark-banned" => !post.BannedMark,
            "unmark-banned" => post.BannedMark,
            "hide" => !post.Hidden,
            "unhide" => post.Hidden,
            "dismiss-reports" => post.Reports.Count > 0,
            "sticky" => !post.Sticky,
            "unsticky" => post.Sticky,
            "lock" => !post.Locked,
            "unlock" => post.Locked,
            "bump-lock" => !post.BumpLocked,
            "bump-unlock" => post.BumpLocked,
            _ => true,
        };
    }

    /// <summary>A post as the staff page shows it, or null.</summary>
    public StaffPostView? GetPost(long boardId, long no)
    {
        using var work = storage.Read();
        return store.FindPost(work, boardId, no);
    }

    public ModResult ActOnPost(StaffMember actor, string boardSlug, long no, string action, string? reason, string? toBoard)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (boards.Find(boardSlug) is not { } board)
        {
            return ModResult.NotFound($"There is no board /{boardSlug}/.");
        }
        if (PostActions.FirstOrDefault(a => a.Name == action) is not { } act)
        {
            return ModResult.BadRequest("Choose an action.");
        }
        if (!actor.May(act.Permission, board.Id))
        {
            return ModResult.Forbidden($"\"{act.Label}\" on /{board.Slug}/");
        }
        if (ModResult.CheckReason(reason) is { } bad)
        {
            return bad;
        }
        using var work = storage.Write();
        if (posts.FindPost(work, board.Id, no) is not { } post)
        {
            return ModResult.NotFound($"There is no post No. {no} on /{board.Slug}/.");
        }
        var entry = new LogDraft(actor.Handle, act.Name.Replace('-', ' '), reason!.Trim());
        var result = act.Name switch
        {
            "delete-file" or "spoiler-file" => ChangeFile(work, board, no, removeFile: act.Name == "delete-file", entry),
            "delete-post" => Delete(work, board, no, wholeThread: false, entry),
            "delete-thread" => Delete(work, board, no, wholeThread: true, entry),
            "mark-banned" or "unmark-banned" => SetPostMark(work, board, no, PostMark.BannedForThisPost, act.Name == "mark-banned", entry),
            "hide" or "unhide" => SetPostMark(work, board, no, PostMark.Hidden, act.Name == "hide", entry),
            "dismiss-reports" => DismissReports(work, board, no, entry),
            "move" => Move(work, actor, board, post.ThreadNo, toBoard, entry with { Action = "move thread" }),
            _ => SetThreadMark(work, board, post.ThreadNo,
                act.Name.Contains("sticky", StringComparison.Ordinal) ? ThreadMark.Sticky
                    : act.Name.Contains("bump", StringComparison.Ordinal) ? ThreadMark.BumpLocked : ThreadMark.Locked,
                !act.Name.StartsWith("un", StringComparison.Ordinal) && act.Name != "bump-unlock", entry),
        };
        if (result is ModResult.Done)
        {
            work.Commit();
        }
        return result;
    }

    private ModResult Move(UnitOfWork work, StaffMember actor, Board board, long threadNo, string? toBoard, LogDraft entry)
    {
        if (boards.Find(toBoard ?? "") is not { } target || target.Id == board.Id)
        {
            return ModResult.BadRequest("Choose another existing board to move the thread to.");
        }
        if (!actor.May(StaffRight.MoveThread, target.Id))
        {
            return ModResult.Forbidden($"move threads to /{target.Slug}/");
        }
        return move.Move(work, board, threadNo, target, entry);
    }

    private ModResult Delete(UnitOfWork work, Board board, long no, bool wholeThread, LogDraft entry)
    {
        if (posts.FindPost(work, board.Id, no) is not { } post)
        {
            return ModResult.NotFound($"There is no post No. {no} on /{board.Slug}/.");
        }
        if (wholeThread || post.IsThread)
        {
            var op = posts.FindPost(work, board.Id, post.ThreadNo)!;
            removal.DeleteThread(work, board.Id, post.ThreadNo);
            log.Append(work, entry with { Action = "delete thread" }, $"/{board.Slug}/{op.No}", ModLogFormat.TextHash(op.Body));
            return new ModResult.Done($"Thread No. {post.ThreadNo} was deleted.");
        }
        removal.DeleteReply(work, post);
        log.Append(work, entry, $"/{board.Slug}/{post.No}", ModLogFormat.TextHash(post.Body));
        return new ModResult.Done($"Post No. {no} was deleted.");
    }

    private ModResult SetPostMark(UnitOfWork work, Board board, long no, PostMark mark, bool enable, LogDraft entry)
    {
        if (posts.FindPost(work, board.Id, no) is not { } post)
        {
            return ModResult.NotFound($"There is no post No. {no} on /{board.Slug}/.");
        }
        store.SetPostMark(work, post.Id, mark, enable);
        if (mark == PostMark.Hidden && !enable)
        {
            reports.MarkReviewed(work, post.Id, time.GetUtcNow());
        }
        log.Append(work, entry, $"/{board.Slug}/{post.No}", ModLogFormat.TextHash(post.Body));
        work.Touch(new ThreadRef(board.Id, post.ThreadNo));
        return new ModResult.Done("Done.");
    }

    /// <summary>Removes a post's image (the post stays) or marks it as a spoiler.</summary>
    private ModResult ChangeFile(UnitOfWork work, Board board, long no, bool removeFile, LogDraft entry)
    {
        var post = posts.FindPost(work, board.Id, no);
        if (post is null || store.FindFile(work, post.Id) is not { } file)
        {
            return ModResult.NotFound($"Post No. {no} on /{board.Slug}/ has no file.");
        }
        if (removeFile)
        {
            store.RemoveFile(work, post.Id);
        }
        else
        {
            store.SpoilerFile(work, post.Id);
        }
        log.Append(work, entry, $"/{board.Slug}/{post.No}", ModLogFormat.TextHash(post.Body));
        if (removeFile)
        {
            removal.FreeUnused(work, [file]);
        }
        work.Touch(new ThreadRef(board.Id, post.ThreadNo));
        return new ModResult.Done(removeFile ? "The file was deleted." : "The file is now a spoiler.");
    }

    private ModResult SetThreadMark(UnitOfWork work, Board board, long threadNo, ThreadMark mark, bool enable, LogDraft entry)
    {
        if (posts.FindPost(work, board.Id, threadNo) is not { IsThread: true } op)
        {
            return ModResult.NotFound($"There is no thread No. {threadNo} on /{board.Slug}/.");
        }
        store.SetThreadMark(work, board.Id, threadNo, mark, enable);
        log.Append(work, entry, $"/{board.Slug}/{threadNo}", ModLogFormat.TextHash(op.Body));
        work.Touch(new ThreadRef(board.Id, threadNo));
        return new ModResult.Done("Done.");
    }

    private ModResult DismissReports(UnitOfWork work, Board board, long no, LogDraft entry)
    {
        if (posts.FindPost(work, board.Id, no) is not { } post)
        {
            return ModResult.NotFound($"There is no post No. {no} on /{board.Slug}/.");
        }
        var count = reports.Dismiss(work, post.Id);
        reports.MarkReviewed(work, post.Id, time.GetUtcNow());
        log.Append(work, entry with { Action = $"dismiss {count} report{(count == 1 ? "" : "s")}" }, $"/{board.Slug}/{post.No}",
            ModLogFormat.TextHash(post.Body));
        work.Touch(new ThreadRef(board.Id, post.ThreadNo));
        return new ModResult.Done($"{count} report(s) on No. {no} dismissed; the post is shown.");
    }

    // ------------------------------------------------------------ delete everything by ...

    public (IReadOnlyList<PurgeItem> Items, ModResult.Refused? Refused) PreviewPurge(StaffMember actor, string? kindName, string? value)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (BanKinds.Parse(kindName) is not ({ } kind and (BanKind.Tripcode or BanKind.Pseudonym or BanKind.Circuit)))
        {
            return ([], ModResult.BadRequest("Choose a tripcode, a pseudonym or a circuit."));
        }
        if (string.IsNullOrWhiteSpace(value))
        {
            return ([], ModResult.BadRequest("Type the tripcode, pseudonym or circuit."));
        }
        if (!actor.May(StaffRight.DeleteByIdentity, null) && !actor.BoardIds.Any(b => actor.May(StaffRight.DeleteByIdentity, b)))
        {
            return ([], ModResult.Forbidden("delete everything by a poster"));
        }
        using var work = storage.Read();
        var items = identities.FindBy(work, kind, value.Trim()).Where(i => actor.May(StaffRight.DeleteByIdentity, i.BoardId)).ToList();
        return (items, null);
    }

    public ModResult Purge(StaffMember actor, string? kindName, string? value, string? reason)
    {
        var (items, refused) = PreviewPurge(actor, kindName, value);
        if (refused is not null)
        {
            return refused;
        }
        if (ModResult.CheckReason(reason) is { } bad)
        {
            return bad;
        }
        var deleted = 0;
        var entry = new LogDraft(actor.Handle, $"delete post (everything by {kindName})", reason!.Trim());
        // Opening posts first: a thread's replies go with it. Each post and its log entry in a unit of work of its own.
        foreach (var item in items.OrderByDescending(i => i.No == i.ThreadNo))
        {
            if (boards.All.FirstOrDefault(b => b.Id == item.BoardId) is not { } board)
            {
                continue;
            }
            using var work = storage.Write();
            if (Delete(work, board, item.No, wholeThread: false, entry) is ModResult.Done)
            {
                work.Commit();
                deleted++;
            }
        }
        return new ModResult.Done($"{deleted} post(s) deleted.");
    }
}
