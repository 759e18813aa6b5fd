using AnonymousBoard.Boards;
using AnonymousBoard.Moderation;
using Microsoft.AspNetCore.Mvc;

namespace AnonymousBoard.Pages.StaffPages;

/// <summary>/mod/staff: admins list, add and remove staff. Passwords are never shown or sent back.</summary>
public sealed class ModStaffModel(StaffAccounts staff, BoardDirectory boards) : StaffPageModel
{
    public IReadOnlyList<StaffMember> Members { get; private set; } = [];

    public string Scope(StaffMember member)
    {
        ArgumentNullException.ThrowIfNull(member);
        return member.Role == StaffRole.Admin || member.Global
            ? "all"
            : string.Join(' ', boards.All.Where(b => member.BoardIds.Contains(b.Id)).Select(b => $"/{b.Slug}/"));
    }

    public IActionResult OnGet()
    {
        if (!Staff.May(StaffRight.ManageStaff, null))
        {
            return Show(ModResult.Forbidden("manage staff"));
        }
        Members = staff.List();
        return Page();
    }

    public IActionResult OnPostAdd([FromForm(Name = "name")] string? name, [FromForm(Name = "handle")] string? handle, [FromForm(Name = "role")] string? role,
        [FromForm(Name = "global")] string? global, [FromForm(Name = "boards")] string? boardList, [FromForm(Name = "password")] string? password,
        [FromForm(Name = "reason")] string? reason)
    {
        var result = staff.AddStaff(Staff, name, handle, role, !string.IsNullOrEmpty(global),
            (boardList ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => s.Trim('/')), password, reason);
        Members = Staff.May(StaffRight.ManageStaff, null) ? staff.List() : [];
        return Show(result);
    }

    public IActionResult OnPostRemove([FromForm(Name = "name")] string? name, [FromForm(Name = "reason")] string? reason)
    {
        var result = staff.RemoveStaff(Staff, name, reason);
        Members = Staff.May(StaffRight.ManageStaff, null) ? staff.List() : [];
        return Show(result);
    }
}
