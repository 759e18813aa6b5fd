using System.Globalization;
using AnonymousBoard.Boards;
using AnonymousBoard.Gate;
using AnonymousBoard.Markup;
using AnonymousBoard.Media;
using AnonymousBoard.Moderation;
using AnonymousBoard.Reading;

namespace AnonymousBoard.Posting;

/// <summary>The posting form as drawn: where it posts, what was typed, what was wrong with it.</summary>
/// <param name="Ticket">The gate's ticket when it chose one (a place in the queue); otherwise the form gets a fresh one.</param>
/// <param name="TextKept">False when the post was too large to read, so <paramref name="Values"/> is empty.</param>
public sealed record PostFormView(Board Board, long? ThreadNo, PostForm Values, IReadOnlyList<string> Errors, TicketOffer? Ticket = null, bool TextKept = true);

/// <summary>
/// The HTML of the posting form, the one place it is written: the thread page and a refused post
/// draw it through the _PostForm partial, the board index as part of its prepared page. Built in
/// code, like the posts, because it is on every hot page; every value goes through the encoder.
/// A public form carries no antiforgery token (see BoardHost): the ticket is what a post needs.
/// </summary>
public sealed class PostFormHtml(AdmissionGate gate, MediaService media, BoardPolicies policies, TimeProvider time)
{
    private const int RulesSummaryChars = 600;

    public TrustedHtml Html(PostFormView form, uint? circuitId)
    {
        var w = new HtmlWriter();
        Write(w, form, circuitId);
        return w.ToTrustedHtml();
    }

    /// <summary>Writes the form with a fresh single-use ticket for <paramref name="circuitId"/> unless the view brings one.</summary>
    public void Write(HtmlWriter w, PostFormView form, uint? circuitId)
    {
        WriteFields(w, form);
        WriteTicket(w, form, circuitId);
    }

    /// <summary>
    /// What <see cref="WriteFields"/> depends on besides the view: the board's rules and whether
    /// images can be posted. A prepared copy of the fields is good while this stays equal.
    /// </summary>
    public object FieldsShape(Board board)
    {
        ArgumentNullException.ThrowIfNull(board);
        return (policies.Get(board.Id).Rules, media.UnavailableReason);
    }

    /// <summary>
    /// The form up to its ticket. For a fresh form (nothing typed) this is the same for every reader,
    /// so the board index prepares it once (see <see cref="FieldsShape"/>).
    /// </summary>
    public void WriteFields(HtmlWriter w, PostFormView form)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(form);
        var board = form.Board;
        var limits = board.Settings;
        var v = form.Values;

