using ArchUnitNET.Domain;
using ArchUnitNET.Domain.Dependencies;
using ArchUnitNET.Domain.Extensions;
using ArchUnitNET.Loader;

namespace AnonymousBoard.Tests.Architecture;

/// <summary>
/// The shape of the code, read from the compiled board (its IL, so a rule sees what the code really
/// uses): storage only moves rows and nothing else knows the engine, pages go through the features'
/// handlers, raw HTML has one source, and the folders depend on each other without cycles.
/// </summary>
public sealed class ShapeTests
{
    private static readonly ArchUnitNET.Domain.Architecture Board =
        // The engine's libraries are loaded too, so that a use of one of their types is seen as such.
        new ArchLoader().LoadAssemblies(typeof(AnonymousBoard.Hosting.BoardHost).Assembly,
            typeof(Microsoft.Data.Sqlite.SqliteConnection).Assembly, typeof(Dapper.SqlMapper).Assembly).Build();

    /// <summary>The folder a type lives in: "Posting", or "Storage.Sqlite" for an engine ("Storage.Sql": what engines share); null outside the board.</summary>
    private static string? Folder(IType type)
    {
        var name = type.Namespace?.FullName ?? "";
        if (!name.StartsWith("AnonymousBoard.", StringComparison.Ordinal))
        {
            return null;
        }
        var parts = name.Split('.');
        return parts.Length > 2 && parts[1] == "Storage" ? $"{parts[1]}.{parts[2]}" : parts[1];
    }

    private static readonly List<(IType From, IType To)> TypeEdges =
        Board.Types.SelectMany(t => t.GetTypeDependencies(Board).Select(d => (t, d))).ToList();

    private static IEnumerable<string> Uses(Func<IType, bool> from, Func<IType, bool> to) =>
        TypeEdges.Where(e => from(e.From) && to(e.To)).Select(e => $"{e.From.FullName} uses {e.To.FullName}").Distinct();

    [Fact]
    public void Only_the_engine_knows_its_database_library()
    {
        var engines = new[] { "Microsoft.Data.Sqlite", "SQLitePCL", "Dapper", "Npgsql" };
        Assert.Empty(Uses(t => Folder(t) is { } f && f is not "Storage.Sql" and not "Storage.Sqlite" and not "Storage.Postgres",
            t => engines.Any(e => t.FullName.StartsWith(e + ".", StringComparison.Ordinal))));
    }

    [Fact]
    public void Storage_knows_no_feature_and_features_know_no_engine()
    {
        // The units of work and the failure type are the board's own vocabulary; an engine implements the features' stores.
        Assert.Empty(Uses(t => Folder(t) == "Storage", t => Folder(t) is { } f && f != "Storage"));
        // Only the composition root picks an engine.
        Assert.Empty(Uses(t => Folder(t) is { } f && f != "Hosting" && !f.StartsWith("Storage.", StringComparison.Ordinal),
            t => Folder(t) is { } f && f.StartsWith("Storage.", StringComparison.Ordinal)));
    }

    /// <summary>The classes whose methods the route table names, and the compiled templates.</summary>
    private static bool IsHandlerOrTemplate(IType type) =>
        HandlerTypes.Contains(type.FullName)
        || type.Namespace?.FullName.StartsWith("AspNetCoreGeneratedDocument", StringComparison.Ordinal) == true;

    private static readonly HashSet<string> HandlerTypes =
        AnonymousBoard.Hosting.Routes.Table.Select(r => r.Handler.Method.DeclaringType!.FullName!).ToHashSet();

    [Fact]
    public void Handlers_and_templates_reach_storage_only_through_the_features_services()
    {
        Assert.True(HandlerTypes.Count >= 5, $"only {HandlerTypes.Count} handler classes found");
        Assert.Contains(Board.Types, t => t.Namespace?.FullName.StartsWith("AspNetCoreGeneratedDocument", StringComparison.Ordinal) == true);
        string[] stores =
        [
            "IStorage", "UnitOfWork", "IBoardsStore", "IReadingStore", "IPostingStore", "IMarkupStore", "IMediaStore",
            "IStaffStore", "IStaffSessionStore", "IModLogStore", "IPostActionStore", "IThreadMoveStore", "IReportStore", "IBanStore",
            "IFilterStore", "IBoardPolicyStore", "IPosterIdentityStore", "IRemovalStore", "ISignedPostStore", "IActiveBanStore", "IFilterRuleStore",
        ];
        Assert.Empty(Uses(IsHandlerOrTemplate, t => Folder(t) is not null && stores.Contains(t.Name)));
    }

