using AnonymousBoard.Storage;

namespace AnonymousBoard.Moderation;

/// <summary>Reports' rows, and the mark that staff have reviewed a post.</summary>
public interface IReportStore
{
    /// <summary>
    /// One report. <paramref name="counts"/>: whether it is one of the reports that hide a post by
    /// themselves; otherwise it is kept for staff only (see ReportGate).
    /// </summary>
    void Add(UnitOfWork work, long postId, string category, string detail, bool counts, DateTimeOffset now);
    /// <summary>Hides the post if it has <paramref name="threshold"/> counted reports and staff have not reviewed it; true when it was hidden now.</summary>
    bool HideIfReported(UnitOfWork work, long postId, int threshold);
    /// <summary>The reported posts, most reported first, at most 200.</summary>
    IReadOnlyList<ReportGroup> Queue(UnitOfWork work);
    /// <summary>Deletes the post's reports; returns how many there were.</summary>
    int Dismiss(UnitOfWork work, long postId);
    /// <summary>Staff have looked at the post: reports no longer hide it by themselves.</summary>
    void MarkReviewed(UnitOfWork work, long postId, DateTimeOffset now);
}

public sealed record Report(long Id, string Category, string Detail, DateTimeOffset CreatedAt);

/// <summary>The reports on one post, for the queue.</summary>
public sealed record ReportGroup(long BoardId, string BoardSlug, long No, long ThreadNo, string Excerpt, bool Hidden, int Count,
    IReadOnlyList<Report> Reports);
