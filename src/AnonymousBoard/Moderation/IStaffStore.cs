using AnonymousBoard.Storage;

namespace AnonymousBoard.Moderation;

/// <summary>Staff members' rows, inside the caller's unit of work. Removed members are never returned.</summary>
public interface IStaffStore
{
    int Count(UnitOfWork work);
    IReadOnlyList<StaffMember> List(UnitOfWork work);
    StaffMember? Find(UnitOfWork work, long id);
    /// <summary>The member with this sign-in name and their password hash, or null.</summary>
    StaffAccount? FindByName(UnitOfWork work, string name);
    bool IsTaken(UnitOfWork work, string name, string? handle);
    /// <summary>Writes a member with their boards; a null handle becomes "staff-N" (N the new row's id). Returns the id.</summary>
    long Insert(UnitOfWork work, NewStaff member, DateTimeOffset now);
    /// <summary>Clears the member's name and password and deletes their sessions and boards; the handle stays for the log.</summary>
    void Remove(UnitOfWork work, long id, DateTimeOffset now);
    /// <summary>Replaces the password hash and deletes the member's sessions.</summary>
    void SetPassword(UnitOfWork work, long id, string passwordHash);
}

/// <summary>A member as signing in sees them: with the stored password hash.</summary>
public sealed record StaffAccount(StaffMember Member, string PasswordHash);

/// <summary>A member to add.</summary>
public sealed record NewStaff(string Name, string? Handle, StaffRole Role, bool AllBoards, IReadOnlyList<long> BoardIds, string PasswordHash);