    [Fact]
    public void Raw_html_is_made_only_by_the_renderer_and_the_templates_and_read_back_only_by_the_engine()
    {
        var makers = Board.Types.SelectMany(t => t.Dependencies.OfType<MethodCallDependency>()
                .Where(d => d.TargetMember.DeclaringType.Name == "TrustedHtml" && d.TargetMember.Name.StartsWith("From", StringComparison.Ordinal))
                .Select(d => (Caller: t, Method: d.TargetMember.Name.Split('(')[0])))
            .Where(c => c.Caller.Name != "TrustedHtml")
            .Distinct().ToList();
        Assert.NotEmpty(makers);
        Assert.Empty(makers.Where(c => !(c.Method == "FromRenderer" && Folder(c.Caller) == "Markup")
                                       && !(c.Method == "FromStoredRendering" && Folder(c.Caller) == "Storage.Sql"))
            .Select(c => $"{c.Caller.FullName} calls TrustedHtml.{c.Method}"));

        // Prepared fragments are what a template rendered, and nothing else.
        var preparers = Board.Types.Where(t => t.Dependencies.OfType<MethodCallDependency>()
                .Any(d => d.TargetMember.DeclaringType.Name == "PreparedHtml" && d.TargetMember.Name.StartsWith(".ctor", StringComparison.Ordinal)))
            .Where(t => t.Name != "PreparedHtml").Select(t => t.FullName).ToList();
        Assert.Equal(["AnonymousBoard.Markup.Templates"], preparers);
    }

    [Fact]
    public void Folders_form_no_cycle()
    {
        var graph = TypeEdges.Select(e => (From: Folder(e.From), To: Folder(e.To)))
            .Where(e => e.From is not null && e.To is not null && e.From != e.To)
            .Distinct().ToLookup(e => e.From!, e => e.To!);
        var cycles = graph.Select(g => g.Key).Where(start => Reaches(graph, start, start)).ToList();
        Assert.Empty(cycles.Select(f => $"the folder {f} depends on itself through others"));
    }

    /// <summary>
    /// A GET of a thread page whose posts and forms are prepared: what its handler calls, followed through the board's
    /// own methods, but not into BoardPages' Prepare… methods, the builders it hands the page cache (run once per
    /// write), nor through an interface to whatever implements it. (The IL puts what a lambda calls in the method that
    /// wrote it, so the posts' builder, which reads the store and renders, counts here as if run per request.)
    /// Posting, with moderation's rules and media's state, is reached only by those builders, through IPageForms;
    /// per request it is reading, the board list, the gate's ticket and level, the templates and the site's links.
    /// </summary>
    [Fact]
    public void A_thread_page_request_reaches_only_reading_boards_the_gate_markup_and_the_site()
    {
        var handler = Board.Types.Single(t => t.FullName == "AnonymousBoard.Reading.BoardPages")
            .Members.OfType<MethodMember>().Single(m => m.Name.StartsWith("Thread(", StringComparison.Ordinal));
        var calls = CallsFrom(handler, skip: IsPageCacheBuilder);
        Assert.Contains(calls, c => c.To.DeclaringType.Name == "PageCache");
        // The forms are drawn by posting, in the builders only.
        Assert.Contains(handler.DeclaringType.Members.OfType<MethodMember>().Where(IsPageCacheBuilder),
            m => m.MemberDependencies.OfType<MethodCallDependency>().Any(d => d.TargetMember.DeclaringType.Name == "IPageForms"));
        string[] allowed = ["Reading", "Boards", "Gate", "Markup", "Site", "Storage", "Settings"];
        var beyond = calls.Where(c => c.To.DeclaringType.Name == "IPageForms" || !allowed.Contains(Folder(c.To.DeclaringType)))
            .Select(c => $"a thread page request calls {c.To.FullName} (from {c.From.FullName})").Distinct().ToList();
        Assert.True(beyond.Count == 0, string.Join("\n", beyond));

        // The templates it renders (Reading/ThreadPage and what it writes in): no feature but those either.
        string[] templates = ["ThreadPage", "FilledForm", "GateFields", "BoardTop", "PageLayout"];
        var rendered = Board.Types.Where(t => t.Namespace?.FullName == "AspNetCoreGeneratedDocument"
            && templates.Any(n => t.Name.EndsWith("_" + n, StringComparison.Ordinal))).ToList();
        Assert.Equal(templates.Length, rendered.Count);
        Assert.Empty(rendered.SelectMany(t => t.GetTypeDependencies(Board)).Where(t => Folder(t) is { } f && !allowed.Contains(f))
            .Select(t => $"the thread page's templates use {t.FullName}").Distinct());
    }

