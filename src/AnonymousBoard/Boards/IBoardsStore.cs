using AnonymousBoard.Storage;

namespace AnonymousBoard.Boards;

/// <summary>The boards' rows.</summary>
public interface IBoardsStore
{
    IReadOnlyList<Board> List(UnitOfWork work);
    Board? Find(UnitOfWork work, string slug);
    /// <summary>Adds a board; false when the slug is taken.</summary>
    bool Insert(UnitOfWork work, string slug, string title, string description, BoardSettings settings, DateTimeOffset now);
    /// <summary>Replaces title, description and settings; false when there is no such board.</summary>
    bool Update(UnitOfWork work, string slug, string title, string description, BoardSettings settings);
}
