using System.Globalization;
using AnonymousBoard.Moderation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AnonymousBoard.Pages;

/// <summary>/appeal: a banned poster appeals, once per ban.</summary>
public sealed class AppealModel(IModerationStore store, TimeProvider time) : PageModel
{
    public string? BanId { get; private set; }
    public string? Text { get; private set; }
    public string? Message { get; private set; }
    public bool Ok { get; private set; }

    public void OnGet(string? ban) => BanId = ban;

    public IActionResult OnPost([FromForm(Name = "ban")] string? ban, [FromForm(Name = "text")] string? text)
    {
        (BanId, Text) = (ban, text);
        var body = (text ?? "").Replace("\r\n", "\n", StringComparison.Ordinal).Trim();
        if (!long.TryParse(ban, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return Answer(StatusCodes.Status400BadRequest, "Type the number of the ban.");
        }
        if (body.Length is < 1 or > 2000)
        {
            return Answer(StatusCodes.Status400BadRequest, "Write your appeal in 1 to 2000 characters.");
        }
        return store.AddAppeal(id, body, time.GetUtcNow()) switch
        {
            AppealOutcome.Filed => Done("Your appeal was sent. Staff answer appeals in the admin pages; the outcome appears in the moderation log."),
            AppealOutcome.AlreadyFiled => Answer(StatusCodes.Status409Conflict, $"Ban No. {id} has already been appealed; each ban takes one appeal."),
            _ => Answer(StatusCodes.Status404NotFound, $"There is no ban No. {id}."),
        };
    }

    private PageResult Done(string message)
    {
        Ok = true;
        Message = message;
        return Page();
    }

    private PageResult Answer(int status, string message)
    {
        Message = message;
        var page = Page();
        page.StatusCode = status;
        return page;
    }
}
