using System.Globalization;
using System.Text;
using AnonymousBoard.Boards;
using AnonymousBoard.Media;
using AnonymousBoard.Posting;
using Microsoft.AspNetCore.Http;

namespace AnonymousBoard.Tests.Posting;

/// <summary>
/// Reading a posting form as it streams in (Posting/PostRequest). What it holds in memory follows what was sent,
/// not each field's cap: a new array at the cap for every text part (half a megabyte each, eight parts a post)
/// was once most of what a post cost the board.
/// </summary>
public sealed class PostRequestTests
{
    private static readonly Dictionary<string, string> Fields = new(StringComparer.Ordinal)
    {
        ["thread"] = "12",
        ["name"] = "",
        ["subject"] = "",
        ["body"] = ">>12\nСпасибо, that helped. 助かりました。",
        ["password"] = "delete-me",
        ["ticket"] = new string('t', 160),
        ["stamp"] = "",
        ["options"] = "sage",
    };

    [Fact]
    public async Task A_multipart_form_is_read_with_memory_in_proportion_to_what_was_sent()
    {
        // Once first, so what is compiled or pooled the first time is not counted.
        await Read();
        // The body is in memory, so the reading completes on this thread and this thread's count is all of it.
        var before = GC.GetAllocatedBytesForCurrentThread();
        var (form, upload, unreadable) = await Read();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Null(unreadable);
        Assert.Null(upload);
        Assert.Equal(Fields["body"], form.Body);
        Assert.Equal(Fields["ticket"], form.Ticket);
        Assert.True(allocated < 128 * 1024, $"reading a form of {Fields.Count} text parts allocated {allocated:N0} bytes");
    }

    private static Task<(PostForm Form, SpooledUpload? Upload, int? Unreadable)> Read()
    {
        const string boundary = "----form-boundary-7d1f";
        var body = new StringBuilder();
        foreach (var (name, value) in Fields)
        {
            body.Append(CultureInfo.InvariantCulture, $"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n");
        }
        body.Append(CultureInfo.InvariantCulture, $"--{boundary}--\r\n");
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.ContentType = $"multipart/form-data; boundary={boundary}";
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body.ToString()));
        return PostRequest.ReadAsync(context.Request, Path.GetTempPath(), new BoardSettings(), CancellationToken.None);
    }
}
