using System.Globalization;
using System.Text;
using AnonymousBoard.Boards;
using AnonymousBoard.Markup;

namespace AnonymousBoard.Posting;

/// <summary>A post as it will be stored: normalised, within the board's limits.</summary>
public sealed record CleanPost(string Name, string Subject, string Body);

/// <summary>
/// Server-side validation of what a person typed. Returns every problem in words a person can act
/// on, or the cleaned post; never throws for bad input.
/// </summary>
public static class PostRules
{
    public const string DefaultName = "Anonymous";

    public static (CleanPost? Post, IReadOnlyList<string> Errors) Check(PostForm form, BoardSettings limits, bool isNewThread, bool hasImage = false)
    {
        var errors = new List<string>();
        var name = CleanLine(form.Name, "name", errors);
        var subject = CleanLine(form.Subject, "subject", errors);
        var body = CleanBody(form.Body, errors);

        name = HtmlText.RemoveInvisible(name).Trim();
        subject = HtmlText.RemoveInvisible(subject).Trim();

        if (isNewThread && limits.ImageRequiredForThreads && !hasImage)
        {
            errors.Add("A new thread on this board needs an image.");
        }
        if (body.Length == 0 && (isNewThread || !hasImage))
        {
            errors.Add(isNewThread ? "A new thread needs a comment." : "A reply needs a comment or an image.");
        }
        CheckLength("comment", body, limits.MaxBodyChars, errors);
        CheckLength("name", name, limits.MaxNameChars, errors);
        CheckLength("subject", subject, limits.MaxSubjectChars, errors);
        var lines = body.Length == 0 ? 0 : body.Count(c => c == '\n') + 1;
        if (lines > limits.MaxBodyLines)
        {
            errors.Add($"The comment has {lines} lines; this board allows at most {limits.MaxBodyLines}.");
        }
        if ((form.Password?.Length ?? 0) > DeletionPassword.MaxLength)
        {
            errors.Add($"The password is longer than {DeletionPassword.MaxLength} characters.");
        }
        if (errors.Count > 0)
        {
            return (null, errors);
        }
        return (new CleanPost(name.Length == 0 ? DefaultName : name, subject, body), errors);
    }

    private static string CleanLine(string? text, string field, List<string> errors)
    {
        text ??= "";
        if (text.Any(c => char.IsControl(c) && c != '\t'))
        {
            errors.Add($"The {field} contains control characters or line breaks; please type it on one line.");
            return "";
        }
        return Normalise(text.Replace('\t', ' '), field, errors);
    }

    private static string CleanBody(string? text, List<string> errors)
    {
        text = (text ?? "").Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
        if (text.Any(c => char.IsControl(c) && c != '\n' && c != '\t'))
        {
            errors.Add("The comment contains control characters other than line breaks and tabs.");
            return text;
        }
        // Trailing blank lines and spaces carry nothing and would defeat the duplicate check.
        return Normalise(text, "comment", errors).TrimEnd();
    }

    private static string Normalise(string text, string field, List<string> errors)
    {
        try
        {
            return text.Normalize(NormalizationForm.FormC);
        }
        catch (ArgumentException)
        {
            // Only a lone surrogate gets here; form decoding turns bad UTF-8 into U+FFFD first.
            errors.Add($"The {field} contains text that is not valid Unicode.");
            return "";
        }
    }

    private static void CheckLength(string field, string text, int max, List<string> errors)
    {
        var length = new StringInfo(text).LengthInTextElements;
        if (length > max)
        {
            errors.Add($"The {field} is {length} characters long; this board allows at most {max}.");
        }
    }
}
