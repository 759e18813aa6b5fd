using AnonymousBoard.Moderation;

namespace AnonymousBoard.Storage.Sqlite;

/// <summary>Board policies' rows in SQLite.</summary>
public sealed class SqliteBoardPolicyStore : IBoardPolicyStore
{
    public BoardPolicy? Find(UnitOfWork work, long boardId) =>
        SqliteUnitOfWork.Of(work).First<PolicyRow>("SELECT rules, auto_hide_reports FROM board_policies WHERE board_id = @boardId", new { boardId })
            is { } p ? new BoardPolicy(p.Rules, p.AutoHideReports) : null;

    public void Save(UnitOfWork work, long boardId, BoardPolicy policy) =>
        SqliteUnitOfWork.Of(work).Execute("""
            INSERT INTO board_policies (board_id, rules, auto_hide_reports) VALUES (@boardId, @rules, @autoHideReports)
            ON CONFLICT (board_id) DO UPDATE SET rules = excluded.rules, auto_hide_reports = excluded.auto_hide_reports
            """, new { boardId, rules = policy.Rules, autoHideReports = policy.AutoHideReports });

    private sealed class PolicyRow
    {
        public string Rules { get; init; } = "";
        public int AutoHideReports { get; init; }
    }
}
