using AnonymousBoard.Gate;
using AnonymousBoard.Moderation;

namespace AnonymousBoard.Storage.Sql;

/// <summary>Bans' and appeals' rows, in the SQL both engines speak: as staff change them, and as screening reads them.</summary>
public sealed class SqlBanStore : IBanStore, IActiveBanStore
{
    private const string BanColumns = "x.id, x.board_id, b.slug AS board_slug, x.kind, x.value, x.reason, x.created_at, x.expires_at, x.lifted_at";
    private const string Select = $"SELECT {BanColumns} FROM bans x LEFT JOIN boards b ON b.id = x.board_id";

    public long Insert(UnitOfWork work, BanDraft ban) =>
        SqlUnitOfWork.Of(work).One<long>("""
            INSERT INTO bans (board_id, kind, value, reason, created_at, expires_at, created_by)
            VALUES (@boardId, @kind, @value, @reason, @now, @expires, @staffId) RETURNING id
            """, new
        {
            boardId = ban.BoardId, kind = BanKinds.Name(ban.Kind), value = ban.Value, reason = ban.Reason, now = ban.Now.ToUnixTimeSeconds(),
            expires = ban.Expires?.ToUnixTimeSeconds(), staffId = ban.StaffId,
        });

    public Ban? Find(UnitOfWork work, long id) =>
        SqlUnitOfWork.Of(work).First<BanRow>($"{Select} WHERE x.id = @id", new { id })?.ToBan();

    public IReadOnlyList<Ban> ListActive(UnitOfWork work, long boardId, DateTimeOffset now) =>
        SqlUnitOfWork.Of(work).Query<BanRow>($"""
            {Select}
            WHERE x.lifted_at IS NULL AND (x.expires_at IS NULL OR x.expires_at > @now) AND (x.board_id IS NULL OR x.board_id = @boardId)
            ORDER BY x.id
            """, new { boardId, now = now.ToUnixTimeSeconds() }).ConvertAll(r => r.ToBan());

    public IReadOnlyList<Ban> List(UnitOfWork work, DateTimeOffset now, bool includeInactive) =>
        SqlUnitOfWork.Of(work).Query<BanRow>($"""
            {Select}
            WHERE @includeInactive = 1 OR (x.lifted_at IS NULL AND (x.expires_at IS NULL OR x.expires_at > @now))
            ORDER BY x.id DESC LIMIT 500
            """, new { includeInactive, now = now.ToUnixTimeSeconds() }).ConvertAll(r => r.ToBan());

    public bool Lift(UnitOfWork work, long id, DateTimeOffset now) =>
        SqlUnitOfWork.Of(work).Execute("UPDATE bans SET lifted_at = @now WHERE id = @id AND lifted_at IS NULL",
            new { id, now = now.ToUnixTimeSeconds() }) == 1;

    public bool AddAppeal(UnitOfWork work, long banId, string text, DateTimeOffset now) =>
        SqlUnitOfWork.Of(work).Execute("INSERT INTO ban_appeals (ban_id, text, created_at) VALUES (@banId, @text, @now) ON CONFLICT DO NOTHING",
            new { banId, text, now = now.ToUnixTimeSeconds() }) == 1;

    public IReadOnlyList<Appeal> ListAppeals(UnitOfWork work, bool pendingOnly) =>
        SqlUnitOfWork.Of(work).Query<AppealRow>($"""
            SELECT a.text AS appeal_text, a.created_at AS appealed_at, a.answer, a.granted, {BanColumns}
            FROM ban_appeals a JOIN bans x ON x.id = a.ban_id LEFT JOIN boards b ON b.id = x.board_id
            WHERE @pendingOnly = 0 OR a.answered_at IS NULL
            ORDER BY a.created_at LIMIT 200
            """, new { pendingOnly }).ConvertAll(a => new Appeal(a.Id, a.AppealText, DateTimeOffset.FromUnixTimeSeconds(a.AppealedAt), a.Answer,
                a.Granted, a.ToBan()));

    public bool AnswerAppeal(UnitOfWork work, long banId, string answer, bool granted, long staffId, DateTimeOffset now) =>
        SqlUnitOfWork.Of(work).Execute("""
            UPDATE ban_appeals SET answer = @answer, answered_at = @now, answered_by = @staffId, granted = @granted
            WHERE ban_id = @banId AND answered_at IS NULL
            """, new { banId, answer, granted, staffId, now = now.ToUnixTimeSeconds() }) == 1;

    private class BanRow
    {
        public long Id { get; init; }
        public long? BoardId { get; init; }
        public string? BoardSlug { get; init; }
        public string Kind { get; init; } = "";
        public string Value { get; init; } = "";
        public string Reason { get; init; } = "";
        public long CreatedAt { get; init; }
        public long? ExpiresAt { get; init; }
        public long? LiftedAt { get; init; }

        public Ban ToBan() => new(Id, BoardId, BoardSlug, BanKinds.Parse(Kind) ?? BanKind.Text, Value, Reason,
            DateTimeOffset.FromUnixTimeSeconds(CreatedAt), At(ExpiresAt), At(LiftedAt));

        private static DateTimeOffset? At(long? seconds) => seconds is { } s ? DateTimeOffset.FromUnixTimeSeconds(s) : null;
    }

    private sealed class AppealRow : BanRow
    {
        public string AppealText { get; init; } = "";
        public long AppealedAt { get; init; }
        public string? Answer { get; init; }
        public bool? Granted { get; init; }
    }
}
