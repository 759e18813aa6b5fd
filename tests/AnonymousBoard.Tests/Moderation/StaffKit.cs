using System.Globalization;
using System.Net;
using AngleSharp.Dom;
using AnonymousBoard.Tests.Support;

namespace AnonymousBoard.Tests.Moderation;

/// <summary>Staff made through the command line, signed in through the real form.</summary>
public static class StaffKit
{
    public const string Password = "correct horse battery staple";

    public static void AddStaff(BoardServer server, string name, string role, params string[] extra)
    {
        var (code, output) = server.RunCliWithInput(Password + "\n", ["staff", "add", name, "--role", role, "--password-stdin", .. extra]);
        Assert.True(code == 0, output);
    }

    public static Dictionary<string, string?> Fields(params (string Name, string? Value)[] values) => values.ToDictionary(v => v.Name, v => v.Value);

    public static async Task<WebBrowser> SignIn(BoardServer server, string name, string password = Password)
    {
        var browser = server.StaffBrowser();
        var page = await browser.Get("/mod/login");
        var (response, _) = await browser.Submit(page, "/mod/login", Fields(("name", name), ("password", password)));
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        return browser;
    }

    /// <summary>Opens the post's staff page and submits its action form.</summary>
    public static async Task<HttpStatusCode> Act(WebBrowser browser, string board, long no, string action, string reason = "rule 1", string? to = null)
    {
        var page = await browser.Get($"/mod/post/{board}/{no}");
        if (page.Status != HttpStatusCode.OK)
        {
            return page.Status;
        }
        var form = page.Document.QuerySelectorAll<AngleSharp.Html.Dom.IHtmlFormElement>("form")
            .FirstOrDefault(f => f.GetAttribute("action") == $"/mod/post/{board}/{no}");
        if (form is null || form.QuerySelector($"input[value='{action}']") is null)
        {
            // The page offers only what the role allows; post the action anyway, as a forged form would.
            return await ForgeFromPage(browser, page, $"/mod/post/{board}/{no}", Fields(("action", action), ("reason", reason), ("to", to)));
        }
        var fill = Fields(("action", action), ("reason", reason));
        if (to is not null)
        {
            fill["to"] = to;
        }
        var (response, _) = await browser.Submit(page, $"/mod/post/{board}/{no}", fill);
        return response.StatusCode;
    }

    /// <summary>POSTs fields with the antiforgery token of <paramref name="page"/> (any staff form on it).</summary>
    public static async Task<HttpStatusCode> ForgeFromPage(WebBrowser browser, Page page, string action, Dictionary<string, string?> fields)
    {
        var token = page.Document.QuerySelector("input[name='__staff_token']")?.GetAttribute("value") ?? "";
        var all = fields.Where(f => f.Value is not null).Select(f => new KeyValuePair<string, string>(f.Key, f.Value!)).ToList();
        all.Add(new("__staff_token", token));
        using var content = new FormUrlEncodedContent(all);
        var response = await browser.Client.PostAsync(new Uri(action, UriKind.Relative), content);
        return response.StatusCode;
    }

    /// <summary>Posts through the public form without cookies; returns the new post's number.</summary>
    public static async Task<long> Post(BoardServer server, string board, string body, long? thread = null, string name = "")
    {
        var fields = new List<KeyValuePair<string, string>> { new("body", body), new("name", name), new("ticket", await server.Ticket(board)) };
        if (thread is { } t)
        {
            fields.Add(new("thread", t.ToString(CultureInfo.InvariantCulture)));
        }
        using var content = new FormUrlEncodedContent(fields);
        var response = await server.Client().PostAsync(new Uri($"/{board}/post", UriKind.Relative), content);
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        return long.Parse(response.Headers.Location!.OriginalString.Split("#p")[1], CultureInfo.InvariantCulture);
    }
}
