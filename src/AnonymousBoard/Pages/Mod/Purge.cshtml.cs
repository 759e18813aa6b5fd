using AnonymousBoard.Moderation;
using Microsoft.AspNetCore.Mvc;

namespace AnonymousBoard.Pages.StaffPages;

/// <summary>/mod/purge: preview, then delete, every post by one tripcode, pseudonym or circuit.</summary>
public sealed class ModPurgeModel(PostModeration moderation) : StaffPageModel
{
    public string? Kind { get; private set; }
    public string? Value { get; private set; }
    public IReadOnlyList<PurgeItem>? Items { get; private set; }

    public IActionResult OnGet(string? kind, string? value)
    {
        (Kind, Value) = (kind, value);
        if (kind is null)
        {
            return Page();
        }
        var (items, refused) = moderation.PreviewPurge(Staff, kind, value);
        if (refused is not null)
        {
            return Show(refused);
        }
        Items = items;
        return Page();
    }

    public IActionResult OnPost([FromForm(Name = "kind")] string? kind, [FromForm(Name = "value")] string? value, [FromForm(Name = "reason")] string? reason)
    {
        (Kind, Value) = (kind, value);
        return Show(moderation.Purge(Staff, kind, value, reason));
    }
}