    /// <summary>The board's own methods <paramref name="handler"/> calls, and what they call, not into <paramref name="skip"/> nor through an interface.</summary>
    private static List<(IMember From, IMember To)> CallsFrom(IMember handler, Func<IMember, bool> skip)
    {
        var calls = new List<(IMember From, IMember To)>();
        var seen = new HashSet<IMember> { handler };
        var next = new Stack<IMember>([handler]);
        while (next.TryPop(out var method))
        {
            foreach (var target in method.MemberDependencies.OfType<MethodCallDependency>().Select(d => d.TargetMember)
                         .Where(m => Folder(m.DeclaringType) is not null && !skip(m)))
            {
                calls.Add((method, target));
                if (seen.Add(target))
                {
                    next.Push(target);
                }
            }
        }
        return calls;
    }

    /// <summary>
    /// A POST of a reply: what the posting handler calls, followed as for the thread page, but not into the writing of a
    /// new thread (the one branch a reply never takes: a new thread prunes the board, which is Removal's). Screening
    /// (bans, filters) is the gate's; posting writes the hold and who posted in its own rows; the pages are refreshed
    /// by the unit of work's listeners, behind an interface.
    /// </summary>
    [Fact]
    public void A_reply_post_reaches_only_posting_the_gate_identity_media_and_markup()
    {
        var handler = Board.Types.Single(t => t.FullName == "AnonymousBoard.Posting.PostingPages")
            .Members.OfType<MethodMember>().Single(m => m.Name.StartsWith("Submit(", StringComparison.Ordinal));
        var writeThread = Board.Types.Single(t => t.FullName == "AnonymousBoard.Posting.PostingService")
            .Members.OfType<MethodMember>().Single(m => m.Name.StartsWith("WriteThread(", StringComparison.Ordinal));
        var calls = CallsFrom(handler, skip: m => m.Equals(writeThread));
        // The walk reaches the write, the ban check and the image pipeline, so it sees the whole reply.
        Assert.Contains(calls, c => c.To.Name.StartsWith("WriteReply(", StringComparison.Ordinal));
        Assert.Contains(calls, c => c.To.DeclaringType.Name == "Bans");
        Assert.Contains(calls, c => c.To.DeclaringType.Name == "MediaService");
        string[] allowed = ["Posting", "Gate", "Identity", "Media", "Markup", "Boards", "Site", "Storage", "Settings"];
        var beyond = calls.Where(c => !allowed.Contains(Folder(c.To.DeclaringType)))
            .Select(c => $"a reply's POST calls {c.To.FullName} (from {c.From.FullName})").Distinct().ToList();
        Assert.True(beyond.Count == 0, string.Join("\n", beyond));
    }

    private static bool IsPageCacheBuilder(IMember method) =>
        method.DeclaringType.FullName == "AnonymousBoard.Reading.BoardPages" && method.Name.StartsWith("Prepare", StringComparison.Ordinal);

    private static bool Reaches(ILookup<string, string> graph, string from, string target)
    {
        var seen = new HashSet<string>();
        var next = new Stack<string>(graph[from]);
        while (next.TryPop(out var folder))
        {
            if (folder == target)
            {
                return true;
            }
            if (seen.Add(folder))
            {
                foreach (var to in graph[folder])
                {
                    next.Push(to);
                }
            }
        }
        return false;
    }
}
