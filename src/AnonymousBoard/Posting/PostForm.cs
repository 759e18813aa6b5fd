using System.Globalization;

namespace AnonymousBoard.Posting;

/// <summary>
/// The posting form exactly as a person (or a script with curl) sent it. These field names are a
/// public interface: name, subject, body, thread, sage, password, passphrase, signature, and with an
/// image: file, spoiler, keep_filename.
/// </summary>
public sealed class PostForm
{
    public string? Name { get; set; }
    public string? Subject { get; set; }
    public string? Body { get; set; }
    /// <summary>The thread replied to; absent for a new thread.</summary>
    public long? Thread { get; set; }
    /// <summary>Set when "thread" was sent but is not a post number.</summary>
    public string? BadThread { get; set; }
    /// <summary>A checkbox: any value means ticked ("on" from a browser, "1" or "on" from curl).</summary>
    public string? Sage { get; set; }
    public string? Password { get; set; }
    /// <summary>Optional: derives a signing key on the server, signs, and is forgotten.</summary>
    public string? Passphrase { get; set; }
    /// <summary>Optional: an OpenSSH signature (ssh-keygen -Y sign -n anonboard) of the post's message.</summary>
    public string? Signature { get; set; }
    /// <summary>The gate's ticket, from the hidden field of the form.</summary>
    public string? Ticket { get; set; }
    /// <summary>A hashcash stamp paying the work the form asked for (optional when calm).</summary>
    public string? Stamp { get; set; }
    public string? Spoiler { get; set; }
    public string? KeepFileName { get; set; }

    public bool IsSage => Ticked(Sage);
    public bool IsSpoiler => Ticked(Spoiler);
    public bool KeepsFileName => Ticked(KeepFileName);

    private static bool Ticked(string? value) =>
        !string.IsNullOrEmpty(value) && value != "0" && !value.Equals("false", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The form as it goes back to the person who sent it: control characters, which the rules
    /// refused and HTML cannot carry, shown as U+FFFD; no line breaks in one-line fields.
    /// </summary>
    public PostForm ForRedisplay()
    {
        static string? Shown(string? text) => text is null ? null : Markup.HtmlText.Printable(text);
        static string? Line(string? text) => Markup.HtmlText.OneLine(text);
        return new PostForm
        {
            Name = Line(Name), Subject = Line(Subject), Body = Shown(Body), Thread = Thread, BadThread = Shown(BadThread),
            Sage = Line(Sage), Password = Line(Password), Passphrase = Line(Passphrase), Signature = Shown(Signature),
            Ticket = Line(Ticket), Stamp = Line(Stamp), Spoiler = Line(Spoiler), KeepFileName = Line(KeepFileName),
        };
    }

    /// <summary>The form from its fields, by their public names; unknown fields are ignored. Text is made valid Unicode.</summary>
    public static PostForm FromFields(IReadOnlyDictionary<string, string> fields)
    {
        string? Get(string name) => fields.TryGetValue(name, out var value) ? Markup.HtmlText.ValidUnicode(value) : null;
        var form = new PostForm
        {
            Name = Get("name"),
            Subject = Get("subject"),
            Body = Get("body"),
            Sage = Get("sage"),
            Password = Get("password"),
            Passphrase = Get("passphrase"),
            Signature = Get("signature"),
            Ticket = Get("ticket"),
            Stamp = Get("stamp"),
            Spoiler = Get("spoiler"),
            KeepFileName = Get("keep_filename"),
        };
        if (Get("thread") is { Length: > 0 } thread)
        {
            if (long.TryParse(thread, NumberStyles.None, CultureInfo.InvariantCulture, out var no) && no > 0)
            {
                form.Thread = no;
            }
            else
            {
                form.BadThread = thread;
            }
        }
        return form;
    }
}
