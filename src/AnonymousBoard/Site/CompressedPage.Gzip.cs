using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;

namespace AnonymousBoard.Site;

/// <summary>A compressed page's gzip (RFC 1952 around RFC 1951): one member, the slots as stored blocks.</summary>
public sealed partial class CompressedPage
{
    // The member's header: deflate, no name or time, "unknown" system.
    private static readonly byte[] GzipHeader = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];

    // An empty final block with fixed codes (BFINAL 1, BTYPE 01, end of block), then CRC-32 and length.
    private const int GzipEnd = 2 + 4 + 4;

    private static byte[] Deflate(ReadOnlySpan<ReadOnlyMemory<byte>> parts, bool best, bool header)
    {
        using var output = new MemoryStream();
        if (header)
        {
            output.Write(GzipHeader);
        }
        var length = 0L;
        foreach (var part in parts)
        {
            length += part.Length;
        }
        if (length == 0)
        {
            return output.ToArray();
        }
        using var deflate = new DeflateStream(output, best ? CompressionLevel.SmallestSize : CompressionLevel.Optimal, leaveOpen: true);
        foreach (var part in parts)
        {
            deflate.Write(part.Span);
        }
        // A sync flush ends the data so far on a byte boundary with an empty stored block, and sets no BFINAL.
        deflate.Flush();
        var flushed = output.ToArray();
        // Disposing writes a final block after this, which is not kept.
        return flushed.AsSpan().EndsWith((byte[])[0, 0, 0xff, 0xff])
            ? flushed
            : throw new InvalidOperationException("deflate did not end its flush with an empty stored block");
    }

    private static int StoredLength(int length) => length + (5 * ((length + ushort.MaxValue - 1) / ushort.MaxValue));

    private void GzipPieces(List<ReadOnlyMemory<byte>> output, Coded gzip, ReadOnlySpan<ReadOnlyMemory<byte>> filled, int first)
    {
        var crcs = Volatile.Read(ref _crcs);
        if (crcs is null)
        {
            // Readers racing here compute the same values; any one kept will do.
            crcs = [.. _parts.Select(p => Crc32.Of(p.Span))];
            Volatile.Write(ref _crcs, crcs);
        }
        var crc = crcs[0];
        long length = _parts[0].Length;
        output.Add(gzip.Pieces[0]);
        for (var i = 0; i < filled.Length; i++)
        {
            var slot = filled[i];
            for (var at = 0; at < slot.Length; at += ushort.MaxValue)
            {
                // A stored block, not final: BTYPE 00 (the rest of the byte is padding), LEN, NLEN, the bytes.
                var chunk = slot.Slice(at, Math.Min(ushort.MaxValue, slot.Length - at));
                output.Add((byte[])[0, (byte)chunk.Length, (byte)(chunk.Length >> 8), (byte)~chunk.Length, (byte)(~chunk.Length >> 8)]);
                output.Add(chunk);
            }
            crc = Crc32.Combine(crc, Crc32.Of(slot.Span), slot.Length);
            crc = Crc32.Combine(crc, crcs[i + 1], _parts[i + 1].Length);
            length += slot.Length + _parts[i + 1].Length;
            if (i >= first)
            {
                output.Add(gzip.Pieces[i + 1 - first]);
            }
        }
        var end = new byte[GzipEnd];
        end[0] = 3;
        end[1] = 0;
        BinaryPrimitives.WriteUInt32LittleEndian(end.AsSpan(2), crc);
        BinaryPrimitives.WriteUInt32LittleEndian(end.AsSpan(6), (uint)length);
        output.Add(end);
    }
}
