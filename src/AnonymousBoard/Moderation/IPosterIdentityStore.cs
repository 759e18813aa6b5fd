using AnonymousBoard.Gate;
using AnonymousBoard.Storage;

namespace AnonymousBoard.Moderation;

/// <summary>What the posting path recorded of who wrote each post (tripcode, pseudonym, circuit), for "delete everything by".</summary>
public interface IPosterIdentityStore
{
    /// <summary>Forgets circuit ids recorded before <paramref name="before"/>; returns how many.</summary>
    int ForgetCircuits(UnitOfWork work, DateTimeOffset before);
    /// <summary>Posts whose poster had this tripcode, pseudonym or circuit, by board and number, at most 1000.</summary>
    IReadOnlyList<PurgeItem> FindBy(UnitOfWork work, BanKind kind, string value);
}

/// <summary>A post that "delete everything by ..." would delete.</summary>
public sealed record PurgeItem(long BoardId, string BoardSlug, long No, long ThreadNo, string Excerpt);
