using System.Buffers;
using System.IO.Compression;

namespace AnonymousBoard.Site;

/// <summary>A compressed page's brotli (RFC 7932): a compressed start, then an uncompressed meta-block from the first filled slot on.</summary>
public sealed partial class CompressedPage
{
    private static byte[] Brotli(ReadOnlySpan<ReadOnlyMemory<byte>> parts, int quality, bool final)
    {
        var length = 0;
        foreach (var part in parts)
        {
            length += part.Length;
        }
        using var encoder = new BrotliEncoder(quality, BrotliWindow);
        // From the pool: a thread page's is a quarter of a megabyte, and one is needed after every reply.
        var buffer = ArrayPool<byte>.Shared.Rent(BrotliEncoder.GetMaxCompressedLength(length) + 64);
        try
        {
            return Compress(encoder, parts, final, buffer);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static byte[] Compress(BrotliEncoder encoder, ReadOnlySpan<ReadOnlyMemory<byte>> parts, bool final, byte[] buffer)
    {
        var written = 0;
        var status = OperationStatus.Done;
        for (var i = 0; i < parts.Length && status == OperationStatus.Done; i++)
        {
            status = encoder.Compress(parts[i].Span, buffer.AsSpan(written), out var consumed, out var wrote, final && i == parts.Length - 1);
            written += wrote;
            status = consumed == parts[i].Length ? status : OperationStatus.DestinationTooSmall;
        }
        if (status == OperationStatus.Done && !final)
        {
            // A flush ends the output on a byte boundary (with an empty metadata block when needed), not final.
            status = encoder.Flush(buffer.AsSpan(written), out var flushed);
            written += flushed;
        }
        return status == OperationStatus.Done
            ? buffer[..written]
            : throw new InvalidOperationException($"brotli could not compress the page ({status})");
    }

    private static readonly byte[] LastEmptyMetaBlock = [3];

    private void BrotliPieces(List<ReadOnlyMemory<byte>> output, Coded brotli, ReadOnlySpan<ReadOnlyMemory<byte>> filled, int first)
    {
        output.AddRange(brotli.Pieces[0]);
        if (first == Slots && brotli.Plain is null)
        {
            return;
        }
        var tail = PlainLength(brotli, first);
        for (var i = first; i < filled.Length; i++)
        {
            tail += filled[i].Length;
        }
        var header = new byte[4];
        output.Add(header.AsMemory(0, MetaBlockHeader(tail, header)));
        output.AddRange((brotli.Plain ?? []).Select(p => p.Bytes));
        for (var i = first; i < filled.Length; i++)
        {
            output.Add(filled[i]);
            output.AddRange(_parts[i + 1].Select(p => p.Bytes));
        }
        // The last meta-block, empty: ISLAST 1, ISLASTEMPTY 1.
        output.Add(LastEmptyMetaBlock);
    }

    /// <summary>
    /// The header of an uncompressed meta-block of <paramref name="length"/> bytes, written from a byte boundary
    /// into <paramref name="header"/> (when long enough); returns its length. ISLAST 0, MNIBBLES (the fewest
    /// that hold MLEN-1: a larger count with a zero top nibble is invalid), MLEN-1, ISUNCOMPRESSED 1, zero padding.
    /// </summary>
    private static int MetaBlockHeader(long length, Span<byte> header)
    {
        if (length is < 1 or > 1 << 24)
        {
            throw new InvalidOperationException("the per-request end of a page must be 1 byte to 16 MiB");
        }
        var m = (ulong)(length - 1);
        var nibbles = m < 1 << 16 ? 4 : m < 1 << 20 ? 5 : 6;
        var bits = ((ulong)(nibbles - 4) << 1) | (m << 3) | (1UL << (3 + (4 * nibbles)));
        var bytes = (4 + (4 * nibbles) + 7) / 8;
        for (var i = 0; i < bytes && header.Length >= bytes; i++)
        {
            header[i] = (byte)(bits >> (8 * i));
        }
        return bytes;
    }
}
