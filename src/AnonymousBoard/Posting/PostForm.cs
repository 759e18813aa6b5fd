namespace AnonymousBoard.Posting;

/// <summary>
/// The posting form exactly as a person (or a script with curl) sent it. These field names are a
/// public interface: name, subject, body, thread, sage, password.
/// </summary>
public sealed class PostForm
{
    public string? Name { get; set; }
    public string? Subject { get; set; }
    public string? Body { get; set; }
    /// <summary>The thread replied to; absent for a new thread.</summary>
    public long? Thread { get; set; }
    /// <summary>A checkbox: any value means ticked ("on" from a browser, "1" or "on" from curl).</summary>
    public string? Sage { get; set; }
    public string? Password { get; set; }
    /// <summary>Optional: derives a signing key on the server, signs, and is forgotten.</summary>
    public string? Passphrase { get; set; }
    /// <summary>Optional: an OpenSSH signature (ssh-keygen -Y sign -n anonboard) of the post's message.</summary>
    public string? Signature { get; set; }

    public bool IsSage => !string.IsNullOrEmpty(Sage) && Sage != "0" && !Sage.Equals("false", StringComparison.OrdinalIgnoreCase);
}
