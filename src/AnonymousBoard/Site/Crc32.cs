namespace AnonymousBoard.Site;

/// <summary>CRC-32 as gzip has it (reflected, polynomial 0xEDB88320), with zlib's way of joining two CRCs.</summary>
internal static class Crc32
{
    private const uint Polynomial = 0xedb88320;
    private static readonly uint[] Table = MakeTable();

    // x^(2^n) modulo the polynomial, for n = 0..31: shifting a CRC by a length is multiplying by x^(8·length).
    private static readonly uint[] PowersOfX = MakePowers();

    public static uint Of(ReadOnlySpan<byte> data)
    {
        var crc = 0xffffffffu;
        foreach (var b in data)
        {
            crc = Table[(crc ^ b) & 0xff] ^ (crc >> 8);
        }
        return ~crc;
    }

    /// <summary>The CRC of A followed by B, from A's CRC, B's CRC and B's length.</summary>
    public static uint Combine(uint crcA, uint crcB, long lengthB) => Multiply(XToThe8Times(lengthB), crcA) ^ crcB;

    private static uint[] MakeTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? Polynomial ^ (c >> 1) : c >> 1;
            }
            table[n] = c;
        }
        return table;
    }

    private static uint[] MakePowers()
    {
        var powers = new uint[32];
        var p = 1u << 30; // x^1
        for (var n = 0; n < 32; n++)
        {
            powers[n] = p;
            p = Multiply(p, p);
        }
        return powers;
    }

    // a·b modulo the polynomial, in the reflected bit order the CRC uses.
    private static uint Multiply(uint a, uint b)
    {
        var m = 1u << 31;
        var product = 0u;
        while (true)
        {
            if ((a & m) != 0)
            {
                product ^= b;
                if ((a & (m - 1)) == 0)
                {
                    break;
                }
            }
            m >>= 1;
            b = (b & 1) != 0 ? (b >> 1) ^ Polynomial : b >> 1;
        }
        return product;
    }

    // x^(8·length): the length in bits, written as a sum of powers of two.
    private static uint XToThe8Times(long length)
    {
        var p = 1u << 31; // x^0
        var k = 3;
        for (var n = (ulong)length; n != 0; n >>= 1, k++)
        {
            if ((n & 1) != 0)
            {
                p = Multiply(PowersOfX[k & 31], p);
            }
        }
        return p;
    }
}
