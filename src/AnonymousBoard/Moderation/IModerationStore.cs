using AnonymousBoard.Boards;
using AnonymousBoard.Storage;

namespace AnonymousBoard.Moderation;

/// <summary>
/// Every read and write of moderation data: staff, sessions, the log, reports, bans, appeals,
/// filters, board policies, and the staff actions on posts. Each staff action writes its change
/// and its log entry in one transaction, so nothing happens that the log does not show.
/// </summary>
public interface IModerationStore
{
    // Staff and sessions
    int CountStaff();
    IReadOnlyList<StaffMember> ListStaff();
    StaffMember? FindStaff(long id);
    /// <summary>The member and their password hash, for signing in; null for an unknown (or removed) name.</summary>
    (StaffMember Member, string PasswordHash)? FindForSignIn(string name);
    /// <summary>Adds a member; null when the name or handle is taken. A null handle becomes "staff-N".</summary>
    StaffMember? AddStaff(string name, string? handle, StaffRole role, bool allBoards, IReadOnlyList<long> boardIds, string passwordHash, LogDraft log);
    bool RemoveStaff(string name, LogDraft log);
    /// <summary>Replaces the password hash and signs the member out everywhere.</summary>
    bool SetPassword(string name, string passwordHash, LogDraft log);
    void CreateSession(byte[] tokenHash, long staffId, DateTimeOffset now);
    /// <summary>The session's member, if it was used after <paramref name="idleSince"/> and made after <paramref name="madeSince"/>.</summary>
    StaffMember? UseSession(byte[] tokenHash, DateTimeOffset now, DateTimeOffset idleSince, DateTimeOffset madeSince);
    void DeleteSession(byte[] tokenHash);

    // The log
    /// <summary>Appends to the log inside the caller's unit of work, so the change and its entry commit together.</summary>
    LogEntry Append(UnitOfWork work, LogDraft log, string target, string textHash = "");
    long CountLog();
    /// <summary>Newest first, starting below <paramref name="beforeSeq"/> (null: from the newest).</summary>
    IReadOnlyList<LogEntry> ReadLog(long? beforeSeq, int count);
    IReadOnlyList<LogEntry> ReadLogOldestFirst();

    // Posts and threads
    StaffPostView? GetPost(long boardId, long no);
    ModOutcome DeletePost(Board board, long no, bool wholeThread, LogDraft log);
    ModOutcome SetPostMark(Board board, long no, PostMark mark, bool enable, LogDraft log);
    /// <summary>Removes a post's image (the post stays) or marks it as a spoiler.</summary>
    ModOutcome ChangeFile(Board board, long no, bool removeFile, LogDraft log);
    ModOutcome SetThreadMark(Board board, long threadNo, ThreadMark flag, bool enable, LogDraft log);
    /// <summary>Moves a whole thread; its posts get new numbers on the target board and old links follow them.</summary>
    ModOutcome MoveThread(Board from, long threadNo, Board target, LogDraft log);

    // Reports
    /// <summary>
    /// Files a report. With <paramref name="counts"/> it counts toward hiding the post once it has
    /// <paramref name="autoHideAt"/> counted reports (0: never); otherwise it is kept for staff only.
    /// </summary>
    ReportOutcome AddReport(Board board, long no, string category, string detail, int autoHideAt, bool counts, DateTimeOffset now);
    IReadOnlyList<ReportGroup> ReportQueue();
    ModOutcome DismissReports(Board board, long no, LogDraft log);

    // Bans and appeals
    Ban AddBan(BanDraft ban, LogDraft log);
    IReadOnlyList<Ban> ActiveBans(long boardId, DateTimeOffset now);
    IReadOnlyList<Ban> ListBans(DateTimeOffset now, bool includeInactive);
    Ban? FindBan(long id);
    bool LiftBan(long id, DateTimeOffset now, LogDraft log);
    AppealOutcome AddAppeal(long banId, string text, DateTimeOffset now);
    IReadOnlyList<Appeal> ListAppeals(bool pendingOnly);
    bool AnswerAppeal(long banId, string answer, bool grant, long staffId, DateTimeOffset now, LogDraft log);

    // Filters
    IReadOnlyList<FilterRule> ListFilters();
    FilterRule AddFilter(FilterRule rule, DateTimeOffset now, LogDraft log);
    bool RemoveFilter(long id, LogDraft log);

    // Board policies
    BoardPolicy GetPolicy(long boardId);
    void SetPolicy(UnitOfWork work, long boardId, BoardPolicy policy);

    // Who posted what, as far as the posting path tells
    /// <summary>What the posting path knew about the poster, in the post's own unit of work.</summary>
    void RecordIdentity(UnitOfWork work, long postId, PosterIdentity identity, DateTimeOffset now);
    /// <summary>Puts a post a filter held in the report queue, in the post's own unit of work.</summary>
    void AddHeldReport(UnitOfWork work, long postId, string detail, DateTimeOffset now);
    /// <summary>Forgets circuit ids older than <paramref name="before"/>; returns how many.</summary>
    int ForgetCircuits(DateTimeOffset before);
    IReadOnlyList<PurgeItem> FindByIdentity(BanKind kind, string value, IReadOnlyList<long>? boardIds);
}

public enum PostMark
{
    Hidden,
    BannedForThisPost,
}

public enum ThreadMark
{
    Sticky,
    Locked,
    BumpLocked,
}

/// <summary>A post as staff see it: its text, its marks, its thread's flags, its reports.</summary>
public sealed record StaffPostView(
    long Id, long BoardId, long No, long ThreadNo, DateTimeOffset CreatedAt, string Name, string Subject, string Body,
    bool Hidden, bool BannedMark, bool Sticky, bool Locked, bool BumpLocked, IReadOnlyList<Report> Reports, PosterIdentity Identity,
    bool HasFile, bool FileSpoiler)
{
    public bool IsThread => No == ThreadNo;
}

public sealed record Report(long Id, string Category, string Detail, DateTimeOffset CreatedAt);

/// <summary>The reports on one post, for the queue.</summary>
public sealed record ReportGroup(long BoardId, string BoardSlug, long No, long ThreadNo, string Excerpt, bool Hidden, int Count,
    IReadOnlyList<Report> Reports);

public abstract record ModOutcome
{
    private ModOutcome() { }
    public sealed record Done(IReadOnlyList<ThreadRef> Touched, string Message) : ModOutcome;
    public sealed record NotFound(string Message) : ModOutcome;
}

public abstract record ReportOutcome
{
    private ReportOutcome() { }
    public sealed record Filed(bool NowHidden, IReadOnlyList<ThreadRef> Touched) : ReportOutcome;
    public sealed record NotFound : ReportOutcome;
}

public abstract record AppealOutcome
{
    private AppealOutcome() { }
    public sealed record Filed : AppealOutcome;
    public sealed record AlreadyFiled : AppealOutcome;
    public sealed record NoSuchBan : AppealOutcome;
}

public sealed record Appeal(long BanId, string Text, DateTimeOffset CreatedAt, string? Answer, bool? Granted, Ban Ban);

/// <summary>Per-board moderation settings: the rules text, and how many reports hide a post.</summary>
public sealed record BoardPolicy(string Rules, int AutoHideReports)
{
    public static readonly BoardPolicy Default = new("", 0);
}

/// <summary>A post that "delete everything by ..." would delete.</summary>
public sealed record PurgeItem(long BoardId, string BoardSlug, long No, long ThreadNo, string Excerpt);
