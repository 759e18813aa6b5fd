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

    /// <summary>The CRC-32 and length of what precedes a part, brought past it (each piece's CRC is made once).</summary>
    private static void AddPart(ref uint crc, ref long length, PagePiece[] part)
    {
        foreach (var piece in part)
        {
            crc = length == 0 ? piece.Crc : Crc32.Combine(crc, piece.Crc, piece.Length);
            length += piece.Length;
        }
    }

    private static int StoredLength(int length) => length + (5 * ((length + ushort.MaxValue - 1) / ushort.MaxValue));

    private void GzipPieces(List<ReadOnlyMemory<byte>> output, Coded gzip, ReadOnlySpan<ReadOnlyMemory<byte>> filled, int first)
    {
        var crc = 0u;
        long length = 0;
        AddPart(ref crc, ref length, _parts[0]);
        output.AddRange(gzip.Pieces[0]);
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
            length += slot.Length;
            AddPart(ref crc, ref length, _parts[i + 1]);
            if (i >= first)
            {
                output.AddRange(gzip.Pieces[i + 1 - first]);
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
