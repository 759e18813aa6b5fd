using AnonymousBoard.Storage;

namespace AnonymousBoard.Identity;

/// <summary>The row a signed post's files are made from, read inside the caller's unit of work.</summary>
public interface ISignedPostStore
{
    /// <summary>The message, signature and key of a signed post, or null when there is no such post or it is not signed.</summary>
    SignedPost? FindSignedPost(UnitOfWork work, long boardId, long no);
}

/// <summary>What anyone needs to check a signed post offline, and the thread it is in.</summary>
public sealed record SignedPost(string Message, string Signature, byte[] PublicKey, long ThreadNo);

/// <summary>Signed posts as their page and files read them: one snapshot each.</summary>
public sealed class SignedPosts(IStorage storage, ISignedPostStore store)
{
    public SignedPost? Find(long boardId, long no)
    {
        using var work = storage.Read();
        return store.FindSignedPost(work, boardId, no);
    }
}
