using AnonymousBoard.Boards;

namespace AnonymousBoard.Storage.Sql;

/// <summary>Board policies' rows, in the SQL both engines speak.</summary>
public sealed class SqlBoardPolicyStore : IBoardPolicyStore
{
    public BoardPolicy? Find(UnitOfWork work, long boardId) =>
        SqlUnitOfWork.Of(work).First<PolicyRow>("SELECT rules, auto_hide_reports FROM board_policies WHERE board_id = @boardId", new { boardId })
            is { } p ? new BoardPolicy(p.Rules, p.AutoHideReports) : null;

    public void Save(UnitOfWork work, long boardId, BoardPolicy policy) =>
        SqlUnitOfWork.Of(work).Execute("""
            INSERT INTO board_policies (board_id, rules, auto_hide_reports) VALUES (@boardId, @rules, @autoHideReports)
            ON CONFLICT (board_id) DO UPDATE SET rules = excluded.rules, auto_hide_reports = excluded.auto_hide_reports
            """, new { boardId, rules = policy.Rules, autoHideReports = policy.AutoHideReports });

    private sealed class PolicyRow
    {
        public string Rules { get; init; } = "";
        public int AutoHideReports { get; init; }
    }
}
