using AnonymousBoard.Boards;
using AnonymousBoard.Removal;
using AnonymousBoard.Storage;

namespace AnonymousBoard.Moderation;

public abstract record ReportOutcome
{
    private ReportOutcome() { }
    public sealed record Filed(bool NowHidden) : ReportOutcome;
    public sealed record NotFound : ReportOutcome;
}

/// <summary>Reports: filed by anyone from a post's report form, held by a filter, read by staff in the queue.</summary>
public sealed class Reports(IStorage storage, IRemovalStore posts, IReportStore store)
{
    /// <summary>Why a reader may report a post: the report form's choices, by the value the form sends.</summary>
    public static readonly IReadOnlyList<(string Value, string Label)> Categories =
    [
        ("illegal", "Illegal content"),
        ("spam", "Spam or advertising"),
        ("rules", "Breaks this board's rules"),
        ("offtopic", "Off-topic"),
        ("other", "Something else (say what below)"),
    ];

    /// <summary>
    /// Files a report. With <paramref name="counts"/> it counts toward hiding the post once it has
    /// <paramref name="autoHideAt"/> counted reports (0: never); otherwise it is kept for staff only.
    /// </summary>
    public ReportOutcome File(Board board, long no, string category, string detail, int autoHideAt, bool counts, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(board);
        using var work = storage.Write();
        if (posts.FindPost(work, board.Id, no) is not { } post)
        {
            return new ReportOutcome.NotFound();
        }
        store.Add(work, post.Id, category, detail, counts, now);
        // Hidden automatically only until staff have looked at the post once.
        var hidden = autoHideAt > 0 && counts && store.HideIfReported(work, post.Id, autoHideAt);
        if (hidden)
        {
            work.Touch(new ThreadRef(board.Id, post.ThreadNo));
        }
        work.Commit();
        return new ReportOutcome.Filed(hidden);
    }

    /// <summary>Every reported post with its reports, most reported first.</summary>
    public IReadOnlyList<ReportGroup> Queue()
    {
        using var work = storage.Read();
        return store.Queue(work);
    }
}
