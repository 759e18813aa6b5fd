namespace AnonymousBoard.Moderation;

public enum StaffRole
{
    Janitor,
    Moderator,
    Admin,
}

/// <summary>Everything a staff member can be allowed to do; checked on the server for every request.</summary>
public enum StaffRight
{
    DeletePost,
    DeleteFile,
    SpoilerFile,
    HandleReports,
    MarkBanned,
    Sticky,
    Lock,
    BumpLock,
    MoveThread,
    Ban,
    AnswerAppeals,
    ManageFilters,
    DeleteByIdentity,
    ManageBoards,
    ManageStaff,
}

/// <summary>A signed-in (or listed) staff member. <see cref="Global"/> or <see cref="BoardIds"/> scope a non-admin.</summary>
public sealed record StaffMember(long Id, string Name, string Handle, StaffRole Role, bool Global, IReadOnlyList<long> BoardIds)
{
    /// <summary>
    /// Whether this member may do <paramref name="permission"/> on the board <paramref name="boardId"/>
    /// (null: something that is not about one board, such as a global ban or filter).
    /// </summary>
    public bool May(StaffRight permission, long? boardId) => Permissions.Allows(this, permission, boardId);

    /// <summary>Whether this member may act on the board at all.</summary>
    public bool Covers(long boardId) => Role == StaffRole.Admin || Global || BoardIds.Contains(boardId);
}

/// <summary>The one table of who may do what: a plain method, tested on its own.</summary>
public static class Permissions
{
    private static readonly HashSet<StaffRight> Janitor =
    [
        StaffRight.DeletePost, StaffRight.DeleteFile, StaffRight.SpoilerFile, StaffRight.HandleReports,
    ];

    private static readonly HashSet<StaffRight> AdminOnly = [StaffRight.ManageBoards, StaffRight.ManageStaff];

    public static bool Allows(StaffMember member, StaffRight permission, long? boardId)
    {
        ArgumentNullException.ThrowIfNull(member);
        if (member.Role == StaffRole.Admin)
        {
            return true;
        }
        if (AdminOnly.Contains(permission))
        {
            return false;
        }
        if (member.Role == StaffRole.Janitor && !Janitor.Contains(permission))
        {
            return false;
        }
        // Something for every board (a global ban, a global filter) needs a global member.
        return boardId is { } id ? member.Covers(id) : member.Global;
    }

    public static string Name(StaffRole role) => role switch
    {
        StaffRole.Admin => "admin",
        StaffRole.Moderator => "moderator",
        _ => "janitor",
    };

    public static StaffRole? Parse(string? role) => role switch
    {
        "admin" => StaffRole.Admin,
        "moderator" => StaffRole.Moderator,
        "janitor" => StaffRole.Janitor,
        _ => null,
    };
}

/// <summary>Rules for staff names, handles and passwords, shared by the command line and the admin page.</summary>
public static class StaffRules
{
    public const int MinPasswordLength = 12;
    public const int MaxPasswordLength = 1024;

    public static string? CheckName(string name) =>
        name.Length is < 1 or > 32 || !name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '_' or '.' or '-')
            ? "A staff name is 1 to 32 characters: lowercase letters, digits, '_', '.' and '-'."
            : null;

    public static string? CheckHandle(string handle) =>
        handle.Trim().Length is < 1 or > 32 || handle.Any(char.IsControl)
            ? "A public handle is 1 to 32 characters on one line."
            : null;

    public static string? CheckPassword(string password) => password.Length switch
    {
        < MinPasswordLength => $"A staff password is at least {MinPasswordLength} characters long.",
        > MaxPasswordLength => $"A staff password is at most {MaxPasswordLength} characters long.",
        _ => null,
    };
}
