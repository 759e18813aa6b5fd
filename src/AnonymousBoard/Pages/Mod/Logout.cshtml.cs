using AnonymousBoard.Moderation;
using Microsoft.AspNetCore.Mvc;

namespace AnonymousBoard.Pages.StaffPages;

/// <summary>Sign-out ends the session on the server too, not only in the browser.</summary>
public sealed class LogoutModel(StaffSessions sessions) : StaffPageModel
{
    public void OnGet()
    {
    }

    public IActionResult OnPost()
    {
        sessions.SignOut(HttpContext);
        return new SeeOtherResult(Paths.To("login"));
    }
}
