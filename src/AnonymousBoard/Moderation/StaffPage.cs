using System.Globalization;
using AnonymousBoard.Boards;
using AnonymousBoard.Site;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.Primitives;

namespace AnonymousBoard.Moderation;

/// <summary>
/// One request to a staff page: it needs a signed-in member (a GET or HEAD without one goes to the
/// sign-in page, anything else is refused), and a POST needs the staff form token, checked before
/// anything else. Which member may do what is checked again by the moderation handlers
/// (<see cref="PostModeration"/> and the others) for every action; this only checks that someone is signed in.
/// </summary>
public sealed class StaffPage
{
    private readonly HttpContext _context;
    private readonly StaffMember? _member;

    private StaffPage(HttpContext context, StaffMember? member, IResult? refusal, IFormCollection form)
    {
        (_context, _member, Refusal, Form) = (context, member, refusal, form);
        Paths = context.RequestServices.GetRequiredService<ModPaths>();
    }

    /// <summary>What <see cref="Serve"/> answers instead of the page: null when a member is signed in and a POST's token is good.</summary>
    private IResult? Refusal { get; }

    /// <summary>The signed-in member.</summary>
    public StaffMember Member => _member ?? throw new InvalidOperationException("A refused request has no member.");

    public ModPaths Paths { get; }

    /// <summary>A POST's form (its values made printable before it got here); empty for GET and HEAD.</summary>
    public IFormCollection Form { get; }

    public bool IsPost => HttpMethods.IsPost(_context.Request.Method);

    /// <summary>The handler a staff form names in its address ("bans?handler=ban").</summary>
    public string Handler => _context.Request.Query["handler"].FirstOrDefault() ?? "";

    /// <summary>Answers a staff page's request with <paramref name="answer"/>, once a member is signed in and a POST's token is good; else refuses it.</summary>
    public static async Task<IResult> Serve(HttpContext context, Func<StaffPage, IResult> answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        var page = await Open(context);
        return page.Refusal ?? answer(page);
    }

    private static async Task<StaffPage> Open(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (await CheckToken(context) is { } badToken)
        {
            return new StaffPage(context, null, badToken, FormCollection.Empty);
        }
        var paths = context.RequestServices.GetRequiredService<ModPaths>();
        if (StaffSessions.Current(context) is not { } member)
        {
            var method = context.Request.Method;
            IResult refusal = HttpMethods.IsGet(method) || HttpMethods.IsHead(method)
                ? SeeOther.To(paths.To("login"))
                : Results.StatusCode(StatusCodes.Status403Forbidden);
            return new StaffPage(context, null, refusal, FormCollection.Empty);
        }
        var form = HttpMethods.IsPost(context.Request.Method) ? await context.Request.ReadFormAsync(context.RequestAborted) : FormCollection.Empty;
        return new StaffPage(context, member, null, form);
    }

    /// <summary>
    /// A POST to a staff page (sign-in included) carries the token of a staff form: checked before
    /// anything reads the form, as a cross-site form would not have it. A missing or foreign token is a bare 400.
    /// </summary>
    public static async Task<IResult?> CheckToken(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!HttpMethods.IsPost(context.Request.Method))
        {
            return null;
        }
        try
        {
            await context.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(context);
            return null;
        }
        catch (AntiforgeryValidationException)
        {
            return Results.StatusCode(StatusCodes.Status400BadRequest);
        }
    }

    /// <summary>The token every staff form carries (cookie ab_staff_af, field __staff_token).</summary>
    public static string Token(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context).RequestToken ?? "";
    }

    /// <summary>What every staff page has at its top, saying <paramref name="result"/> (the action just taken) if there was one.</summary>
    public StaffFrame Frame(ModResult? result = null)
    {
        var boards = _context.RequestServices.GetRequiredService<BoardDirectory>().All;
        return new StaffFrame(boards, Member, Paths, Token(_context), result);
    }

    /// <summary>The names of the boards where the member may do <paramref name="right"/>, for a form's choice of board.</summary>
    public IReadOnlyList<string> BoardsWhereMay(StaffRight right) =>
        _context.RequestServices.GetRequiredService<BoardDirectory>().All.Where(b => Member.May(right, b.Id)).Select(b => b.Slug).ToList();

    /// <summary>A form's whole number, 0 when it is none (as the pages' binding did).</summary>
    public long Number(string field) =>
        long.TryParse(Field(field), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0;

    /// <summary>A form field's first value; null when it is missing, empty or only spaces (as the pages' binding gave it).</summary>
    public string? Field(string name) => Given(Form[name]);

    /// <summary>A query value, as <see cref="Field"/>.</summary>
    public string? Query(string name) => Given(_context.Request.Query[name]);

    private static string? Given(StringValues values) => values.Count > 0 && !string.IsNullOrWhiteSpace(values[0]) ? values[0] : null;

    /// <summary>A POST whose address names no handler the page has.</summary>
    public static IResult NoSuchHandler => Results.StatusCode(StatusCodes.Status405MethodNotAllowed);
}

/// <summary>
/// The top of every staff page (Moderation/StaffNav.cshtml): the boards for the site's frame, who is
/// signed in, the form token, and what became of the action just taken (its status is the page's).
/// </summary>
public sealed record StaffFrame(IReadOnlyList<Board> Boards, StaffMember Staff, ModPaths Paths, string Token, ModResult? Result)
{
    public string? Message => Result switch
    {
        ModResult.Done done => done.Message,
        ModResult.Refused refused => refused.Message,
        _ => null,
    };

    public bool Ok => Result is ModResult.Done;

    public int Status => Result is ModResult.Refused refused ? refused.StatusCode : StatusCodes.Status200OK;
}
