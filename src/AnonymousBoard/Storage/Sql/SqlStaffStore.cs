using AnonymousBoard.Moderation;

namespace AnonymousBoard.Storage.Sql;

/// <summary>Staff members' rows, in the SQL both engines speak.</summary>
public sealed class SqlStaffStore : IStaffStore
{
    private const string Select = "SELECT id, name, handle, role, global, password_hash FROM staff";

    public int Count(UnitOfWork work) =>
        SqlUnitOfWork.Of(work).One<int>("SELECT count(*) FROM staff WHERE removed_at IS NULL");

    public IReadOnlyList<StaffMember> List(UnitOfWork work)
    {
        var rows = SqlUnitOfWork.Of(work);
        return rows.Query<StaffRow>($"{Select} WHERE removed_at IS NULL ORDER BY id").ConvertAll(r => ToMember(rows, r));
    }

    public StaffMember? Find(UnitOfWork work, long id)
    {
        var rows = SqlUnitOfWork.Of(work);
        return rows.First<StaffRow>($"{Select} WHERE id = @id AND removed_at IS NULL", new { id }) is { } row ? ToMember(rows, row) : null;
    }

    public StaffAccount? FindByName(UnitOfWork work, string name)
    {
        var rows = SqlUnitOfWork.Of(work);
        return rows.First<StaffRow>($"{Select} WHERE name = @name AND removed_at IS NULL", new { name }) is { } row
            ? new StaffAccount(ToMember(rows, row), row.PasswordHash ?? "")
            : null;
    }

    public bool IsTaken(UnitOfWork work, string name, string? handle) =>
        SqlUnitOfWork.Of(work).Exists("SELECT 1 FROM staff WHERE name = @name OR handle = @handle", new { name, handle = handle ?? "" });

    public long Insert(UnitOfWork work, NewStaff member, DateTimeOffset now)
    {
        var rows = SqlUnitOfWork.Of(work);
        var id = rows.One<long>("""
            INSERT INTO staff (name, handle, role, global, password_hash, created_at)
            VALUES (@name, coalesce(@handle, 'staff-' || (SELECT coalesce(max(id), 0) + 1 FROM staff)), @role, @global, @hash, @now)
            RETURNING id
            """, new
        {
            name = member.Name, handle = member.Handle, role = Permissions.Name(member.Role), global = member.AllBoards,
            hash = member.PasswordHash, now = now.ToUnixTimeSeconds(),
        });
        rows.Execute("INSERT INTO staff_boards (staff_id, board_id) VALUES (@id, @board)",
            member.BoardIds.Distinct().Select(board => new { id, board }));
        return id;
    }

    public void Remove(UnitOfWork work, long id, DateTimeOffset now)
    {
        var rows = SqlUnitOfWork.Of(work);
        rows.Execute("UPDATE staff SET name = NULL, password_hash = NULL, removed_at = @now WHERE id = @id",
            new { id, now = now.ToUnixTimeSeconds() });
        rows.Execute("DELETE FROM staff_sessions WHERE staff_id = @id", new { id });
        rows.Execute("DELETE FROM staff_boards WHERE staff_id = @id", new { id });
    }

    public void SetPassword(UnitOfWork work, long id, string passwordHash)
    {
        var rows = SqlUnitOfWork.Of(work);
        rows.Execute("UPDATE staff SET password_hash = @passwordHash WHERE id = @id", new { id, passwordHash });
        rows.Execute("DELETE FROM staff_sessions WHERE staff_id = @id", new { id });
    }

    private static StaffMember ToMember(SqlUnitOfWork rows, StaffRow row) => new(
        row.Id, row.Name ?? "", row.Handle, Permissions.Parse(row.Role) ?? StaffRole.Janitor, row.Global,
        rows.Query<long>("SELECT board_id FROM staff_boards WHERE staff_id = @Id ORDER BY board_id", row));

    private sealed class StaffRow
    {
        public long Id { get; init; }
        public string? Name { get; init; }
        public string Handle { get; init; } = "";
        public string Role { get; init; } = "";
        public bool Global { get; init; }
        public string? PasswordHash { get; init; }
    }
}
