using System.Security.Cryptography;
using System.Text;
using AnonymousBoard.Boards;
using AnonymousBoard.Gate;
using AnonymousBoard.Identity;
using AnonymousBoard.Markup;
using AnonymousBoard.Media;
using AnonymousBoard.Reading;
using AnonymousBoard.Removal;
using AnonymousBoard.Settings;
using AnonymousBoard.Storage;
using Microsoft.Extensions.Options;

namespace AnonymousBoard.Posting;

/// <summary>What became of a submitted post.</summary>
public abstract record PostResult
{
    private PostResult() { }
    /// <summary>Written (or found already written, for an identical resubmit).</summary>
    public sealed record Accepted(long No, long ThreadNo) : PostResult;
    /// <summary>Not written; the form goes back with these messages and everything typed.</summary>
    /// <param name="Ticket">The ticket for the form that goes back, when the gate chose it (a place in the queue).</param>
    public sealed record Rejected(int StatusCode, IReadOnlyList<string> Errors, TicketOffer? Ticket = null) : PostResult;
    /// <summary>A ban applies; the form goes back with the ban's reason, expiry and id, and everything typed.</summary>
    public sealed record Banned(Ban Ban) : PostResult;
}

public abstract record DeleteResult
{
    private DeleteResult() { }
    public sealed record Deleted(long ThreadNo, bool WasThread) : DeleteResult;
    public sealed record Refused(int StatusCode, string Error) : DeleteResult;
}

