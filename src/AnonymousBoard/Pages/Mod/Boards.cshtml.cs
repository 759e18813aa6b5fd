using System.Globalization;
using AnonymousBoard.Boards;
using AnonymousBoard.Storage;
using AnonymousBoard.Moderation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AnonymousBoard.Pages.StaffPages;

/// <summary>/mod/boards: create and edit boards (admins only; checked in <see cref="BoardModeration.SaveBoard"/>).</summary>
public sealed class ModBoardsModel(BoardDirectory store, BoardPolicies policies, BoardModeration moderation) : StaffPageModel
{
    public sealed class BoardForm
    {
        public string? Slug { get; set; }
        public string? Title { get; set; }
        public string? Description { get; set; }
        public string? Rules { get; set; }
        public int AutoHide { get; set; }
        public BoardSettings Settings { get; set; } = new();
    }

    public IReadOnlyList<Board> All { get; private set; } = [];
    public BoardForm Form { get; private set; } = new();
    public bool Editing { get; private set; }

    public IActionResult OnGet(string? edit)
    {
        if (Staff.Role != StaffRole.Admin)
        {
            return Show(ModResult.Forbidden("create or edit boards"));
        }
        All = store.All;
        if (edit is not null && store.Find(edit) is { } board)
        {
            var policy = policies.Get(board.Id);
            Form = new BoardForm
            {
                Slug = board.Slug, Title = board.Title, Description = board.Description, Rules = policy.Rules,
                AutoHide = policy.AutoHideReports, Settings = board.Settings,
            };
            Editing = true;
        }
        return Page();
    }

    public IActionResult OnPostCreate() => Save(create: true);

    public IActionResult OnPostUpdate() => Save(create: false);

    private PageResult Save(bool create)
    {
        var f = Request.Form;
        int Number(string name) => int.TryParse(f[name], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1;
        Form = new BoardForm
        {
            Slug = f["slug"].ToString().Trim(),
            Title = f["title"],
            Description = f["description"],
            Rules = f["rules"].ToString().Replace("\r\n", "\n", StringComparison.Ordinal),
            AutoHide = Number("autohide"),
            Settings = new BoardSettings
            {
                BumpLimit = Number("bumplimit"), ThreadCap = Number("threadcap"), ThreadsPerPage = Number("threadsperpage"),
                PreviewsPerThread = Number("previews"), MaxBodyChars = Number("maxbody"), MaxBodyLines = Number("maxlines"),
                MaxNameChars = Number("maxname"), MaxSubjectChars = Number("maxsubject"), ArchivePruned = !string.IsNullOrEmpty(f["archive"]),
            },
        };
        var result = moderation.SaveBoard(Staff, create, Form.Slug ?? "", Form.Title, Form.Description, Form.Settings,
            new BoardPolicy(Form.Rules ?? "", Form.AutoHide), f["reason"]);
        Editing = !create || result is ModResult.Done;
        All = store.All;
        return Show(result);
    }
}
