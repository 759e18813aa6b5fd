namespace AnonymousBoard.Posting;

/// <summary>
/// Marks the handler that reads its own form as it streams in (the posting form, with its board's
/// size limit): the request limits and text cleaning leave that body alone.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class StreamedFormAttribute : Attribute;
