using System.Security.Claims;
using System.Security.Cryptography;
using AnonymousBoard.Settings;
using AnonymousBoard.Storage;
using Microsoft.Extensions.Options;

namespace AnonymousBoard.Moderation;

/// <summary>The staff pages' address, from configuration; every staff link is built here.</summary>
public sealed class ModPaths
{
    public ModPaths(IOptions<BoardOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var segment = options.Value.Moderation.Path.Trim('/');
        if (segment.Length is < 1 or > 64 || !segment.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_'))
        {
            throw new StartupException($"Board:Moderation:Path \"{options.Value.Moderation.Path}\" must be one path segment of a-z, 0-9, '-' and '_', e.g. /mod.");
        }
        Segment = segment;
        Base = "/" + segment;
    }

    /// <summary>The staff pages' first path segment, e.g. "mod".</summary>
    public string Segment { get; }

    /// <summary>"/mod".</summary>
    public string Base { get; }

    public string To(string rest) => rest.Length == 0 ? Base + "/" : $"{Base}/{rest.TrimStart('/')}";

    public string Post(string board, long no) => To($"post/{board}/{no}");

    public string Thread(string board, long no) => To($"thread/{board}/{no}");

    public bool Contains(PathString path) => path.StartsWithSegments(Base, StringComparison.Ordinal);
}

/// <summary>
/// Staff sessions: a random token in an HttpOnly, SameSite=Strict cookie sent only to the staff
/// pages; the database keeps its hash. Sessions end after a short idle time, at a fixed maximum
/// age, at sign-out, and when the member's password changes or they are removed.
/// </summary>
public sealed class StaffSessions(IStorage storage, IStaffSessionStore store, IStaffStore staff, TimeProvider time,
    IOptions<BoardOptions> options, ModPaths paths)
{
    public const string CookieName = "ab_staff";
    private static readonly object ItemKey = new();

    private ModerationOptions Settings => options.Value.Moderation;

    public void SignIn(HttpContext context, StaffMember member)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(member);
        var token = RandomNumberGenerator.GetBytes(32);
        using (var work = storage.Write())
        {
            store.Create(work, SHA256.HashData(token), member.Id, time.GetUtcNow());
            work.Commit();
        }
        context.Response.Cookies.Append(CookieName, Convert.ToBase64String(token).TrimEnd('=').Replace('+', '-').Replace('/', '_'), new CookieOptions
        {
            Path = paths.Base,
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            // Onion services are usually plain http (tor encrypts); Secure when the request was https.
            Secure = context.Request.IsHttps,
            IsEssential = true,
        });
    }

    public void SignOut(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (TokenHash(context) is { } hash)
        {
            Delete(hash);
        }
        context.Response.Cookies.Delete(CookieName, new CookieOptions { Path = paths.Base, HttpOnly = true, SameSite = SameSiteMode.Strict });
    }

    /// <summary>The signed-in member of this request, or null.</summary>
    public static StaffMember? Current(HttpContext context) => context?.Items[ItemKey] as StaffMember;

    /// <summary>For requests to the staff pages: finds the session and sets the request's user.</summary>
    public void Resolve(HttpContext context)
    {
        if (TokenHash(context) is not { } hash)
        {
            return;
        }
        if (Use(hash) is not { } member)
        {
            return;
        }
        context.Items[ItemKey] = member;
        // The antiforgery tokens are bound to this session: a token from another session is refused.
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, "staff-session-" + Convert.ToHexStringLower(hash)[..32]), new Claim(ClaimTypes.Name, member.Handle)],
            authenticationType: "staff-session");
        context.User = new ClaimsPrincipal(identity);
    }

    /// <summary>
    /// The session's member, if the session was used within the idle time and made within the
    /// maximum age; an expired session is deleted.
    /// </summary>
    private StaffMember? Use(byte[] tokenHash)
    {
        var now = time.GetUtcNow();
        StaffSessionRecord? session;
        StaffMember? member;
        using (var work = storage.Read())
        {
            session = store.Find(work, tokenHash);
            member = session is null ? null : staff.Find(work, session.StaffId);
        }
        if (session is null)
        {
            return null;
        }
        // To the second, as the times are stored.
        var (seen, made) = (session.SeenAt.ToUnixTimeSeconds(), session.CreatedAt.ToUnixTimeSeconds());
        if (seen < (now - TimeSpan.FromMinutes(Settings.SessionIdleMinutes)).ToUnixTimeSeconds()
            || made < (now - TimeSpan.FromHours(Settings.SessionMaxHours)).ToUnixTimeSeconds())
        {
            Delete(tokenHash);
            return null;
        }
        // Written at most once a minute: a page view need not be a write.
        if (now.ToUnixTimeSeconds() - seen >= 60)
        {
            using var work = storage.Write();
            store.MarkSeen(work, tokenHash, now);
            work.Commit();
        }
        return member;
    }

    private void Delete(byte[] tokenHash)
    {
        using var work = storage.Write();
        store.Delete(work, tokenHash);
        work.Commit();
    }

    private static byte[]? TokenHash(HttpContext context)
    {
        var value = context.Request.Cookies[CookieName];
        if (value is not { Length: 43 })
        {
            return null;
        }
        try
        {
            var token = Convert.FromBase64String(value.Replace('-', '+').Replace('_', '/') + "=");
            return token.Length == 32 ? SHA256.HashData(token) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

public static class StaffSessionMiddleware
{
    /// <summary>Resolves the staff session on staff pages only; public pages never look at cookies.</summary>
    public static IApplicationBuilder UseStaffSessions(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var paths = context.RequestServices.GetRequiredService<ModPaths>();
        if (paths.Contains(context.Request.Path))
        {
            context.RequestServices.GetRequiredService<StaffSessions>().Resolve(context);
            // Staff pages change with every action: never cached anywhere.
            context.Response.OnStarting(() =>
            {
                context.Response.Headers.CacheControl = "no-store";
                return Task.CompletedTask;
            });
        }
        await next(context);
    });
}
