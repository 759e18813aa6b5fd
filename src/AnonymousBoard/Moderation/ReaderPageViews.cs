using AnonymousBoard.Boards;
using AnonymousBoard.Gate;
using AnonymousBoard.Site;

namespace AnonymousBoard.Moderation;

/// <summary>A board's rules (Moderation/RulesPage.cshtml).</summary>
public sealed record RulesPageView(IReadOnlyList<Board> Boards, BoardHeading Heading, string Rules);

/// <summary>A page of the public log (Moderation/ModlogPage.cshtml); <paramref name="Older"/> is where the next page starts.</summary>
public sealed record ModlogPageView(IReadOnlyList<Board> Boards, string PublicKey, IReadOnlyList<LogEntry> Entries, long? Older);

/// <summary>The report form (Moderation/ReportPage.cshtml): what was typed, why it was refused, or that it was sent.</summary>
public sealed record ReportPageView(IReadOnlyList<Board> Boards, BoardHeading Heading, long No, long ThreadNo, bool Sent,
    string? Error, string? Category, string? Detail, GateFieldsView Gate);

/// <summary>The appeal form (Moderation/AppealPage.cshtml); <paramref name="Ok"/> once the appeal was filed, and then no form.</summary>
public sealed record AppealPageView(IReadOnlyList<Board> Boards, string? BanId, string? Text, string? Message, bool Ok, GateFieldsView? Gate);
