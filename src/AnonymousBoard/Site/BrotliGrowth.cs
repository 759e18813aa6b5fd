using System.Buffers;
using System.IO.Compression;

namespace AnonymousBoard.Site;

/// <summary>
/// One brotli stream kept open for a page that grows at its end (a thread page's top and its runs of posts): each new
/// version compresses only what it adds to what the stream has, and goes as the stream so far (flushed, byte-aligned,
/// not final) followed by the rest of the page as the uncompressed meta-block that the form's slot needs anyway. A
/// version that does not begin with what the stream has (a quoted post's backlinks changed an earlier run, the level
/// line changed) starts the stream again from the whole of it, as a page without one would be compressed.
/// </summary>
public sealed class BrotliGrowth
{
    // An open stream keeps its window and hash tables in native memory (about 1.5 MB at quality 5 with this window): only
    // the streams extended most recently stay open, as many as the threads a busy board's posters spread over; another
    // is started again from the whole page when next extended.
    private const int MostOpen = 16;

    // 256 KB: the stream refers back no further (a bigger page loses a little), and keeps less open.
    private const int Window = 18;
    private static readonly LinkedList<BrotliGrowth> s_open = [];

    // After this many versions the pieces of the stream are joined into one, so a page of many versions is not sent as
    // hundreds of small writes.
    private const int MostChunks = 32;

    private readonly Lock _lock = new();
    private readonly LinkedListNode<BrotliGrowth> _node;
    private BrotliEncoder? _encoder;
    private ReadOnlyMemory<byte>[] _output = [];
    // What the stream holds: these pieces, the last of them up to _lastLength.
    private PagePiece[] _pieces = [];
    private int _lastLength;

    public BrotliGrowth() => _node = new LinkedListNode<BrotliGrowth>(this);

    /// <summary>How many times the stream was started from a whole page (for tests).</summary>
    internal int Starts { get; private set; }

    /// <summary>The stream of <paramref name="pieces"/> one after another, flushed and not final, as the pieces of bytes it goes in.</summary>
    public ReadOnlyMemory<byte>[] Compress(IReadOnlyList<PagePiece> pieces)
    {
        ArgumentNullException.ThrowIfNull(pieces);
        ReadOnlyMemory<byte>[] output;
        lock (_lock)
        {
            var from = _encoder is null ? -1 : Continues(pieces);
            if (from < 0)
            {
                Start();
                from = 0;
            }
            var added = new List<ReadOnlyMemory<byte>>();
            for (var i = from; i < pieces.Count; i++)
            {
                added.Add(i == from && i < _pieces.Length ? pieces[i].Bytes[_lastLength..] : pieces[i].Bytes);
            }
            var compressed = Flushed(added);
            _output = _output.Length >= MostChunks ? [Join([.. _output, compressed])] : [.. _output, compressed];
            _pieces = [.. pieces];
            _lastLength = pieces.Count > 0 ? pieces[^1].Length : 0;
            output = _output;
        }
        // Outside this stream's lock: closing another takes that one's.
        Touch();
        return output;
    }

    /// <summary>
    /// Where <paramref name="pieces"/> go on from what the stream holds: the index of the piece to compress from (its bytes
    /// past <see cref="_lastLength"/> when it is the stream's last piece grown), or -1 when they do not begin with it.
    /// </summary>
    private int Continues(IReadOnlyList<PagePiece> pieces)
    {
        if (pieces.Count < _pieces.Length)
        {
            return -1;
        }
        for (var i = 0; i < _pieces.Length - 1; i++)
        {
            if (!ReferenceEquals(pieces[i], _pieces[i]) && !pieces[i].Bytes.Span.SequenceEqual(_pieces[i].Bytes.Span))
            {
                return -1;
            }
        }
        if (_pieces.Length == 0)
        {
            return 0;
        }
        var last = _pieces.Length - 1;
        return pieces[last].Bytes.Span.StartsWith(_pieces[last].Bytes.Span[.._lastLength]) ? last : -1;
    }

    private void Start()
    {
        _encoder?.Dispose();
        _encoder = new BrotliEncoder(CompressedPage.QuickBrotli, Window);
        _output = [];
        _pieces = [];
        _lastLength = 0;
        Starts++;
    }

    private byte[] Flushed(List<ReadOnlyMemory<byte>> input)
    {
        var encoder = _encoder!.Value;
        var length = input.Sum(m => m.Length);
        var buffer = ArrayPool<byte>.Shared.Rent(BrotliEncoder.GetMaxCompressedLength(length) + 64);
        try
        {
            var written = 0;
            var status = OperationStatus.Done;
            foreach (var bytes in input)
            {
                status = encoder.Compress(bytes.Span, buffer.AsSpan(written), out var consumed, out var wrote, isFinalBlock: false);
                written += wrote;
                if (status != OperationStatus.Done || consumed != bytes.Length)
                {
                    throw new InvalidOperationException($"brotli could not compress the page ({status})");
                }
            }
            // A flush ends the output on a byte boundary (with an empty metadata block when needed), not final.
            if (encoder.Flush(buffer.AsSpan(written), out var flushed) != OperationStatus.Done)
            {
                throw new InvalidOperationException("brotli could not flush the page");
            }
            _encoder = encoder;
            return buffer[..(written + flushed)];
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static byte[] Join(ReadOnlyMemory<byte>[] chunks)
    {
        var joined = new byte[chunks.Sum(c => c.Length)];
        var at = 0;
        foreach (var chunk in chunks)
        {
            chunk.CopyTo(joined.AsMemory(at));
            at += chunk.Length;
        }
        return joined;
    }

    /// <summary>Makes this the stream extended last, and closes the one extended longest ago when too many are open.</summary>
    private void Touch()
    {
        BrotliGrowth? closing = null;
        lock (s_open)
        {
            if (_node.List is not null)
            {
                s_open.Remove(_node);
            }
            s_open.AddFirst(_node);
            if (s_open.Count > MostOpen)
            {
                closing = s_open.Last!.Value;
                s_open.RemoveLast();
            }
        }
        closing?.Close();
    }

    private void Close()
    {
        lock (_lock)
        {
            _encoder?.Dispose();
            _encoder = null;
        }
    }
}
