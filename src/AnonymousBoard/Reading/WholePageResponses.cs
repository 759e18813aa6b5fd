using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AnonymousBoard.Reading;

/// <summary>
/// Razor writes a page through a 16 K-character buffer, and each full buffer went out as a chunk of
/// its own, with a flush and a send: a prepared 200 KB thread page took a dozen. Pages are written
/// into Kestrel's response pipe without those flushes, so a page leaves as a byte array written at
/// once would. The page is held in the pipe until then, as any response written at once is.
/// </summary>
public static class WholePageResponses
{
    public static IApplicationBuilder UseWholePageResponses(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (!HttpMethods.IsGet(context.Request.Method) || context.GetEndpoint()?.Metadata.GetMetadata<PageActionDescriptor>() is null)
        {
            await next(context);
            return;
        }
        var original = context.Response.Body;
        context.Response.Body = new UnflushedStream(context.Response.BodyWriter);
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = original;
        }
    });

    /// <summary>Writes go into the pipe; only an explicit flush (Razor's, at the end of the page) sends.</summary>
    private sealed class UnflushedStream(PipeWriter pipe) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(ReadOnlySpan<byte> buffer) => pipe.Write(buffer);

        public override void Write(byte[] buffer, int offset, int count) => pipe.Write(buffer.AsSpan(offset, count));

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            pipe.Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            pipe.Write(buffer.AsSpan(offset, count));
            return Task.CompletedTask;
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => pipe.FlushAsync(cancellationToken).AsTask();

        public override void Flush()
        {
            // Nothing to do synchronously: the bytes are in the pipe, and the end of the response sends them.
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
