using AnonymousBoard.Storage;

namespace AnonymousBoard.Boards;

/// <summary>Each board's rules text and report threshold.</summary>
public interface IBoardPolicyStore
{
    /// <summary>The board's policy, or null when none was ever saved.</summary>
    BoardPolicy? Find(UnitOfWork work, long boardId);
    void Save(UnitOfWork work, long boardId, BoardPolicy policy);
}
