using System.Globalization;
using AnonymousBoard.Boards;
using AnonymousBoard.Markup;
using AnonymousBoard.Site;
using AnonymousBoard.Settings;
using Microsoft.Extensions.Options;

namespace AnonymousBoard.Moderation;

/// <summary>Signing staff in and out.</summary>
public static class SignInPages
{
    public const string WrongAnswer = "Unknown name or wrong password.";

    /// <summary>
    /// GET and POST /mod/login: throttled per name and globally, one answer for an unknown name and
    /// a wrong password, and the password is never written back into the page or to a log.
    /// </summary>
    public static async Task<IResult> SignIn(HttpContext context, ModPaths paths, StaffAccounts staff, StaffSessions sessions,
        SignInThrottle throttle, BoardDirectory boards, IOptions<BoardOptions> options)
    {
        if (!HttpMethods.IsPost(context.Request.Method))
        {
            return StaffSessions.Current(context) is null ? Page(null, null, StatusCodes.Status200OK) : SeeOther.To(paths.To(""));
        }
        if (await StaffPage.CheckToken(context) is { } badToken)
        {
            return badToken;
        }
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var name = form["name"].ToString().Trim().ToLowerInvariant();
        var password = form["password"].ToString();
        if (name.Length is 0 or > 32 || password.Length is 0 or > StaffRules.MaxPasswordLength)
        {
            return Page(name, "Type your name and password.", StatusCodes.Status400BadRequest);
        }
        if (throttle.RetryAfter(name) is { } retry)
        {
            context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling((retry - DateTimeOffset.UtcNow).TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return Page(name, $"Too many failed sign-ins. Try again after {retry.UtcDateTime.ToString("HH:mm 'UTC'", CultureInfo.InvariantCulture)}.",
                StatusCodes.Status429TooManyRequests);
        }
        var found = staff.FindForSignIn(name);
        if (!StaffPasswords.Verify(found?.PasswordHash, password) || found is not { } account)
        {
            throttle.Failed(name);
            return Page(name, WrongAnswer, StatusCodes.Status401Unauthorized);
        }
        throttle.Succeeded(name);
        sessions.SignIn(context, account.Member);
        return SeeOther.To(paths.To(""));

        IResult Page(string? typed, string? error, int status) => Templates.Page(SignInPage.Create(
            new SignInView(boards.All, paths, StaffPage.Token(context), typed, error, options.Value.Moderation.SessionIdleMinutes)), status);
    }

    /// <summary>GET and POST /mod/logout: signing out ends the session on the server too, not only in the browser.</summary>
    public static Task<IResult> SignOut(HttpContext context, StaffSessions sessions) => StaffPage.Serve(context, page =>
    {
        if (!page.IsPost)
        {
            var frame = page.Frame();
            return Templates.Page(SignOutPage.Create(frame), frame.Status);
        }
        sessions.SignOut(context);
        return SeeOther.To(page.Paths.To("login"));
    });
}