/// <summary>
/// The straight line from a submitted form to a stored post: validate, check limits, write in one
/// transaction, refresh the prepared pages.
/// </summary>
public sealed class PostingService(
    IStorage storage, GroupCommit writer, IPostingStore posts, PostRendering rendering, PostRemoval removal, IdentityService identities, MediaService media, TimeProvider time,
    IOptions<BoardOptions> options, Bans bans, Filters filters, AdmissionGate gate, ILogger<PostingService> log)
{
    /// <param name="circuit">The tor circuit the request came on, when the listener knows it.</param>
    public async Task<PostResult> SubmitAsync(Board board, PostForm form, SpooledUpload? upload, uint? circuit, CancellationToken ct)
    {
        try
        {
            return await CheckAndWriteAsync(board, form, upload, circuit, ct);
        }
        catch (Exception e) when (StorageFailure.Reason(e) is { } reason)
        {
            // A read before the write failed (a PostgreSQL server away, say): refused like a failed write, with the text kept.
            LogStorageFailure(log, e.Message, null);
            return StorageRefusal(reason);
        }
    }

    private async Task<PostResult> CheckAndWriteAsync(Board board, PostForm form, SpooledUpload? upload, uint? circuit, CancellationToken ct)
    {
        if (form.BadThread is { } bad)
        {
            return new PostResult.Rejected(StatusCodes.Status400BadRequest, [$"\"{bad}\" is not a thread number."]);
        }
        if (upload?.NotStored is { } full)
        {
            // Before the gate, so the ticket is not spent on a post the board could not take.
            LogStorageFailure(log, $"the upload could not be spooled (the board {full})", null);
            return StorageRefusal(full);
        }
        // Tripcode keys are split off the name before it is checked, and never stored.
        var shown = new PostForm { Name = IdentityService.DisplayName(form.Name), Subject = form.Subject, Body = form.Body, Password = form.Password };
        var (post, errors) = PostRules.Check(shown, board.Settings, isNewThread: form.Thread is null, hasImage: upload is not null);
        if (post is null)
        {
            return new PostResult.Rejected(StatusCodes.Status400BadRequest, errors);
        }
        bool held;
        switch (filters.Apply(board, post.Name, post.Subject, post.Body))
        {
            case FilterVerdict.Rejected rejected:
                return new PostResult.Rejected(StatusCodes.Status403Forbidden, [rejected.Message]);
            case FilterVerdict.Pass pass:
                post = new CleanPost(pass.Name, pass.Subject, pass.Body);
                held = pass.Held;
                break;
            default:
                throw new InvalidOperationException("Unknown filter verdict.");
        }
        // The gate comes before anything expensive (key derivation, image decoding) and spends the ticket.
        var admission = gate.Admit(form.Ticket, board.Slug, circuit, form.Stamp);
        switch (admission.Outcome)
        {
            case AdmissionOutcome.Admitted:
                break;
            case AdmissionOutcome.AlreadyPosted:
                // The same form sent twice (a double click, a retried circuit): answer with the first post.
                var hash = ContentHash(form.Thread, post, form.IsSage, null);
                return FindRecentDuplicate(board.Id, hash) is { } first
                    ? new PostResult.Accepted(first.No, first.ThreadNo)
                    : new PostResult.Rejected(StatusCodes.Status409Conflict, ["This form was already sent once. Check the thread; to post again, send the form below."]);
            default:
                return new PostResult.Rejected(admission.Outcome == AdmissionOutcome.Queued ? StatusCodes.Status202Accepted : StatusCodes.Status429TooManyRequests,
                    [admission.Message()], admission.NextTicket);
        }
        var (identity, refusal) = identities.Resolve(new IdentityInput(form.Name, form.Passphrase, form.Signature), board.Slug, form.Thread, post.Subject, post.Body);
        if (identity is null)
        {
            return new PostResult.Rejected(StatusCodes.Status400BadRequest, [refusal!]);
        }
        // Everything a ban can name: the text, tripcodes, the signing key, the tor circuit (and below, the image).
        var poster = new PosterIdentity($"{post.Name}\n{post.Subject}\n{post.Body}", identity.Tripcode, identity.Pseudonym,
            circuit?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (bans.Find(board, poster) is { } ban)
        {
            return new PostResult.Banned(ban);
        }
        ProcessedImage? image = null;
        if (upload is not null)
        {
            (image, var status, var refused) = await media.ProcessAsync(board, upload, ct);
            if (image is null)
            {
                return new PostResult.Rejected(status, [refused!]);
            }
            poster = poster with { FileHashes = [image.UploadHash, image.ContentHash] };
            if (bans.Find(board, poster) is { } fileBan)
            {
                return new PostResult.Banned(fileBan);
            }
        }
        var draft = new PostDraft(
            form.Thread, post.Name, post.Subject, post.Body, form.IsSage, DeletionPassword.Hash(form.Password),
            ContentHash(form.Thread, post, form.IsSage, identity.Tripcode), time.GetUtcNow(),
            TimeSpan.FromSeconds(options.Value.DuplicateWindowSeconds), held)
        {
            Identity = identity,
            Poster = poster,
        };
        PostOutcome outcome;
        try
        {
            outcome = await writer.Write(work =>
            {
                // The file is in place before the post that shows it is written; a crash between the two
                // leaves only a file that the start-up sweep removes.
                var file = image is null ? null : media.Store(image, form.IsSpoiler, form.KeepsFileName ? upload!.FileName : null);
                return Write(work, board, draft with { File = file });
            });
        }
        catch (Exception e) when (StorageFailure.Reason(e) is { } reason)
        {
            // The transaction rolled back: nothing of the post exists. Its file goes now, or at the next start.
            LogStorageFailure(log, e.Message, null);
            if (image is not null)
            {
                media.TryRelease(image.ContentHash);
            }
            return StorageRefusal(reason);
        }
        if (image is not null && outcome is not PostOutcome.Created)
        {
            media.Release([image.ContentHash]);
        }
        switch (outcome)
        {
            case PostOutcome.Created created:
                return new PostResult.Accepted(created.No, created.ThreadNo);
            case PostOutcome.Duplicate duplicate:
                return new PostResult.Accepted(duplicate.No, duplicate.ThreadNo);
            case PostOutcome.ThreadNotFound:
                return new PostResult.Rejected(StatusCodes.Status404NotFound,
                    [$"Thread No. {form.Thread} does not exist on /{board.Slug}/ (it may have been deleted or fallen off the board)."]);
            case PostOutcome.ThreadClosed closed:
                return new PostResult.Rejected(StatusCodes.Status403Forbidden, [closed.Why]);
            case PostOutcome.SignatureReused reused:
                return new PostResult.Rejected(StatusCodes.Status409Conflict,
                    [$"This signature is already on the board (No. {reused.No}); a signed post can be made only once. Sign again to post again."]);
            default:
                throw new InvalidOperationException("Unknown post outcome.");
        }
    }

    public DeleteResult Delete(Board board, long no, string? password)
    {
        if (string.IsNullOrEmpty(password))
        {
            return new DeleteResult.Refused(StatusCodes.Status400BadRequest, "Type the password you gave when posting.");
        }
        // The password is checked outside the write: PBKDF2 takes tens of milliseconds that other writers need not wait.
        switch (FindPost(board.Id, no))
        {
            case null:
                return NoSuchPost(board, no);
            case { DeleteHash: null }:
                return new DeleteResult.Refused(StatusCodes.Status403Forbidden, $"Post No. {no} was made without a password, so it cannot be deleted by its poster.");
            case var found when !DeletionPassword.Verify(password, found.DeleteHash):
                return new DeleteResult.Refused(StatusCodes.Status403Forbidden, $"Wrong password for post No. {no}.");
        }
        using var work = storage.Write();
        switch (removal.FindPost(work, board.Id, no))
        {
            case null:
                return NoSuchPost(board, no);
            case { IsThread: true } thread:
                removal.DeleteThread(work, board.Id, thread.ThreadNo);
                work.Commit();
                return new DeleteResult.Deleted(thread.ThreadNo, WasThread: true);
            case var reply:
                removal.DeleteReply(work, reply);
                work.Commit();
                return new DeleteResult.Deleted(reply.ThreadNo, WasThread: false);
        }
    }

    private static DeleteResult.Refused NoSuchPost(Board board, long no) =>
        new(StatusCodes.Status404NotFound, $"There is no post No. {no} on /{board.Slug}/.");

    private PostRecord? FindPost(long boardId, long no)
    {
        using var work = storage.Read();
        return removal.FindPost(work, boardId, no);
    }

    /// <summary>
    /// The post's part of its batch's transaction (<see cref="GroupCommit"/>): a resubmit answered with the
    /// first post, a reused signature refused, then the new thread or the reply. Pages and files follow when it commits.
    /// </summary>
    private PostOutcome Write(UnitOfWork work, Board board, PostDraft draft)
    {
        if (posts.FindDuplicate(work, board.Id, draft.ContentHash, draft.Now - draft.DuplicateWindow) is { } duplicate)
        {
            return new PostOutcome.Duplicate(duplicate.No, duplicate.ThreadNo);
        }
        if (draft.Identity.Signature is { } signature && posts.FindBySignature(work, signature) is { } reused)
        {
            return new PostOutcome.SignatureReused(reused.No, reused.ThreadNo);
        }
        return draft.ThreadNo is { } threadNo ? WriteReply(work, board, threadNo, draft) : WriteThread(work, board, draft);
    }

    /// <summary>A reply: refused in a closed thread; counted in its thread, which it bumps unless sage, the bump limit or staff say not.</summary>
    private PostOutcome WriteReply(UnitOfWork work, Board board, long threadNo, PostDraft draft)
    {
        bool bump;
        switch (posts.FindThread(work, board.Id, threadNo))
        {
            case null:
                return new PostOutcome.ThreadNotFound();
            case { Archived: true }:
                return new PostOutcome.ThreadClosed("This thread is archived: it can be read but not replied to.");
            case { Locked: true }:
                return new PostOutcome.ThreadClosed("This thread is locked: no more replies.");
            case var thread:
                // A bump-locked thread (autosage, set by staff) takes replies but never rises.
                bump = !thread.BumpLocked && Bumping.Bumps(thread.Replies, board.Settings.BumpLimit, draft.Sage);
                break;
        }
        var no = posts.TakeNumber(work, board.Id, draft.Now);
        WritePost(work, board, no, threadNo, draft);
        posts.CountReply(work, board.Id, threadNo, no, draft.Now, bump);
        return new PostOutcome.Created(no, threadNo);
    }

    /// <summary>A new thread: on top of the board, pushing the last one off when the board is full.</summary>
    private PostOutcome.Created WriteThread(UnitOfWork work, Board board, PostDraft draft)
    {
        var no = posts.TakeNumber(work, board.Id, draft.Now);
        posts.InsertThread(work, board.Id, no, draft.Now);
        WritePost(work, board, no, no, draft);
        removal.Prune(work, board);
        return new PostOutcome.Created(no, no);
    }

    /// <summary>The post's row, rendered with its quotes resolved in this transaction, with who posted it and its hold.</summary>
    private void WritePost(UnitOfWork work, Board board, long no, long threadNo, PostDraft draft)
    {
        var rendered = rendering.Render(work, draft.Body, board.Slug, threadNo);
        var postId = posts.InsertPost(work, new NewPost(board.Id, no, threadNo, draft, rendered.Html, PostMarkup.Version));
        rendering.SaveQuotes(work, postId, rendered);
        if (draft.Poster.NamesAPoster)
        {
            posts.RecordPoster(work, postId, draft.Poster, draft.Now);
        }
        if (draft.Held)
        {
            // A held post waits in the report queue like a reported one.
            posts.HoldForReview(work, postId, "Held for review by a filter.", draft.Now);
        }
        work.TouchGrown(new ThreadRef(board.Id, threadNo));
        work.TouchBoards();
    }

    private PostPlace? FindRecentDuplicate(long boardId, byte[] contentHash)
    {
        using var work = storage.Read();
        return posts.FindDuplicate(work, boardId, contentHash, time.GetUtcNow() - TimeSpan.FromSeconds(options.Value.DuplicateWindowSeconds));
    }

    private static PostResult.Rejected StorageRefusal(string reason) =>
        new(StatusCodes.Status503ServiceUnavailable, [StorageFailure.ForPoster(reason)]);

    private static readonly Action<ILogger, string, Exception?> LogStorageFailure = LoggerMessage.Define<string>(LogLevel.Error,
        new EventId(1, "StorageFailure"), "A post could not be stored: {Reason}. Posting resumes by itself once the data directory takes writes again.");

    /// <summary>Identifies an identical resubmit (a double click, a retried slow circuit).</summary>
    // The tripcode counts (two people may post the same words); the signature does not, since a
    // passphrase signature differs from try to try only if the text does.
    private static byte[] ContentHash(long? thread, CleanPost post, bool sage, string? tripcode) =>
        SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\u0000',
            thread?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "new", post.Name, post.Subject, post.Body, sage ? "sage" : "",
            tripcode ?? "")));
}
