using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AnonymousBoard.Gate;

/// <summary>What reading the first bytes of a connection found.</summary>
public enum ProxyScan
{
    /// <summary>Too few bytes yet to decide.</summary>
    NeedMoreData,
    /// <summary>The connection does not start with "PROXY ": no header at all.</summary>
    NoHeader,
    /// <summary>A complete line ending in CRLF: parse it.</summary>
    Line,
    /// <summary>"PROXY " but no CRLF within the protocol's 107-byte limit.</summary>
    Oversized,
}

/// <summary>
/// The circuit id tor tells us, or why the header could not be believed. Exactly one of the two is set.
/// </summary>
public readonly record struct CircuitIdResult(uint? CircuitId, string? Reason)
{
    public bool IsValid => CircuitId is not null;

    public static CircuitIdResult Valid(uint circuitId) => new(circuitId, null);

    public static CircuitIdResult Invalid(string reason) => new(null, reason);
}

/// <summary>
/// PROXY protocol version 1, as far as tor's <c>HiddenServiceExportCircuitID haproxy</c> uses it.
/// Tor writes one line before the client's bytes, e.g.
/// <c>PROXY TCP6 fc00:dead:beef:4dad::0:84 ::1 132 80\r\n</c>: the source address carries the
/// 32-bit global id of the rendezvous circuit in its last two 16-bit groups. That id is the only
/// stable "who is this" we get for a visitor, so rate limits and tickets are keyed on it.
/// </summary>
public static class ProxyProtocol
{
    /// <summary>The PROXY v1 specification's longest line, CRLF included.</summary>
    public const int MaxHeaderLength = 107;

    /// <summary>The unique-local /64 tor puts in front of every circuit id.</summary>
    public const string TorPrefix = "fc00:dead:beef:4dad";

    private static ReadOnlySpan<byte> Signature => "PROXY "u8;

    private static readonly byte[] TorPrefixBytes = [0xfc, 0x00, 0xde, 0xad, 0xbe, 0xef, 0x4d, 0xad];

    /// <summary>
    /// Decides from the bytes received so far whether a header is there and where it ends.
    /// <paramref name="lineLength"/> is the header's length including CRLF when the result is <see cref="ProxyScan.Line"/>.
    /// </summary>
    public static ProxyScan Scan(ReadOnlySequence<byte> buffer, out int lineLength)
    {
        lineLength = 0;
        Span<byte> head = stackalloc byte[MaxHeaderLength];
        var available = (int)Math.Min(buffer.Length, MaxHeaderLength);
        buffer.Slice(0, available).CopyTo(head);
        head = head[..available];

        var compare = Math.Min(available, Signature.Length);
        if (!head[..compare].SequenceEqual(Signature[..compare]))
        {
            return ProxyScan.NoHeader;
        }
        var crlf = head.IndexOf("\r\n"u8);
        if (crlf >= 0)
        {
            lineLength = crlf + 2;
            return ProxyScan.Line;
        }
        // A lone CR as the last byte may still be followed by LF, so only a full 107 bytes is oversized.
        return available >= MaxHeaderLength ? ProxyScan.Oversized : ProxyScan.NeedMoreData;
    }

    /// <summary>Parses one header line as tor writes it (with or without the trailing CRLF).</summary>
    public static CircuitIdResult Parse(ReadOnlySpan<byte> line)
    {
        if (line.Length > MaxHeaderLength)
        {
            return CircuitIdResult.Invalid($"PROXY header is {line.Length} bytes, longer than the {MaxHeaderLength} the protocol allows");
        }
        foreach (var b in line)
        {
            // Printable ASCII only (CR and LF at the end are stripped below); anything else is not tor's.
            if ((b < 0x20 || b > 0x7e) && b != '\r' && b != '\n')
            {
                return CircuitIdResult.Invalid("PROXY header is malformed: it contains a byte that is not printable ASCII");
            }
        }
        return Parse(Encoding.ASCII.GetString(line));
    }

