using AnonymousBoard.Moderation;

namespace AnonymousBoard.Storage.Sql;

/// <summary>The moderation log's rows (triggers in the schema refuse to change or delete them).</summary>
public sealed class SqlModLogStore : IModLogStore
{
    private const string Select = "SELECT seq, at, actor, action, target, text_hash, reason, prev_hash, hash, signature FROM modlog";

    public LogEntry? Last(UnitOfWork work) =>
        SqlUnitOfWork.Of(work).First<LogRow>($"{Select} ORDER BY seq DESC LIMIT 1")?.ToEntry();

    public void Insert(UnitOfWork work, LogEntry entry) =>
        SqlUnitOfWork.Of(work).Execute("""
            INSERT INTO modlog (seq, at, actor, action, target, text_hash, reason, prev_hash, hash, signature)
            VALUES (@seq, @at, @actor, @action, @target, @textHash, @reason, @prevHash, @hash, @signature)
            """, new
        {
            seq = entry.Seq, at = entry.At.ToUnixTimeSeconds(), actor = entry.Actor, action = entry.Action, target = entry.Target,
            textHash = entry.TextHash, reason = entry.Reason, prevHash = entry.PrevHash, hash = entry.Hash, signature = entry.Signature,
        });

    public long Count(UnitOfWork work) => SqlUnitOfWork.Of(work).One<long>("SELECT count(*) FROM modlog");

    public IReadOnlyList<LogEntry> ReadBefore(UnitOfWork work, long beforeSeq, int count) =>
        SqlUnitOfWork.Of(work).Query<LogRow>($"{Select} WHERE seq < @beforeSeq ORDER BY seq DESC LIMIT @count", new { beforeSeq, count })
            .ConvertAll(r => r.ToEntry());

    public IReadOnlyList<LogEntry> ReadAll(UnitOfWork work) =>
        SqlUnitOfWork.Of(work).Query<LogRow>($"{Select} ORDER BY seq").ConvertAll(r => r.ToEntry());

    private sealed class LogRow
    {
        public long Seq { get; init; }
        public long At { get; init; }
        public string Actor { get; init; } = "";
        public string Action { get; init; } = "";
        public string Target { get; init; } = "";
        public string TextHash { get; init; } = "";
        public string Reason { get; init; } = "";
        public string PrevHash { get; init; } = "";
        public string Hash { get; init; } = "";
        public string Signature { get; init; } = "";

        public LogEntry ToEntry() =>
            new(Seq, DateTimeOffset.FromUnixTimeSeconds(At), Actor, Action, Target, TextHash, Reason, PrevHash, Hash, Signature);
    }
}
