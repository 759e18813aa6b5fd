using System.Globalization;
using AnonymousBoard.Hosting;
using AnonymousBoard.Moderation;
using AnonymousBoard.Settings;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace AnonymousBoard.Pages.StaffPages;

/// <summary>
/// Sign-in: throttled per name and globally, one answer for an unknown name and a wrong password,
/// and the password is never written back into the page or to a log.
/// </summary>
public sealed class LoginModel(StaffAccounts staff, StaffSessions sessions, SignInThrottle throttle, ModPaths paths,
    IOptions<BoardOptions> options) : PageModel
{
    public const string WrongAnswer = "Unknown name or wrong password.";

    public string? Name { get; private set; }
    public string? Error { get; private set; }
    public ModPaths Paths => paths;
    public int IdleMinutes => options.Value.Moderation.SessionIdleMinutes;

    public IActionResult OnGet() => StaffSessions.Current(HttpContext) is null ? Page() : new SeeOtherResult(paths.To(""));

    public IActionResult OnPost([FromForm(Name = "name")] string? name, [FromForm(Name = "password")] string? password)
    {
        Name = name = (name ?? "").Trim().ToLowerInvariant();
        password ??= "";
        if (name.Length is 0 or > 32 || password.Length is 0 or > StaffRules.MaxPasswordLength)
        {
            return Refused(StatusCodes.Status400BadRequest, "Type your name and password.");
        }
        if (throttle.RetryAfter(name) is { } retry)
        {
            Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling((retry - DateTimeOffset.UtcNow).TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return Refused(StatusCodes.Status429TooManyRequests,
                $"Too many failed sign-ins. Try again after {retry.UtcDateTime.ToString("HH:mm 'UTC'", CultureInfo.InvariantCulture)}.");
        }
        var found = staff.FindForSignIn(name);
        if (!StaffPasswords.Verify(found?.PasswordHash, password) || found is not { } account)
        {
            throttle.Failed(name);
            return Refused(StatusCodes.Status401Unauthorized, WrongAnswer);
        }
        throttle.Succeeded(name);
        sessions.SignIn(HttpContext, account.Member);
        return new SeeOtherResult(paths.To(""));
    }

    private PageResult Refused(int status, string error)
    {
        Error = error;
        var page = Page();
        page.StatusCode = status;
        return page;
    }
}
