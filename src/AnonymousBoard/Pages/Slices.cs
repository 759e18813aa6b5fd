using Microsoft.AspNetCore.Html;
using RazorSlices;

namespace AnonymousBoard.Pages;

/// <summary>
/// For the Razor pages not yet moved to handlers and templates: a template rendered into a page.
/// Goes with the last of them.
/// </summary>
public static class Slices
{
    public static async Task<IHtmlContent> Render(RazorSlice slice)
    {
        ArgumentNullException.ThrowIfNull(slice);
        return new HtmlString(await slice.RenderAsync(Markup.Templates.Encoder));
    }
}
