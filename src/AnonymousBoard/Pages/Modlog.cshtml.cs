using AnonymousBoard.Moderation;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AnonymousBoard.Pages;

/// <summary>/modlog: the public moderation log, newest first, 50 a page.</summary>
public sealed class ModlogModel(ModLogReader log) : PageModel
{
    public const int PageSize = 50;
    public IReadOnlyList<LogEntry> Entries { get; private set; } = [];
    public long? Older { get; private set; }
    public string PublicKey => log.PublicKeyHex;

    public void OnGet(long? before)
    {
        Entries = log.Page(before is > 0 ? before : null, PageSize);
        Older = Entries.Count == PageSize && Entries[^1].Seq > 1 ? Entries[^1].Seq : null;
    }
}
