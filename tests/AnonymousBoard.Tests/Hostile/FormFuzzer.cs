using System.Net;
using AnonymousBoard.Hosting;
using System.Text;
using System.Text.RegularExpressions;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;

namespace AnonymousBoard.Tests.Hostile;

/// <summary>A form to fuzz: the page it is on, where it posts, and what a valid submission fills in.</summary>
/// <param name="Baseline">Values that make the rest of the form valid, made afresh for each submission (e.g. a unique name).</param>
/// <param name="UrlEncoded">Send url-encoded even when the form says multipart, as a script with curl -d does.</param>
public sealed record FormTarget(string Page, string Action, Func<int, IReadOnlyDictionary<string, string>>? Baseline = null, bool UrlEncoded = false)
{
    public override string ToString() => $"{Action} (from {Page})";
}

/// <summary>
/// Submits a real form the way a hostile client would: fetch the page (fresh ticket or token),
/// take every field the form has, set one field to hostile bytes, send it exactly as the form's
/// enctype says (raw bytes in multipart, percent-encoded bytes otherwise) on a raw socket, and
/// check the answer. With <paramref name="cookies"/> it keeps cookies as a browser does (the
/// staff pages' session and antiforgery cookies).
/// </summary>
public sealed partial class FormFuzzer(Uri server, FuzzLog log, CookieContainer? cookies = null)
{
    private static readonly HtmlParser Parser = new();
    private int _submission;

