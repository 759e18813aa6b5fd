using System.IO.Compression;

namespace AnonymousBoard.Site;

/// <summary>
/// Bytes of a prepared page (<see cref="CompressedPage"/>), with their CRC-32 and their deflate data (compressed alone,
/// ending on a byte boundary), each made once when first asked for. A piece <see cref="Shared"/> by every version of a
/// page (a run of a thread's posts) is compressed once for all of them: a page that changes by one post compresses the
/// run that holds it, not every other.
/// </summary>
public sealed class PagePiece
{
    private long _crc = -1;
    private byte[]? _quick;
    private byte[]? _best;

    /// <param name="shared">Kept by what the page is built from, so counted there (the page cache's bound), not in each page.</param>
    public PagePiece(ReadOnlyMemory<byte> bytes, bool shared = false)
    {
        Bytes = bytes;
        Shared = shared;
    }

    public ReadOnlyMemory<byte> Bytes { get; }

    public bool Shared { get; }

    public int Length => Bytes.Length;

    // Readers racing here compute the same values; any one kept will do.
    internal uint Crc
    {
        get
        {
            var crc = Volatile.Read(ref _crc);
            if (crc < 0)
            {
                crc = Crc32.Of(Bytes.Span);
                Volatile.Write(ref _crc, crc);
            }
            return (uint)crc;
        }
    }

    internal byte[] Deflated(bool best) => best
        ? Volatile.Read(ref _best) ?? Keep(ref _best, Deflate(Bytes.Span, CompressionLevel.SmallestSize))
        : Volatile.Read(ref _quick) ?? Keep(ref _quick, Deflate(Bytes.Span, CompressionLevel.Optimal));

    private static byte[] Keep(ref byte[]? field, byte[] value)
    {
        Volatile.Write(ref field, value);
        return value;
    }

    /// <summary>Deflate data ended by a sync flush: byte-aligned, with no final block, so more may follow it in one stream.</summary>
    private static byte[] Deflate(ReadOnlySpan<byte> bytes, CompressionLevel level)
    {
        if (bytes.IsEmpty)
        {
            return [];
        }
        using var output = new MemoryStream();
        using var deflate = new DeflateStream(output, level, leaveOpen: true);
        deflate.Write(bytes);
        // A sync flush ends the data so far with an empty stored block; disposing writes a final block after it, not kept.
        deflate.Flush();
        var flushed = output.ToArray();
        return flushed.AsSpan().EndsWith((byte[])[0, 0, 0xff, 0xff])
            ? flushed
            : throw new InvalidOperationException("deflate did not end its flush with an empty stored block");
    }
}
