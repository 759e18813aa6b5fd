using AnonymousBoard.Search;

namespace AnonymousBoard.Storage.Sql;

/// <summary>A search result's row, as both engines' search stores select it.</summary>
internal sealed class SearchHitRow
{
    public string Board { get; init; } = "";
    public long No { get; init; }
    public long ThreadNo { get; init; }
    public long CreatedAt { get; init; }
    public string Subject { get; init; } = "";
    public string Body { get; init; } = "";

    public SearchHit ToHit() => new(Board, No, ThreadNo, DateTimeOffset.FromUnixTimeSeconds(CreatedAt), Subject, Body);
}
