using System.Text;
using AnonymousBoard.Identity;
using Xunit;

namespace AnonymousBoard.Tests.Identity;

public class SignedMessageTests
{
    [Fact]
    public void Has_the_documented_layout()
    {
        Assert.Equal(
            "anonboard-post-v1\nboard: b\nthread: 12\nsubject: Hello there\n\nfirst line\n\nsecond line\n",
            SignedMessage.Build("b", 12, "Hello there", "first line\n\nsecond line"));
    }

    [Fact]
    public void New_thread_and_empty_subject_and_empty_body()
    {
        Assert.Equal("anonboard-post-v1\nboard: tech\nthread: new\nsubject:\n\n", SignedMessage.Build("tech", null, "", "  \n\n"));
    }

    [Fact]
    public void Binds_board_thread_and_subject()
    {
        string reference = SignedMessage.Build("b", 12, "s", "body");
        Assert.NotEqual(reference, SignedMessage.Build("a", 12, "s", "body"));
        Assert.NotEqual(reference, SignedMessage.Build("b", 13, "s", "body"));
        Assert.NotEqual(reference, SignedMessage.Build("b", null, "s", "body"));
        Assert.NotEqual(reference, SignedMessage.Build("b", 12, "t", "body"));
        Assert.NotEqual(reference, SignedMessage.Build("b", 12, "s", "Body"));
    }

    [Fact]
    public void Line_endings_trailing_whitespace_and_outer_blank_lines_do_not_matter()
    {
        string reference = SignedMessage.Build("b", 1, "s", "one\n  two\n\nthree");
        Assert.Equal(reference, SignedMessage.Build("b", 1, "s", "\r\n\r\none  \r\n  two\t\r\n\r\nthree\r\n\r\n"));
        Assert.Equal(reference, SignedMessage.Build("b", 1, "s", "one\r  two\r\rthree\n"));
        // Leading indentation is content.
        Assert.NotEqual(reference, SignedMessage.Build("b", 1, "s", "one\ntwo\n\nthree"));
    }

    [Fact]
    public void Text_is_normalised_to_NFC()
    {
        Assert.Equal(
            SignedMessage.Build("b", 1, "caf\u00E9", "caf\u00E9"),
            SignedMessage.Build("b", 1, "cafe\u0301", "cafe\u0301"));
    }

    [Fact]
    public void Newlines_in_the_subject_cannot_forge_headers()
    {
        string message = SignedMessage.Build("b", 1, "x\nthread: 99\n", "body");
        Assert.Equal("anonboard-post-v1\nboard: b\nthread: 1\nsubject: x thread: 99\n\nbody\n", message);
    }

    [Fact]
    public void Bytes_are_UTF8_of_the_text()
    {
        Assert.Equal(Encoding.UTF8.GetBytes(SignedMessage.Build("b", 1, "日本", "ｋａｍｉ")), SignedMessage.BuildBytes("b", 1, "日本", "ｋａｍｉ"));
    }

    [Fact]
    public void Refuses_an_empty_board_or_a_thread_below_one()
    {
        Assert.Throws<ArgumentException>(() => SignedMessage.Build(" ", 1, "", "x"));
        Assert.Throws<ArgumentOutOfRangeException>(() => SignedMessage.Build("b", 0, "", "x"));
    }
}
