using AnonymousBoard.Identity;

namespace AnonymousBoard.Storage.Sql;

/// <summary>Identity's rows, in the SQL both engines speak: a signed post's message, signature and key.</summary>
public sealed class SqlSignedPostStore : ISignedPostStore
{
    public SignedPost? FindSignedPost(UnitOfWork work, long boardId, long no) =>
        SqlUnitOfWork.Of(work).First<SignedRow>("""
            SELECT signed_message, signature, public_key, thread_no FROM posts
            WHERE board_id = @b AND no = @no AND signature IS NOT NULL
            """, new { b = boardId, no }) is { } signed
            ? new SignedPost(signed.SignedMessage, signed.Signature, signed.PublicKey, signed.ThreadNo)
            : null;

    private sealed class SignedRow
    {
        public string SignedMessage { get; init; } = "";
        public string Signature { get; init; } = "";
        public byte[] PublicKey { get; init; } = [];
        public long ThreadNo { get; init; }
    }
}
