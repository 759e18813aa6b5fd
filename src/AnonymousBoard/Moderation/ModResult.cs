namespace AnonymousBoard.Moderation;

/// <summary>What became of a staff action: done (with what to say), or refused and why.</summary>
public abstract record ModResult
{
    private ModResult() { }
    public sealed record Done(string Message) : ModResult;
    public sealed record Refused(int StatusCode, string Message) : ModResult;

    public const int MaxReason = 500;

    public static Refused Forbidden(string what) => new(StatusCodes.Status403Forbidden, $"Your role does not allow you to {what}.");

    public static Refused NotFound(string message) => new(StatusCodes.Status404NotFound, message);

    public static Refused BadRequest(string message) => new(StatusCodes.Status400BadRequest, message);

    /// <summary>Every staff action needs a reason: one line, published in the moderation log. Null when it is one.</summary>
    public static Refused? CheckReason(string? reason)
    {
        var r = reason?.Trim() ?? "";
        if (r.Length == 0)
        {
            return BadRequest("A reason is required: it is published in the moderation log.");
        }
        if (r.Length > MaxReason || r.Any(char.IsControl))
        {
            return BadRequest($"A reason is one line of at most {MaxReason} characters.");
        }
        return null;
    }
}
