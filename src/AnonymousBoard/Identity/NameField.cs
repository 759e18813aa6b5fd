namespace AnonymousBoard.Identity;

/// <summary>
/// The name box split the way imageboards do: "Name#key" asks for a classic tripcode,
/// "Name##password" for a secure one, "Name#key##password" for both. The keys are secrets:
/// use them to compute tripcodes and never store or log them.
/// </summary>
public sealed record NameField(string Name, string? ClassicKey, string? SecureKey)
{
    public static NameField Parse(string? field)
    {
        string text = field ?? "";
        int hash = text.IndexOf('#', StringComparison.Ordinal);
        if (hash < 0)
        {
            return new NameField(text.Trim(), null, null);
        }
        string name = text[..hash].Trim();
        string rest = text[(hash + 1)..];
        if (rest.StartsWith('#'))
        {
            return new NameField(name, null, NullIfEmpty(rest[1..]));
        }
        int secure = rest.IndexOf("##", StringComparison.Ordinal);
        return secure < 0
            ? new NameField(name, NullIfEmpty(rest), null)
            : new NameField(name, NullIfEmpty(rest[..secure]), NullIfEmpty(rest[(secure + 2)..]));
    }

    private static string? NullIfEmpty(string key) => key.Length == 0 ? null : key;
}
