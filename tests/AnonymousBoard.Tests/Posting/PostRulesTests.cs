using AnonymousBoard.Boards;
using AnonymousBoard.Posting;

namespace AnonymousBoard.Tests.Posting;

public sealed class PostRulesTests
{
    private static readonly BoardSettings Limits = new() { MaxBodyChars = 20, MaxBodyLines = 3, MaxNameChars = 10, MaxSubjectChars = 10 };

    private static (CleanPost? Post, IReadOnlyList<string> Errors) Check(string? name = null, string? subject = null, string? body = "text", bool newThread = true) =>
        PostRules.Check(new PostForm { Name = name, Subject = subject, Body = body }, Limits, newThread);

    [Fact]
    public void An_empty_name_is_anonymous_and_line_endings_are_normalised()
    {
        var (post, errors) = Check(body: "a\r\nb\rc  \n\n");
        Assert.Empty(errors);
        Assert.Equal(PostRules.DefaultName, post!.Name);
        Assert.Equal("a\nb\nc", post.Body);
    }

    [Fact]
    public void Text_is_normalised_to_nfc()
    {
        var (post, _) = Check(name: "Cafe\u0301", body: "e\u0301");
        Assert.Equal("Café", post!.Name);
        Assert.Equal("é", post.Body);
    }

    [Fact]
    public void Bidi_overrides_and_zero_width_characters_are_removed_from_names()
    {
        var (post, _) = Check(name: "\u202EAnon\u200Bymous\u2066", subject: "Sub\u200Dject");
        Assert.Equal("Anonymous", post!.Name);
        Assert.Equal("Subject", post.Subject);
    }

    [Theory]
    [InlineData(null, null, "bell\u0007", "control characters")]
    [InlineData("line\nbreak", null, "ok", "name contains control")]
    [InlineData(null, null, "", "needs a comment")]
    [InlineData(null, null, "123456789012345678901", "at most 20")]
    [InlineData(null, null, "1\n2\n3\n4", "at most 3")]
    [InlineData("12345678901", null, "ok", "name is 11")]
    [InlineData(null, "12345678901", "ok", "subject is 11")]
    public void Bad_input_gets_a_reason(string? name, string? subject, string body, string reason)
    {
        var (post, errors) = Check(name, subject, body);
        Assert.Null(post);
        Assert.Contains(errors, e => e.Contains(reason, StringComparison.Ordinal));
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var (_, errors) = Check(name: "12345678901", subject: "12345678901", body: "");
        Assert.Equal(3, errors.Count);
    }

    [Fact]
    public void Tabs_stay_in_the_body_and_emoji_count_as_one_character()
    {
        var (post, errors) = Check(body: "a\tb " + string.Concat(Enumerable.Repeat("👍🏽", 16)));
        Assert.Empty(errors);
        Assert.Contains('\t', post!.Body);
    }

    [Fact]
    public void Deletion_passwords_are_salted_and_verified()
    {
        var a = DeletionPassword.Hash("hunter2")!;
        var b = DeletionPassword.Hash("hunter2")!;
        Assert.NotEqual(a, b);
        Assert.DoesNotContain("hunter2", a, StringComparison.Ordinal);
        Assert.True(DeletionPassword.Verify("hunter2", a));
        Assert.False(DeletionPassword.Verify("hunter3", a));
        Assert.Null(DeletionPassword.Hash(""));
    }

    [Theory]
    [InlineData(0, 300, false, true)]
    [InlineData(299, 300, false, true)]
    [InlineData(300, 300, false, false)]
    [InlineData(0, 300, true, false)]
    public void Bumping_follows_sage_and_the_bump_limit(int replies, int limit, bool sage, bool bumps) =>
        Assert.Equal(bumps, Bumping.Bumps(replies, limit, sage));
}
