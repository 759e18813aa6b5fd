namespace AnonymousBoard.Posting;

/// <summary>When a reply moves its thread to the top of the board.</summary>
public static class Bumping
{
    /// <param name="repliesBefore">Replies the thread had before this one.</param>
    public static bool Bumps(int repliesBefore, int bumpLimit, bool sage) => !sage && repliesBefore < bumpLimit;
}