    /// <summary>Parses one header line as tor writes it (with or without the trailing CRLF).</summary>
    public static CircuitIdResult Parse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (line.Length > MaxHeaderLength)
        {
            return CircuitIdResult.Invalid($"PROXY header is {line.Length} bytes, longer than the {MaxHeaderLength} the protocol allows");
        }
        if (!line.StartsWith("PROXY ", StringComparison.Ordinal))
        {
            return CircuitIdResult.Invalid("connection does not start with the PROXY prefix");
        }
        if (line.EndsWith("\r\n", StringComparison.Ordinal))
        {
            line = line[..^2];
        }
        if (line.Contains('\r', StringComparison.Ordinal) || line.Contains('\n', StringComparison.Ordinal))
        {
            return CircuitIdResult.Invalid("PROXY header is malformed: stray CR or LF inside the line");
        }

        // Exactly single spaces between six fields, as the specification requires.
        var fields = line.Split(' ');
        if (fields.Length >= 2 && fields[1] != "TCP6")
        {
            return fields[1] switch
            {
                "TCP4" => CircuitIdResult.Invalid("PROXY header is TCP4, but tor always writes TCP6: this did not come from tor"),
                "UNKNOWN" => CircuitIdResult.Invalid("PROXY header says UNKNOWN: no circuit id in it"),
                _ => CircuitIdResult.Invalid("PROXY header is malformed: protocol is neither TCP6 nor TCP4"),
            };
        }
        if (fields.Length != 6)
        {
            return CircuitIdResult.Invalid($"PROXY header is malformed: {fields.Length} space-separated fields instead of 6");
        }
        if (!TryParseIPv6(fields[2], out var source))
        {
            return CircuitIdResult.Invalid("PROXY header is malformed: source is not an IPv6 address");
        }
        if (!TryParseIPv6(fields[3], out _))
        {
            return CircuitIdResult.Invalid("PROXY header is malformed: destination is not an IPv6 address");
        }
        if (!TryParsePort(fields[4]) || !TryParsePort(fields[5]))
        {
            return CircuitIdResult.Invalid("PROXY header is malformed: a port is not a number from 0 to 65535");
        }

        Span<byte> bytes = stackalloc byte[16];
        if (!source.TryWriteBytes(bytes, out _) || !bytes[..8].SequenceEqual(TorPrefixBytes))
        {
            return CircuitIdResult.Invalid($"PROXY source address is not under tor's {TorPrefix}::/64 prefix");
        }
        // Tor writes "prefix::HIGH:LOW", so groups five and six are always zero.
        if (bytes[8] != 0 || bytes[9] != 0 || bytes[10] != 0 || bytes[11] != 0)
        {
            return CircuitIdResult.Invalid("PROXY source address has bits set where tor writes zeros");
        }
        var id = ((uint)bytes[12] << 24) | ((uint)bytes[13] << 16) | ((uint)bytes[14] << 8) | bytes[15];
        return CircuitIdResult.Valid(id);
    }

    /// <summary>The line tor would write for a circuit; used by tests and documentation.</summary>
    public static string Format(uint circuitId, int virtualPort = 80) =>
        string.Create(CultureInfo.InvariantCulture,
            $"PROXY TCP6 {TorPrefix}::{circuitId >> 16:x}:{circuitId & 0xffff:x} ::1 {circuitId & 0xffff} {virtualPort}\r\n");

    private static bool TryParseIPv6(string text, out IPAddress address)
    {
        address = IPAddress.None;
        // IPAddress.TryParse also takes zone ids ("%eth0"), dotted IPv4 tails and brackets; tor writes none of these.
        if (text.Length == 0 || text.Length > 39 || !text.All(c => char.IsAsciiHexDigit(c) || c == ':'))
        {
            return false;
        }
        if (!IPAddress.TryParse(text, out var parsed) || parsed.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return false;
        }
        address = parsed;
        return true;
    }

    private static bool TryParsePort(string text) =>
        text.Length is > 0 and <= 5
        && text.All(char.IsAsciiDigit)
        && (text.Length == 1 || text[0] != '0')
        && int.Parse(text, CultureInfo.InvariantCulture) <= 65535;
}
