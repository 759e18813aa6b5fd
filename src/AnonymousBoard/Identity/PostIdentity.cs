namespace AnonymousBoard.Identity;

/// <summary>
/// What a post shows of its author beyond a name: tripcodes, and a signing key with the exact
/// message and signature so anyone can check it offline. Null fields: not used.
/// </summary>
public sealed record PostIdentity(string? Tripcode, byte[]? PublicKey, string? Signature, string? SignedMessage)
{
    public static readonly PostIdentity None = new(null, null, null, null);

    public string? Pseudonym => PublicKey is null ? null : Fingerprint.Of(PublicKey);
}