        w.Tag("<form class=\"post-form\" id=\"reply\" method=\"post\" action=\"/").Text(board.Slug).Tag("/post\" enctype=\"multipart/form-data\">\n<h2>");
        if (form.ThreadNo is { } replyTo)
        {
            w.Tag("Reply to thread No. ").Text(replyTo);
        }
        else
        {
            w.Tag("Start a new thread");
        }
        w.Tag("</h2>\n");
        var rules = policies.Get(board.Id).Rules;
        if (rules.Length > 0)
        {
            w.Tag("<div class=\"rules-summary\"><p><strong>Rules of /").Text(board.Slug).Tag("/</strong> (<a href=\"/").Text(board.Slug)
                .Tag("/rules\">in full</a>):</p><p class=\"rules\">")
                .Text(rules.Length > RulesSummaryChars ? rules[..RulesSummaryChars] + "…" : rules).Tag("</p></div>\n");
        }
        if (form.Errors.Count > 0)
        {
            w.Tag("<div class=\"errors\" role=\"alert\"><p><strong>Your post was not accepted:</strong></p>\n<ul>");
            foreach (var error in form.Errors)
            {
                w.Tag("<li>").Text(error).Tag("</li>");
            }
            w.Tag("</ul>\n");
            if (form.TextKept)
            {
                w.Tag("<p>Everything you typed is still in the form below.</p>\n");
            }
            w.Tag("</div>\n");
        }
        if (form.ThreadNo is { } thread)
        {
            w.Tag("<input type=\"hidden\" name=\"thread\" value=\"").Text(thread).Tag("\">\n");
        }
        w.Tag("<p><label for=\"f-name\">Name</label> <input id=\"f-name\" name=\"name\"");
        Value(w, v.Name);
        w.Tag(" autocomplete=\"off\" placeholder=\"Anonymous\" aria-describedby=\"f-name-hint\"> <span class=\"hint\" id=\"f-name-hint\">Optional; Name#key or Name##password adds a tripcode.</span></p>\n")
            .Tag("<p><label for=\"f-subject\">Subject</label> <input id=\"f-subject\" name=\"subject\"");
        Value(w, v.Subject);
        w.Tag(" maxlength=\"").Text(limits.MaxSubjectChars).Tag("\" autocomplete=\"off\"></p>\n")
            .Tag("<p><label for=\"f-body\">Comment</label> <span class=\"hint\" id=\"f-body-hint\">Markdown; &gt;text is greentext, &gt;&gt;123 quotes a post, ||text|| is a spoiler. Up to ")
            .Text(limits.MaxBodyChars).Tag(" characters and ").Text(limits.MaxBodyLines).Tag(" lines.</span><br>\n")
            .Tag("<textarea id=\"f-body\" name=\"body\" rows=\"7\" cols=\"60\" aria-describedby=\"f-body-hint\">").Text(v.Body).Tag("</textarea></p>\n")
            .Tag("<p><input type=\"checkbox\" id=\"f-sage\" name=\"sage\" value=\"on\"");
        Checked(w, v.IsSage);
        w.Tag("> <label for=\"f-sage\">Sage: do not bump the thread</label></p>\n")
            .Tag("<p><label for=\"f-password\">Password</label> <input type=\"password\" id=\"f-password\" name=\"password\"");
        Value(w, v.Password);
        w.Tag(" autocomplete=\"off\" aria-describedby=\"f-password-hint\"> <span class=\"hint\" id=\"f-password-hint\">Optional: lets you delete this post later.</span></p>\n");
        if (limits.ImagesAllowed)
        {
            ImageFields(w, form);
        }
        SigningFields(w, form);
    }

    /// <summary>
    /// The rest of the form, from the single-use ticket (a fresh one for <paramref name="circuitId"/> unless
    /// the view brings one) and what the level asks with it: proof of work, the time lock.
    /// </summary>
    public void WriteTicket(HtmlWriter w, PostFormView form, uint? circuitId)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(form);
        WriteGateFields(w, form.Ticket ?? gate.IssueTicket(form.Board.Slug, circuitId), form.Values.Stamp, time.GetUtcNow(), "post", "Post");
        w.Tag("</form>\n");
    }

    /// <summary>
    /// The end of every gated form (posting, reporting, appealing): the ticket, the stamp field and its
    /// commands when the level asks for work, when the form can be sent, and the button.
    /// </summary>
    /// <param name="what">What is sent, in words ("post", "report").</param>
    public static void WriteGateFields(HtmlWriter w, TicketOffer ticket, string? stamp, DateTimeOffset now, string what, string button)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(ticket);
        var opensAt = ticket.ValidFrom > now ? PostHtml.FormatTime(ticket.ValidFrom) : null;
        w.Tag("<input type=\"hidden\" name=\"ticket\" value=\"").Text(ticket.Text).Tag("\">\n");
        if (ticket.RequiredBits > 0)
        {
            var bits = ticket.RequiredBits.ToString(CultureInfo.InvariantCulture);
            w.Tag("<p><label for=\"f-stamp\">Proof of work</label> <input id=\"f-stamp\" name=\"stamp\"");
            Value(w, stamp);
            w.Tag(" autocomplete=\"off\" size=\"60\" aria-describedby=\"f-stamp-hint\"><br>\n")
                .Tag("<span class=\"hint\" id=\"f-stamp-hint\">The board is under load: each ").Text(what).Tag(" needs a hashcash stamp of ").Text(bits)
                .Tag(" bits for this form. Make one with <code>hashcash -m -b ").Text(bits).Tag(" ").Text(ticket.PowResource)
                .Tag("</code> or <code>AnonymousBoard pow ").Text(ticket.PowResource).Tag(" --bits ").Text(bits).Tag("</code> and paste it here.");
            if (ticket.LockSkipBits > 0 && opensAt is not null)
            {
                w.Tag(" A stamp of ").Text(ticket.LockSkipBits).Tag(" bits lets you send it before ").Text(opensAt).Tag(".");
            }
            w.Tag("</span></p>\n");
        }
        if (opensAt is not null)
        {
            w.Tag("<p class=\"hint\">You can ").Text(what).Tag(" from ").Text(opensAt).Tag(" (a short wait keeps floods out; keep typing meanwhile).</p>\n");
        }
        w.Tag("<p><button type=\"submit\">").Text(button).Tag("</button></p>\n");
    }

    /// <summary><see cref="WriteGateFields"/> for a Razor page.</summary>
    public static TrustedHtml GateFields(TicketOffer ticket, string? stamp, DateTimeOffset now, string what, string button)
    {
        var w = new HtmlWriter();
        WriteGateFields(w, ticket, stamp, now, what, button);
        return w.ToTrustedHtml();
    }

    private void ImageFields(HtmlWriter w, PostFormView form)
    {
        if (media.UnavailableReason is { } off)
        {
            w.Tag("<p class=\"hint\">").Text(off).Tag("</p>\n");
            return;
        }
        var limits = form.Board.Settings;
        w.Tag("<p><label for=\"f-file\">Image</label> <input type=\"file\" id=\"f-file\" name=\"file\" accept=\"image/jpeg,image/png,image/gif,image/webp\" aria-describedby=\"f-file-hint\"> ")
            .Tag("<span class=\"hint\" id=\"f-file-hint\">Optional")
            .Tag(limits.ImageRequiredForThreads && form.ThreadNo is null ? " for replies, required for a new thread" : "")
            .Tag(". JPEG, PNG, GIF or WebP, up to ").Text(limits.MaxImageBytes / (1024 * 1024))
            .Tag(" MiB. It is re-encoded and stripped of all metadata (location, camera, times) before anyone sees it.</span></p>\n")
            .Tag("<p><input type=\"checkbox\" id=\"f-spoiler\" name=\"spoiler\" value=\"on\"");
        Checked(w, form.Values.IsSpoiler);
        w.Tag("> <label for=\"f-spoiler\">Spoiler: hide the image until clicked</label>\n")
            .Tag("<input type=\"checkbox\" id=\"f-keep\" name=\"keep_filename\" value=\"on\"");
        Checked(w, form.Values.KeepsFileName);
        w.Tag("> <label for=\"f-keep\">Keep the file name</label> <span class=\"hint\">(names like IMG_20261121_143002.jpg tell when and with what a picture was taken)</span></p>\n");
    }

    private static void SigningFields(HtmlWriter w, PostFormView form)
    {
        var v = form.Values;
        w.Tag(string.IsNullOrEmpty(v.Passphrase) && string.IsNullOrEmpty(v.Signature) ? "<details class=\"identity\">\n" : "<details class=\"identity\" open>\n")
            .Tag("<summary>Tripcodes and signing (optional)</summary>\n")
            .Tag("<p class=\"hint\"><strong>Name#key</strong>: classic tripcode (weak, never a real password). <strong>Name##password</strong>: secure tripcode. <a href=\"/signing\">How these work</a>.</p>\n")
            .Tag("<p><label for=\"f-passphrase\">Signing passphrase</label> <input type=\"password\" id=\"f-passphrase\" name=\"passphrase\"");
        Value(w, v.Passphrase);
        w.Tag(" autocomplete=\"off\" aria-describedby=\"f-passphrase-hint\"> <span class=\"hint\" id=\"f-passphrase-hint\">16 characters or more; the same pseudonym on every AnonymousBoard.</span></p>\n")
            .Tag("<p><label for=\"f-signature\">Offline signature</label> <span class=\"hint\" id=\"f-signature-hint\">OpenSSH Ed25519, namespace anonboard, of exactly the message below.</span><br>\n")
            .Tag("<textarea id=\"f-signature\" name=\"signature\" rows=\"4\" cols=\"60\" aria-describedby=\"f-signature-hint\">").Text(v.Signature).Tag("</textarea></p>\n")
            // The exact text to sign offline; see Identity for how it is checked.
            .Tag("<pre class=\"signed-message\">anonboard-post-v1\nboard: ").Text(form.Board.Slug)
            .Tag("\nthread: ").Text(form.ThreadNo?.ToString(CultureInfo.InvariantCulture) ?? "new")
            .Tag("\nsubject: (your subject, on one line)\n\n(your comment)</pre>\n</details>\n");
    }

    /// <summary>An input's value attribute, left out when there is none (as the form first comes).</summary>
    private static void Value(HtmlWriter w, string? value)
    {
        if (value is not null)
        {
            w.Attribute("value", value);
        }
    }

    private static void Checked(HtmlWriter w, bool isChecked)
    {
        if (isChecked)
        {
            w.Tag(" checked=\"checked\"");
        }
    }
}
