using AnonymousBoard.Boards;
using AnonymousBoard.Moderation;
using Microsoft.AspNetCore.Mvc;

namespace AnonymousBoard.Pages.StaffPages;

/// <summary>/mod/filters: word and regular-expression filters, per board or for every board.</summary>
public sealed class ModFiltersModel(BoardDirectory boards, FilterModeration filters) : StaffPageModel
{
    public IReadOnlyList<string> BoardSlugs { get; private set; } = [];
    public IReadOnlyList<FilterRule> Rules { get; private set; } = [];
    public string? FormPattern { get; private set; }

    public void OnGet() => Load();

    public IActionResult OnPostAdd([FromForm(Name = "board")] string? board, [FromForm(Name = "pattern")] string? pattern,
        [FromForm(Name = "regex")] string? regex, [FromForm(Name = "action")] string? action, [FromForm(Name = "replacement")] string? replacement,
        [FromForm(Name = "reason")] string? reason)
    {
        var result = filters.AddFilter(Staff, board, pattern, !string.IsNullOrEmpty(regex), action, replacement, reason);
        FormPattern = result is ModResult.Refused ? pattern : null;
        Load();
        return Show(result);
    }

    public IActionResult OnPostRemove([FromForm(Name = "id")] long id, [FromForm(Name = "reason")] string? reason)
    {
        var result = filters.RemoveFilter(Staff, id, reason);
        Load();
        return Show(result);
    }

    private void Load()
    {
        BoardSlugs = boards.All.Where(b => Staff.May(StaffRight.ManageFilters, b.Id)).Select(b => b.Slug).ToList();
        Rules = filters.List().Where(f => f.BoardId is null || Staff.Covers(f.BoardId.Value)).ToList();
    }
}
