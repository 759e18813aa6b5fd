using System.Globalization;
using AnonymousBoard.Boards;
using AnonymousBoard.Removal;
using AnonymousBoard.Markup;
using AnonymousBoard.Storage;

namespace AnonymousBoard.Moderation;

/// <summary>
/// Moving a whole thread to another board, inside the caller's unit of work: its posts get new
/// numbers there in the same order, quotes inside them follow, old addresses lead to the new
/// place, and posts elsewhere that quoted them are rendered again.
/// </summary>
public sealed class ThreadMove(IRemovalStore posts, IThreadMoveStore store, PostRendering rendering, ModLogWriter log)
{
    private static readonly System.Text.RegularExpressions.Regex Quote =
        new(@"(?<![>\p{L}\p{N}])>>(\d{1,15})(?!\d)", System.Text.RegularExpressions.RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    public ModResult Move(UnitOfWork work, Board from, long threadNo, Board target, LogDraft entry)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(target);
        if (posts.FindPost(work, from.Id, threadNo) is not { IsThread: true } op)
        {
            return ModResult.NotFound($"There is no thread No. {threadNo} on /{from.Slug}/.");
        }
        var moving = store.ListPosts(work, from.Id, threadNo);
        var first = store.TakeNumbers(work, target.Id, moving.Count);
        var renumber = moving.Select((p, i) => (p.No, New: first + i)).ToDictionary(x => x.No, x => x.New);
        var newThread = renumber[threadNo];
        store.MoveThread(work, from.Id, threadNo, target.Id, newThread);
        foreach (var p in moving)
        {
            // Only the quote syntax changes (see RewriteQuotes).
            store.MovePost(work, p.Id, target.Id, renumber[p.No], newThread, RewriteQuotes(p.Body, from.Slug, renumber));
            store.RecordMove(work, from.Id, p.No, target.Id, renumber[p.No]);
        }
        work.Touch([new(from.Id, threadNo), new(target.Id, newThread)]);
        foreach (var p in moving)
        {
            rendering.Rerender(work, p.Id);
        }
        // Posts elsewhere that quoted the moved ones now link to where they went.
        rendering.RerenderQuotersOf(work, from.Id, moving.Select(p => p.No));
        work.TouchBoards();
        store.MarkActive(work, target.Id);
        log.Append(work, entry, $"/{from.Slug}/{threadNo} -> /{target.Slug}/{newThread}", ModLogFormat.TextHash(op.Body));
        return new ModResult.Done($"Thread No. {threadNo} is now /{target.Slug}/ No. {newThread}.");
    }

    /// <summary>
    /// Quotes inside the thread are rewritten to the new numbers; quotes of posts that stay behind
    /// become cross-board quotes: "&gt;&gt;12" becomes "&gt;&gt;N" when 12 moves with the thread (N
    /// its new number), and "&gt;&gt;&gt;/from/12" when it stays behind on the old board.
    /// </summary>
    public static string RewriteQuotes(string body, string fromSlug, IReadOnlyDictionary<long, long> renumber) =>
        Quote.Replace(body, m =>
        {
            var no = long.Parse(m.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture);
            return renumber.TryGetValue(no, out var moved)
                ? ">>" + moved.ToString(CultureInfo.InvariantCulture)
                : $">>>/{fromSlug}/{no.ToString(CultureInfo.InvariantCulture)}";
        });
}
