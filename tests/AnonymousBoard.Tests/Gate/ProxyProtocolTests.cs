using System.Buffers;
using System.Text;
using AnonymousBoard.Gate;
using Xunit;

namespace AnonymousBoard.Tests.Gate;

public class ProxyProtocolTests
{
    [Theory]
    [InlineData("PROXY TCP6 fc00:dead:beef:4dad::0:84 ::1 132 80\r\n", 0x84u)]
    [InlineData("PROXY TCP6 fc00:dead:beef:4dad::0:29a ::1 666 42\r\n", 666u)]
    [InlineData("PROXY TCP6 fc00:dead:beef:4dad::ffff:ffff ::1 65535 80\r\n", uint.MaxValue)]
    [InlineData("PROXY TCP6 fc00:dead:beef:4dad::1:0 ::1 0 80\r\n", 0x10000u)]
    // Canonical and full forms of the same addresses, as another writer might print them.
    [InlineData("PROXY TCP6 fc00:dead:beef:4dad::84 ::1 132 80\r\n", 0x84u)]
    [InlineData("PROXY TCP6 fc00:dead:beef:4dad:0000:0000:0000:0084 ::1 132 80\r\n", 0x84u)]
    [InlineData("PROXY TCP6 FC00:DEAD:BEEF:4DAD:0:0:12:3456 0:0:0:0:0:0:0:1 1 80\r\n", 0x123456u)]
    [InlineData("PROXY TCP6 fc00:dead:beef:4dad::0:84 ::1 132 80", 0x84u)]
    public void Tor_header_gives_the_circuit_id(string line, uint expected)
    {
        var result = ProxyProtocol.Parse(Encoding.ASCII.GetBytes(line));

        Assert.Null(result.Reason);
        Assert.Equal(expected, result.CircuitId);
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(1u)]
    [InlineData(0x84u)]
    [InlineData(0xffffu)]
    [InlineData(0x10000u)]
    [InlineData(0xdeadbeefu)]
    [InlineData(uint.MaxValue)]
    public void Formatted_line_round_trips(uint circuitId)
    {
        var line = ProxyProtocol.Format(circuitId);

        Assert.Equal(circuitId, ProxyProtocol.Parse(line).CircuitId);
    }

