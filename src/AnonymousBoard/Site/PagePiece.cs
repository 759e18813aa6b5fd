using System.IO.Compression;

namespace AnonymousBoard.Site;

/// <summary>
/// Bytes of a prepared page (<see cref="CompressedPage"/>), with their CRC-32 and their deflate data (ending on a byte
/// boundary, so any other piece's may follow), each made once when first asked for. A piece <see cref="Shared"/> by
/// every version of a page (a run of a thread's posts) is compressed once for all of them: a page that changes by one
/// post compresses the run that holds it (and the run after it), not every other.
/// </summary>
public sealed class PagePiece
{
    // deflate's window: how far back a piece's data may refer, into the piece before it.
    private const int Window = 32 * 1024;

    private long _crc = -1;
    private Deflation? _quick;
    private Deflation? _best;

    /// <summary>What a piece was compressed to when it follows <paramref name="Before"/> (null: alone).</summary>
    private sealed record Deflation(PagePiece? Before, byte[] Bytes);

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

    /// <summary>
    /// The piece's deflate data where it follows <paramref name="before"/> in the page, which it may refer back into
    /// (two runs of posts are alike), or alone when null; kept for the piece it was made after.
    /// </summary>
    internal byte[] Deflated(bool best, PagePiece? before)
    {
        var kept = Volatile.Read(ref best ? ref _best : ref _quick);
        if (kept is not null && ReferenceEquals(kept.Before, before))
        {
            return kept.Bytes;
        }
        var made = new Deflation(before, Deflate(before is null ? [] : before.Bytes.Span[Math.Max(0, before.Length - Window)..], Bytes.Span,
            best ? CompressionLevel.SmallestSize : CompressionLevel.Optimal));
        Volatile.Write(ref best ? ref _best : ref _quick, made);
        return made.Bytes;
    }

    /// <summary>
    /// Deflate data of <paramref name="bytes"/> ended by a sync flush: byte-aligned, with no final block, so more may
    /// follow it in one stream. Compressed after <paramref name="history"/> (its own data, flushed, is not kept), so
    /// it may refer back into what comes before it in the page.
    /// </summary>
    private static byte[] Deflate(ReadOnlySpan<byte> history, ReadOnlySpan<byte> bytes, CompressionLevel level)
    {
        if (bytes.IsEmpty)
        {
            return [];
        }
        using var output = new MemoryStream();
        using var deflate = new DeflateStream(output, level, leaveOpen: true);
        var start = 0;
        if (!history.IsEmpty)
        {
            deflate.Write(history);
            deflate.Flush();
            start = (int)output.Length;
        }
        deflate.Write(bytes);
        // A sync flush ends the data so far with an empty stored block; disposing writes a final block after it, not kept.
        deflate.Flush();
        var flushed = output.GetBuffer().AsSpan(start, (int)output.Length - start);
        return flushed.EndsWith((byte[])[0, 0, 0xff, 0xff])
            ? flushed.ToArray()
            : throw new InvalidOperationException("deflate did not end its flush with an empty stored block");
    }
}