    /// <summary>The client the pages are fetched with; sign in through it for the staff forms.</summary>
    public HttpClient Client { get; } = new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = cookies is not null, CookieContainer = cookies ?? new CookieContainer() })
    {
        BaseAddress = server,
    };

    /// <summary>Signs in through the real form, so the fuzzed staff forms carry a session.</summary>
    public async Task SignIn(string name, string password)
    {
        var browser = new Support.WebBrowser(Client);
        var page = await browser.Get("/mod/login");
        var (response, _) = await browser.Submit(page, "/mod/login", new Dictionary<string, string?> { ["name"] = name, ["password"] = password });
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
    }

    /// <summary>Requests refused so early (a body far past a limit) that the connection was reset before an answer.</summary>
    public int ResetsWithoutAnswer { get; private set; }

    /// <summary>Answers that were 303s, with the value that was accepted: the caller checks what was stored.</summary>
    public List<(FormTarget Form, string Field, Naughty Value, string Location)> Accepted { get; } = [];

    /// <summary>Every value in every named field, one submission each.</summary>
    public async Task Fuzz(FormTarget target, IEnumerable<string> fields, IReadOnlyList<Naughty> values)
    {
        foreach (var field in fields)
        {
            foreach (var value in values)
            {
                await Submit(target, field, value);
            }
        }
    }

    /// <summary>One submission of <paramref name="target"/> with <paramref name="field"/> set to <paramref name="value"/>.</summary>
    /// <param name="field">A field name, or "file name" for the name of an uploaded image.</param>
    public async Task Submit(FormTarget target, string field, Naughty value, byte[]? image = null)
    {
        var what = $"{target.Action} {field}={value.What}";
        var n = _submission++;
        var (fields, multipart) = await ReadForm(target, n);
        var file = field == "file name" ? (Name: value.Bytes, Content: image ?? []) : ((byte[] Name, byte[] Content)?)null;
        if (field != "file name")
        {
            fields.RemoveAll(f => f.Name == field);
            fields.Add((field, value.Bytes));
        }
        var (contentType, body) = multipart ? Multipart(fields, file) : UrlEncoded(fields);
        var cookie = cookies?.GetCookieHeader(new Uri(server, target.Action)) is { Length: > 0 } c ? $"Cookie: {c}\r\n" : "";
        RawResponse response;
        try
        {
            response = await RawHttp.Post(server, target.Action, contentType, body, cookie);
        }
        catch (InvalidDataException e) when (RawHttp.IsResetWithoutAnswer(e) && body.Length > RequestLimits.MaxFormBytes)
        {
            // Kestrel refused the body as it came (413) and reset the connection; a browser shows a reset too.
            ResetsWithoutAnswer++;
            return;
        }
        log.Check(what, response.Message, response.Body, value.Text);
        log.KeepForValidation($"{target.Action}|{field}|{(int)response.Status}|{Kind(value)}", what, response.Message, response.Body);
        if (response.Status == System.Net.HttpStatusCode.SeeOther)
        {
            Accepted.Add((target, field, value, response.Message.Headers.Location!.OriginalString));
        }
    }

    // Pages kept for the Nu checker: one per form, field, status and kind of value.
    private static string Kind(Naughty value) =>
        value.What.StartsWith("blns", StringComparison.Ordinal) ? "blns" : value.What.StartsWith("random", StringComparison.Ordinal) ? "random" : value.What;

    /// <summary>The fields the form has, as a browser with JavaScript off would send them, with the baseline on top.</summary>
    private async Task<(List<(string Name, byte[] Value)> Fields, bool Multipart)> ReadForm(FormTarget target, int n)
    {
        // A posting ticket is good for one post: the page is fetched again for each submission. Forms
        // without one (a staff token is good for the whole session) are fetched once.
        if (!_forms.TryGetValue(target, out var parsed) || parsed.Fields.Any(f => f.Name == "ticket"))
        {
            var html = await Client.GetStringAsync(new Uri(target.Page, UriKind.Relative));
            if (parsed.Fields is null)
            {
                parsed = Parse(html, target);
            }
            foreach (Match token in OneTimeToken().Matches(html))
            {
                parsed.Fields.RemoveAll(f => f.Name == token.Groups[1].Value);
                parsed.Fields.Add((token.Groups[1].Value, token.Groups[2].Value));
            }
            _forms[target] = parsed;
        }
        var fields = parsed.Fields.Select(f => (f.Name, Value: Encoding.UTF8.GetBytes(f.Value))).ToList();
        foreach (var (name, value) in target.Baseline?.Invoke(n) ?? new Dictionary<string, string>())
        {
            fields.RemoveAll(f => f.Name == name);
            fields.Add((name, Encoding.UTF8.GetBytes(value)));
        }
        return (fields, parsed.Multipart && !target.UrlEncoded);
    }

    private readonly Dictionary<FormTarget, (List<(string Name, string Value)> Fields, bool Multipart)> _forms = [];

    // The posting form's ticket and the staff forms' antiforgery token, as the page was served.
    [GeneratedRegex("name=\"(ticket|__staff_token)\" value=\"([^\"]*)\"")]
    private static partial Regex OneTimeToken();

    private static (List<(string Name, string Value)> Fields, bool Multipart) Parse(string html, FormTarget target)
    {
        var form = Parser.ParseDocument(html).Forms.Cast<IHtmlFormElement>()
            .FirstOrDefault(f => f.GetAttribute("action") == target.Action)
            ?? throw new InvalidOperationException($"No form posting to {target.Action} on {target.Page}.");
        var fields = new List<(string Name, string Value)>();
        foreach (var element in form.Elements)
        {
            var name = element.GetAttribute("name");
            var value = element switch
            {
                _ when string.IsNullOrEmpty(name) => null,
                IHtmlInputElement { Type: "radio" or "checkbox" } box => box.IsChecked ? box.Value : null,
                IHtmlInputElement { Type: "file" or "submit" } => null,
                IHtmlInputElement input => input.Value,
                IHtmlSelectElement select => select.Value ?? "",
                IHtmlTextAreaElement area => area.Value,
                _ => null,
            };
            if (name is not null && value is not null)
            {
                fields.Add((name, value));
            }
        }
        return (fields, form.Enctype == "multipart/form-data");
    }

    private static (string ContentType, byte[] Body) UrlEncoded(List<(string Name, byte[] Value)> fields) =>
        ("application/x-www-form-urlencoded",
            Encoding.ASCII.GetBytes(string.Join('&', fields.Select(f => $"{PercentEncode(Encoding.UTF8.GetBytes(f.Name))}={PercentEncode(f.Value)}"))));

    /// <summary>Every byte but the unreserved ones as %XX: invalid UTF-8 goes through as it is.</summary>
    public static string PercentEncode(byte[] bytes)
    {
        var text = new StringBuilder(bytes.Length * 3);
        foreach (var b in bytes)
        {
            if (b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9') or (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~')
            {
                text.Append((char)b);
            }
            else
            {
                text.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        return text.ToString();
    }

    /// <summary>multipart/form-data written by hand, so a value (or a file name) goes on the wire byte for byte.</summary>
    private static (string ContentType, byte[] Body) Multipart(List<(string Name, byte[] Value)> fields, (byte[] Name, byte[] Content)? file)
    {
        var boundary = "----fuzz" + Guid.NewGuid().ToString("N");
        using var body = new MemoryStream();
        void Write(string text) => body.Write(Encoding.UTF8.GetBytes(text));
        foreach (var (name, value) in fields)
        {
            Write($"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n");
            body.Write(value);
            Write("\r\n");
        }
        if (file is { } f)
        {
            Write($"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"");
            body.Write(f.Name);
            Write("\"\r\nContent-Type: application/octet-stream\r\n\r\n");
            body.Write(f.Content);
            Write("\r\n");
        }
        Write($"--{boundary}--\r\n");
        return ($"multipart/form-data; boundary={boundary}", body.ToArray());
    }
}