    [Fact]
    public void Format_matches_what_tor_writes()
    {
        // The example in tor's own test suite: global identifier 666 on virtual port 42.
        Assert.Equal("PROXY TCP6 fc00:dead:beef:4dad::0:29a ::1 666 42\r\n", ProxyProtocol.Format(666, 42));
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\n", "PROXY prefix")]
    [InlineData("proxy TCP6 fc00:dead:beef:4dad::0:84 ::1 132 80\r\n", "PROXY prefix")]
    [InlineData("PROXY TCP4 10.0.0.1 10.0.0.2 132 80\r\n", "TCP4")]
    [InlineData("PROXY UNKNOWN\r\n", "UNKNOWN")]
    [InlineData("PROXY UDP6 fc00:dead:beef:4dad::0:84 ::1 132 80\r\n", "neither TCP6 nor TCP4")]
    [InlineData("PROXY TCP6 fc00:dead:beef:4dae::0:84 ::1 132 80\r\n", "prefix")]
    [InlineData("PROXY TCP6 2001:db8::84 ::1 132 80\r\n", "prefix")]
    [InlineData("PROXY TCP6 fc00:dead:beef:4dad:1::84 ::1 132 80\r\n", "zeros")]
    [InlineData("PROXY TCP6 fc00:dead:beef:4dad::0:84 ::1 132\r\n", "5 space-separated fields")]
    [InlineData("PROXY TCP6  fc00:dead:beef:4dad::0:84 ::1 132 80\r\n", "fields")]
    [InlineData("PROXY TCP6 fc00:dead:beef:4dad::0:84 ::1 132 80 9\r\n", "fields")]
    [InlineData("PROXY TCP6 fc00:dead:beef:4dad::0:g4 ::1 132 80\r\n", "source is not an IPv6")]
    [InlineData("PROXY TCP6 fc00:dead:beef:4dad::0:84%eth0 ::1 132 80\r\n", "source is not an IPv6")]
    [InlineData("PROXY TCP6 ::ffff:1.2.3.4 ::1 132 80\r\n", "source is not an IPv6")]
    [InlineData("PROXY TCP6 fc00:dead:beef:4dad::0:84 localhost 132 80\r\n", "destination")]
    [InlineData("PROXY TCP6 fc00:dead:beef:4dad::0:84 ::1 132 65536\r\n", "port")]
    [InlineData("PROXY TCP6 fc00:dead:beef:4dad::0:84 ::1 -1 80\r\n", "port")]
    [InlineData("PROXY TCP6 fc00:dead:beef:4dad::0:84 ::1 0132 80\r\n", "port")]
    [InlineData("PROXY TCP6 fc00:dead:beef:4dad::0:84 ::1 132 80\r\r\n", "stray CR")]
    [InlineData("PROXY TCP6 fc00:dead:beef:4dad::0:84\n::1 132 80\r\n", "stray CR")]
    public void Bad_headers_are_refused_with_a_reason(string line, string reasonPart)
    {
        var result = ProxyProtocol.Parse(Encoding.ASCII.GetBytes(line));

        Assert.Null(result.CircuitId);
        Assert.Contains(reasonPart, result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Header_longer_than_107_bytes_is_oversized()
    {
        var line = "PROXY TCP6 fc00:dead:beef:4dad::0:84 ::1 132 80" + new string(' ', 60) + "\r\n";

        Assert.Contains("longer than the 107", ProxyProtocol.Parse(line).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Non_ascii_bytes_are_malformed()
    {
        var bytes = Encoding.ASCII.GetBytes("PROXY TCP6 fc00:dead:beef:4dad::0:84 ::1 132 80\r\n");
        bytes[20] = 0xc3;

        Assert.Contains("not printable ASCII", ProxyProtocol.Parse(bytes).Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "NeedMoreData")]
    [InlineData("PRO", "NeedMoreData")]
    [InlineData("PROXY TCP6 fc00", "NeedMoreData")]
    [InlineData("PROXY TCP6 fc00:dead:beef:4dad::0:84 ::1 132 80\r", "NeedMoreData")]
    [InlineData("GET / HTTP/1.1\r\n", "NoHeader")]
    [InlineData("G", "NoHeader")]
    [InlineData("PROXX", "NoHeader")]
    public void Scan_decides_only_when_it_can(string received, string expected)
    {
        Assert.Equal(Enum.Parse<ProxyScan>(expected), ProxyProtocol.Scan(new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(received)), out _));
    }

    [Fact]
    public void Scan_finds_the_end_of_the_line_and_no_further()
    {
        var header = "PROXY TCP6 fc00:dead:beef:4dad::0:84 ::1 132 80\r\n";
        var bytes = Encoding.ASCII.GetBytes(header + "GET / HTTP/1.1\r\n\r\n");

        Assert.Equal(ProxyScan.Line, ProxyProtocol.Scan(new ReadOnlySequence<byte>(bytes), out var length));
        Assert.Equal(header.Length, length);
    }

    [Fact]
    public void Scan_calls_107_bytes_without_CRLF_oversized()
    {
        var bytes = Encoding.ASCII.GetBytes("PROXY " + new string('a', 101));

        Assert.Equal(ProxyScan.Oversized, ProxyProtocol.Scan(new ReadOnlySequence<byte>(bytes), out _));
        Assert.Equal(ProxyScan.NeedMoreData, ProxyProtocol.Scan(new ReadOnlySequence<byte>(bytes[..106]), out _));
    }

    [Fact]
    public void Scan_reads_across_segments()
    {
        var header = Encoding.ASCII.GetBytes("PROXY TCP6 fc00:dead:beef:4dad::0:84 ::1 132 80\r\nGET");
        var sequence = Segments.Of(header[..3], header[3..30], header[30..49], header[49..]);

        Assert.Equal(ProxyScan.Line, ProxyProtocol.Scan(sequence, out var length));
        Assert.Equal(header.Length - 3, length);
    }

    private sealed class Segments : ReadOnlySequenceSegment<byte>
    {
        private Segments(byte[] memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public static ReadOnlySequence<byte> Of(params byte[][] parts)
        {
            var first = new Segments(parts[0], 0);
            var last = first;
            foreach (var part in parts.Skip(1))
            {
                var next = new Segments(part, last.RunningIndex + last.Memory.Length);
                last.Next = next;
                last = next;
            }
            return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
        }
    }
}
