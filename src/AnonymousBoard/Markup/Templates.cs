using System.Buffers;
using System.IO.Pipelines;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using RazorSlices;

namespace AnonymousBoard.Markup;

/// <summary>
/// The one way the board writes HTML: Razor Slices templates (*.cshtml beside the feature they
/// belong to), compiled and rendered straight to UTF-8. A template encodes every value it writes;
/// the only unencoded HTML it writes is a post body from the markup renderer (<see cref="TrustedHtml"/>)
/// and fragments rendered by templates before (<see cref="PreparedHtml"/>).
/// </summary>
public static class Templates
{
    /// <summary>All of Unicode passes as itself, as UTF-8; only what HTML gives meaning to (&lt;, &gt;, &amp;, quotes) is escaped.</summary>
    public static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    /// <summary>Renders a fragment once, to be kept (the page cache) and written into pages many times.</summary>
    public static PreparedHtml Prepare(RazorSlice slice) => new(Render(slice));

    /// <summary>
    /// What a template writes (<c>WriteLiteral(Templates.Slot)</c>) where a fragment prepared once leaves a place
    /// for what differs per request (a form's ticket). A NUL character: the encoder writes every control
    /// character as a character reference, so no value a template encodes can contain one.
    /// </summary>
    public const string Slot = "\0";

    /// <summary>
    /// Renders a fragment once, cut at its <see cref="Slot"/>s: the <paramref name="slots"/> + 1 parts around
    /// them, which a page writes with what it renders per request in between.
    /// </summary>
    /// <exception cref="InvalidOperationException">The fragment has another number of slots.</exception>
    public static IReadOnlyList<PreparedHtml> PrepareWithSlots(RazorSlice slice, int slots)
    {
        ArgumentNullException.ThrowIfNull(slice);
        // Cut from the rendering buffer itself: a thread page is some 240 KB, and each copy of it is a large object.
        using var buffer = new PageBuffer();
        RenderInto(slice, buffer);
        var html = buffer.WrittenSpan;
        var parts = new List<PreparedHtml>(slots + 1);
        for (var at = html.IndexOf((byte)0); at >= 0; at = html.IndexOf((byte)0))
        {
            parts.Add(new PreparedHtml(html[..at].ToArray()));
            html = html[(at + 1)..];
        }
        parts.Add(new PreparedHtml(html.ToArray()));
        return parts.Count == slots + 1
            ? parts
            : throw new InvalidOperationException($"The fragment has {parts.Count - 1} slots, not {slots}.");
    }

    /// <summary>Text as a template writes it (<c>@text</c>): encoded, in UTF-8; nothing for null.</summary>
    public static ReadOnlyMemory<byte> Encode(string? text) => text is null ? ReadOnlyMemory<byte>.Empty : System.Text.Encoding.UTF8.GetBytes(Encoder.Encode(text));

    // Templates render without waiting on anything, so this completes synchronously.
    private static byte[] Render(RazorSlice slice)
    {
        ArgumentNullException.ThrowIfNull(slice);
        using var buffer = new PageBuffer();
        RenderInto(slice, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    private static void RenderInto(RazorSlice slice, PageBuffer buffer)
    {
        var rendering = slice.RenderAsync(buffer, Encoder);
        if (!rendering.IsCompletedSuccessfully)
        {
            rendering.AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>A whole page as the response, with <paramref name="status"/>.</summary>
    public static IResult Page(RazorSlice slice, int status = StatusCodes.Status200OK) => new PageResult(slice, status);

    /// <summary>
    /// The page is rendered into memory first and sent at once with its length, as a file would be:
    /// one write and no chunking, and a HEAD request learns the size without the body.
    /// </summary>
    private sealed class PageResult(RazorSlice slice, int status) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            using var buffer = new PageBuffer();
            await slice.RenderAsync(buffer, Encoder, httpContext.RequestAborted);
            var response = httpContext.Response;
            response.StatusCode = status;
            response.ContentType = "text/html; charset=utf-8";
            response.ContentLength = buffer.WrittenCount;
            await response.Body.WriteAsync(buffer.WrittenMemory, httpContext.RequestAborted);
        }
    }

    /// <summary>
    /// The rendering buffers' own pool, which keeps a few of each size up to 256 KB (an index page, a thread of a few
    /// hundred replies). The shared pool kept one of every size each thread had used, and a few dozen more: on a big
    /// board whose longest threads render to more than half a megabyte, 10 to 18 buffers of 1 MiB stayed live after a
    /// minute of reads. A page larger than that is rendered when it changes or was dropped from the page cache, and its
    /// buffer is left to the collector.
    /// </summary>
    private static readonly ArrayPool<byte> Buffers = ArrayPool<byte>.Create(256 * 1024, 8);

    /// <summary>A growing buffer from <see cref="Buffers"/> that a template renders into.</summary>
    private sealed class PageBuffer : PipeWriter, IDisposable
    {
        private byte[] _array = Buffers.Rent(16 * 1024);

        public int WrittenCount { get; private set; }

        public ReadOnlySpan<byte> WrittenSpan => _array.AsSpan(0, WrittenCount);

        public ReadOnlyMemory<byte> WrittenMemory => _array.AsMemory(0, WrittenCount);

        public override void Advance(int bytes) => WrittenCount += bytes;

        public override Memory<byte> GetMemory(int sizeHint = 0)
        {
            Reserve(sizeHint);
            return _array.AsMemory(WrittenCount);
        }

        public override Span<byte> GetSpan(int sizeHint = 0)
        {
            Reserve(sizeHint);
            return _array.AsSpan(WrittenCount);
        }

        private void Reserve(int sizeHint)
        {
            var needed = WrittenCount + Math.Max(sizeHint, 256);
            if (needed <= _array.Length)
            {
                return;
            }
            var larger = Buffers.Rent(Math.Max(needed, _array.Length * 2));
            WrittenSpan.CopyTo(larger);
            Buffers.Return(_array);
            _array = larger;
        }

        // Nothing leaves before the whole page is written.
        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(new FlushResult(false, false));

        public override void CancelPendingFlush()
        {
        }

        public override void Complete(Exception? exception = null)
        {
        }

        public void Dispose()
        {
            Buffers.Return(_array);
            _array = [];
        }
    }
}

/// <summary>
/// HTML a template rendered earlier, in UTF-8 (a thread's posts, a thread's preview), written into a
/// page as it is. Only <see cref="Templates.Prepare"/> makes one, so it holds nothing a template did not encode.
/// </summary>
public sealed class PreparedHtml
{
    public static readonly PreparedHtml Empty = new([]);

    internal PreparedHtml(byte[] utf8) => Utf8 = utf8;

    public ReadOnlyMemory<byte> Utf8 { get; }
}
