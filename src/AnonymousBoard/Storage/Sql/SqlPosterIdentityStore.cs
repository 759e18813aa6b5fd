using AnonymousBoard.Gate;
using AnonymousBoard.Moderation;

namespace AnonymousBoard.Storage.Sql;

/// <summary>Poster identities' rows, in the SQL both engines speak.</summary>
public sealed class SqlPosterIdentityStore : IPosterIdentityStore
{
    public int ForgetCircuits(UnitOfWork work, DateTimeOffset before) =>
        SqlUnitOfWork.Of(work).Execute("UPDATE post_identities SET circuit = NULL WHERE circuit IS NOT NULL AND created_at < @before",
            new { before = before.ToUnixTimeSeconds() });

    public IReadOnlyList<PurgeItem> FindBy(UnitOfWork work, BanKind kind, string value)
    {
        var column = kind switch
        {
            BanKind.Tripcode => "tripcode",
            BanKind.Pseudonym => "pseudonym",
            BanKind.Circuit => "circuit",
            _ => throw new ArgumentOutOfRangeException(nameof(kind), "Only tripcodes, pseudonyms and circuits name a poster."),
        };
        // column is one of three names written here, never input.
        return SqlUnitOfWork.Of(work).Query<ItemRow>($"""
            SELECT p.board_id, b.slug AS board_slug, p.no, p.thread_no, substr(p.body, 1, 160) AS excerpt
            FROM post_identities i JOIN posts p ON p.id = i.post_id JOIN boards b ON b.id = p.board_id
            WHERE i.{column} = @value ORDER BY b.slug, p.no LIMIT 1000
            """, new { value }).ConvertAll(r => new PurgeItem(r.BoardId, r.BoardSlug, r.No, r.ThreadNo, r.Excerpt));
    }

    private sealed class ItemRow
    {
        public long BoardId { get; init; }
        public string BoardSlug { get; init; } = "";
        public long No { get; init; }
        public long ThreadNo { get; init; }
        public string Excerpt { get; init; } = "";
    }
}
