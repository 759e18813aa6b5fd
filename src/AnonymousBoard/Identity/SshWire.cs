using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace AnonymousBoard.Identity;

/// <summary>Reads the SSH wire encoding (RFC 4251): big-endian uint32, and strings prefixed by their length.</summary>
internal ref struct SshReader(ReadOnlySpan<byte> data)
{
    private ReadOnlySpan<byte> rest = data;

    public readonly bool IsEmpty => rest.IsEmpty;

    public bool TryReadRaw(int length, out ReadOnlySpan<byte> value)
    {
        if (rest.Length < length)
        {
            value = default;
            return false;
        }
        value = rest[..length];
        rest = rest[length..];
        return true;
    }

    public bool TryReadUInt32(out uint value)
    {
        value = 0;
        if (!TryReadRaw(4, out ReadOnlySpan<byte> raw))
        {
            return false;
        }
        value = BinaryPrimitives.ReadUInt32BigEndian(raw);
        return true;
    }

    public bool TryReadString(out ReadOnlySpan<byte> value)
    {
        value = default;
        return TryReadUInt32(out uint length) && length <= int.MaxValue && TryReadRaw((int)length, out value);
    }

    /// <summary>A string that must be printable ASCII (names like "ssh-ed25519", namespaces).</summary>
    public bool TryReadText(out string value)
    {
        value = "";
        if (!TryReadString(out ReadOnlySpan<byte> raw) || raw.ContainsAnyExceptInRange((byte)0x20, (byte)0x7E))
        {
            return false;
        }
        value = Encoding.ASCII.GetString(raw);
        return true;
    }
}

/// <summary>
/// Writes the SSH wire encoding. Grows by copying and zeroes what it leaves behind, so a blob
/// holding a secret key can be wiped completely with <see cref="Clear"/>.
/// </summary>
internal sealed class SshWriter
{
    private byte[] buffer = new byte[256];
    private int length;

    public SshWriter Raw(ReadOnlySpan<byte> bytes)
    {
        Reserve(bytes.Length);
        bytes.CopyTo(buffer.AsSpan(length));
        length += bytes.Length;
        return this;
    }

    public SshWriter UInt32(uint value)
    {
        Reserve(4);
        BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(length), value);
        length += 4;
        return this;
    }

    public SshWriter String(ReadOnlySpan<byte> bytes) => UInt32((uint)bytes.Length).Raw(bytes);

    public SshWriter String(string ascii) => String(Encoding.ASCII.GetBytes(ascii));

    public int Length => length;

    public ReadOnlySpan<byte> Written => buffer.AsSpan(0, length);

    public byte[] ToArray() => Written.ToArray();

    public void Clear()
    {
        CryptographicOperations.ZeroMemory(buffer);
        length = 0;
    }

    private void Reserve(int more)
    {
        if (length + more <= buffer.Length)
        {
            return;
        }
        byte[] larger = new byte[Math.Max(buffer.Length * 2, length + more)];
        Written.CopyTo(larger);
        CryptographicOperations.ZeroMemory(buffer);
        buffer = larger;
    }
}
