using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;

namespace AnonymousBoard.Tests.Support;

/// <summary>A page as fetched: status, headers, raw HTML and the parsed document.</summary>
public sealed record Page(HttpStatusCode Status, HttpResponseMessage Response, string Html, IHtmlDocument Document, string Path)
{
    public IHtmlFormElement Form(string action) =>
        Document.QuerySelectorAll<IHtmlFormElement>("form").FirstOrDefault(f => f.GetAttribute("action") == action)
        ?? throw new InvalidOperationException($"No form posting to {action} on {Path}.");

    public string? Field(string formAction, string name) =>
        Form(formAction).Elements.FirstOrDefault(e => e.GetAttribute("name") == name) switch
        {
            IHtmlTextAreaElement t => t.Value,
            IHtmlInputElement { Type: "checkbox" } c => c.IsChecked ? c.Value : null,
            IHtmlInputElement i => i.Value,
            _ => null,
        };

    public IElement? Post(long no) => Document.GetElementById($"p{no}");
}

/// <summary>
/// Drives the board the way a browser with JavaScript off does: fetch a page, fill its form,
/// submit exactly the fields the form has, follow the 303.
/// </summary>
public sealed class WebBrowser(HttpClient client)
{
    private static readonly HtmlParser Parser = new();

    public HttpClient Client => client;

    public async Task<Page> Get(string path)
    {
        var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        return await Read(response, path);
    }

    /// <summary>Fills the named fields of the form that posts to <paramref name="action"/> and submits it.</summary>
    public async Task<(HttpResponseMessage Response, Page? Landed)> Submit(Page page, string action, IDictionary<string, string?> fill)
    {
        var form = page.Form(action);
        var fields = new List<KeyValuePair<string, string>>();
        foreach (var element in form.Elements)
        {
            var name = element.GetAttribute("name");
            if (string.IsNullOrEmpty(name))
            {
                continue;
            }
            switch (element)
            {
                case IHtmlInputElement { Type: "radio" } radio:
                    if (fill.TryGetValue(name, out var chosen) ? chosen == radio.Value : radio.IsChecked)
                    {
                        fields.Add(new(name, radio.Value));
                    }
                    break;
                case IHtmlSelectElement select:
                    fields.Add(new(name, fill.TryGetValue(name, out var option) ? option ?? "" : select.Value ?? ""));
                    break;
                case IHtmlInputElement { Type: "checkbox" } box:
                    var ticked = fill.TryGetValue(name, out var want) ? want is not null : box.IsChecked;
                    if (ticked)
                    {
                        fields.Add(new(name, box.Value));
                    }
                    break;
                case IHtmlInputElement input:
                    fields.Add(new(name, fill.TryGetValue(name, out var v) ? v ?? "" : input.Value));
                    break;
                case IHtmlTextAreaElement area:
                    fields.Add(new(name, fill.TryGetValue(name, out var t) ? t ?? "" : area.Value));
                    break;
            }
        }
        var missing = fill.Keys.Where(k => form.Elements.All(e => e.GetAttribute("name") != k)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException($"The form has no field(s) {string.Join(", ", missing)}.");
        }
        using var content = new FormUrlEncodedContent(fields);
        var response = await client.PostAsync(new Uri(System.Net.WebUtility.HtmlDecode(action), UriKind.Relative), content);
        if (response.StatusCode == HttpStatusCode.SeeOther)
        {
            var location = response.Headers.Location!.OriginalString;
            return (response, await Get(location.Split('#')[0]));
        }
        return (response, await Read(response, action));
    }

    public static async Task<Page> Read(HttpResponseMessage response, string path)
    {
        var html = await response.Content.ReadAsStringAsync();
        return new Page(response.StatusCode, response, html, Parser.ParseDocument(html), path);
    }
}
