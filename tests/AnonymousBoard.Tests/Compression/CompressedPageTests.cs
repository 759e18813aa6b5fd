using System.Buffers;
using System.IO.Compression;
using AnonymousBoard.Markup;
using AnonymousBoard.Site;

namespace AnonymousBoard.Tests.Compression;

/// <summary>
/// The compression unit alone (Site/CompressedPage): a page of parts with slots, written in each coding with the
/// slots filled, decodes to the parts and slots joined, whatever their sizes: empty parts and slots, a slot over a
/// stored block's 65,535 bytes, an uncompressed brotli end over 65,536 bytes (five nibbles of length), a page longer
/// than the window a response is written in.
/// </summary>
public sealed class CompressedPageTests
{
    [Theory]
    [InlineData(new[] { 5000 }, new int[0])]
    [InlineData(new[] { 0 }, new int[0])]
    [InlineData(new[] { 40000, 3000, 900 }, new[] { 0, 250 })]
    [InlineData(new[] { 40000, 3000, 900 }, new[] { 12, 250 })]
    [InlineData(new[] { 40000, 0, 0 }, new[] { 0, 0 })]
    [InlineData(new[] { 1, 70000, 5 }, new[] { 70000, 1 })]
    [InlineData(new[] { 300, 100000 }, new[] { 3 })]
    // Longer than the window a response is copied and flushed in (128 KB): across a part, at a part's end, twice.
    [InlineData(new[] { 200000, 150000, 10 }, new[] { 0, 300 })]
    [InlineData(new[] { 131072, 5 }, new[] { 7 })]
    [InlineData(new[] { 262144, 5 }, new[] { 7 })]
    public void Every_coding_decodes_to_the_parts_with_their_slots_filled(int[] partSizes, int[] slotSizes)
    {
        var random = new Random(partSizes.Sum() + slotSizes.Sum());
        var parts = partSizes.Select(n => Text(random, n)).ToArray();
        var slots = slotSizes.Select(n => (ReadOnlyMemory<byte>)Text(random, n)).ToArray();
        var page = CompressedPage.Of([.. parts.Select(p => new PreparedHtml(p))]);
        var expected = Join(parts, slots);

        foreach (var coding in new[] { ContentCoding.Identity, ContentCoding.Gzip, ContentCoding.Brotli })
        {
            var output = new ArrayBufferWriter<byte>();
            var encoded = page.Encode(coding, slots);
            encoded.Write(output);

            Assert.Equal(encoded.Length, output.WrittenCount);
            Assert.Equal(expected, Decode(coding, output.WrittenSpan.ToArray()));
        }
    }

    private static readonly int[] RunSizes = [33000, 20000, 0, 700];

    [Fact]
    public void Pages_made_of_pieces_they_share_decode_to_their_own_bytes_in_every_coding()
    {
        // A thread page's shape: the layout's top, runs of posts that the next version shares, the layout down to the
        // form's slots; an empty piece and a run over 32 KB among them.
        var random = new Random(17);
        var runs = RunSizes.Select(n => new PagePiece(Text(random, n), shared: true)).ToArray();
        var top = Text(random, 3000);
        var form = Text(random, 900);
        var end = Text(random, 400);
        var newRun = new PagePiece(Text(random, 1500), shared: true);
        ReadOnlyMemory<byte>[] slots = [ReadOnlyMemory<byte>.Empty, Text(random, 250)];
        var before = CompressedPage.Of([[new PagePiece(top), .. runs, new PagePiece(form)], [new PagePiece(Text(random, 10))], [new PagePiece(end)]]);
        var after = CompressedPage.Of([[new PagePiece(top), .. runs[..3], newRun, new PagePiece(form)], [new PagePiece(Text(random, 10))], [new PagePiece(end)]]);

        foreach (var (page, pieces) in new[] { (before, runs), (after, [.. runs[..3], newRun]) })
        {
            var part0 = (byte[])[.. top, .. pieces.SelectMany(p => p.Bytes.ToArray()), .. form];
            foreach (var coding in new[] { ContentCoding.Identity, ContentCoding.Gzip, ContentCoding.Brotli })
            {
                var output = new ArrayBufferWriter<byte>();
                var encoded = page.Encode(coding, slots);
                encoded.Write(output);

                Assert.Equal(encoded.Length, output.WrittenCount);
                var decoded = Decode(coding, output.WrittenSpan.ToArray());
                Assert.Equal(part0, decoded[..part0.Length]);
                Assert.Equal(end, decoded[^end.Length..]);
            }
        }
    }

    [Fact]
    public void A_run_of_posts_in_gzip_refers_back_into_the_run_before_it()
    {
        // Two runs alike, as a thread's are (the same markup around every post): the second costs little after the first.
        var run = Text(new Random(5), 20000);
        var one = CompressedPage.Of([[new PagePiece(run, shared: true)]]);
        var two = CompressedPage.Of([[new PagePiece(run, shared: true), new PagePiece(run.ToArray(), shared: true)]]);

        var alone = one.Encode(ContentCoding.Gzip, []).Length;
        var both = two.Encode(ContentCoding.Gzip, []);
        var output = new ArrayBufferWriter<byte>();
        both.Write(output);

        Assert.Equal([.. run, .. run], Decode(ContentCoding.Gzip, output.WrittenSpan.ToArray()));
        Assert.True(both.Length < alone * 1.2, $"two runs {both.Length} bytes, one {alone}");
    }

    [Fact]
    public void Versions_of_a_growing_page_share_one_brotli_stream_and_each_decodes_to_its_own_bytes()
    {
        // A thread page's versions: its last run of posts grows by a post (a new piece that begins with the old one's
        // bytes), now and then a new run starts; the layout's top is rendered again for each version, the same bytes.
        var random = new Random(23);
        var growth = new BrotliGrowth();
        var top = Text(random, 2000);
        var form = Text(random, 800);
        var between = Text(random, 10);
        var end = Text(random, 300);
        ReadOnlyMemory<byte>[] slots = [ReadOnlyMemory<byte>.Empty, Text(random, 200)];
        var runs = new List<PagePiece> { new(Text(random, 30000), shared: true) };
        void Check()
        {
            var page = CompressedPage.Of([[new PagePiece(top.ToArray()), .. runs, new PagePiece(form)], [new PagePiece(between)], [new PagePiece(end)]], growth);
            var output = new ArrayBufferWriter<byte>();
            var encoded = page.Encode(ContentCoding.Brotli, slots);
            encoded.Write(output);
            Assert.Equal(encoded.Length, output.WrittenCount);
            Assert.Equal([.. top, .. runs.SelectMany(r => r.Bytes.ToArray()), .. form, .. between, .. slots[1].ToArray(), .. end],
                Decode(ContentCoding.Brotli, output.WrittenSpan.ToArray()));
        }

        for (var version = 0; version < 40; version++)
        {
            runs[^1] = new PagePiece((byte[])[.. runs[^1].Bytes.ToArray(), .. Text(random, 600)], shared: true);
            if (version % 10 == 9)
            {
                runs.Add(new PagePiece(Text(random, 500), shared: true));
            }
            Check();
        }
        Assert.Equal(1, growth.Starts);

        // A version whose first run changed (a quoted post's backlinks) starts the stream again, and goes on from there.
        runs[0] = new PagePiece((byte[])[.. runs[0].Bytes.ToArray()[..100], (byte)'!', .. runs[0].Bytes.ToArray()[101..]], shared: true);
        Check();
        runs[^1] = new PagePiece((byte[])[.. runs[^1].Bytes.ToArray(), .. Text(random, 600)], shared: true);
        Check();
        Assert.Equal(2, growth.Starts);
    }

    [Theory]
    [InlineData(null, ContentCoding.Identity)]
    [InlineData("", ContentCoding.Identity)]
    [InlineData("identity", ContentCoding.Identity)]
    [InlineData("gzip", ContentCoding.Gzip)]
    [InlineData("x-gzip", ContentCoding.Gzip)]
    [InlineData("br", ContentCoding.Brotli)]
    [InlineData("gzip, deflate, br, zstd", ContentCoding.Brotli)]
    [InlineData("gzip, br;q=0", ContentCoding.Gzip)]
    [InlineData("BR;Q=0, GZIP", ContentCoding.Gzip)]
    [InlineData("gzip;q=0, br", ContentCoding.Brotli)]
    [InlineData("gzip;q=0, br;q=0", ContentCoding.Identity)]
    [InlineData("br;q=0.5, gzip", ContentCoding.Gzip)]
    [InlineData("br;q=1.0, gzip;q=0.8", ContentCoding.Brotli)]
    [InlineData("*", ContentCoding.Brotli)]
    [InlineData("*;q=0", ContentCoding.Identity)]
    [InlineData("gzip, *;q=0", ContentCoding.Gzip)]
    [InlineData("br;q=nonsense, gzip", ContentCoding.Gzip)]
    [InlineData("gzip, compress, bzip2", ContentCoding.Gzip)]
    public void The_coding_sent_is_the_one_the_request_weighs_highest(string? header, ContentCoding expected)
    {
        var page = CompressedPage.Of(new byte[100]);

        Assert.Equal(expected, page.Choose(Accepted.Parse(header), []));
    }

    [Fact]
    public void A_page_whose_slot_is_near_the_top_goes_as_gzip_to_a_client_that_takes_both()
    {
        var random = new Random(7);
        // The index page's shape: a little before the form's ticket, a lot after it.
        var page = CompressedPage.Of([new PreparedHtml(Text(random, 2000)), new PreparedHtml(Text(random, 40000))]);
        ReadOnlyMemory<byte>[] ticket = [Text(random, 200)];

        Assert.Equal(ContentCoding.Gzip, page.Choose(Accepted.Parse("gzip, br"), ticket));
        Assert.Equal(ContentCoding.Brotli, page.Choose(Accepted.Parse("br"), ticket));
    }

    private static byte[] Join(byte[][] parts, ReadOnlyMemory<byte>[] slots)
    {
        var all = new List<byte>(parts[0]);
        for (var i = 0; i < slots.Length; i++)
        {
            all.AddRange(slots[i].ToArray());
            all.AddRange(parts[i + 1]);
        }
        return [.. all];
    }

    // HTML-like text: compressible, with repeats for back-references to find.
    private static byte[] Text(Random random, int length)
    {
        string[] words = ["<p class=\"post\">", "thread", "reply", "</a>", " the ", "board", "\n", "&gt;&gt;", "onion", "quote"];
        var text = new System.Text.StringBuilder();
        while (text.Length < length)
        {
            text.Append(random.Next(4) == 0 ? random.Next(100000).ToString(System.Globalization.CultureInfo.InvariantCulture) : words[random.Next(words.Length)]);
        }
        return System.Text.Encoding.ASCII.GetBytes(text.ToString(0, length));
    }

    internal static byte[] Decode(ContentCoding coding, byte[] body)
    {
        if (coding == ContentCoding.Identity)
        {
            return body;
        }
        using var input = new MemoryStream(body);
        using Stream decoder = coding == ContentCoding.Gzip ? new GZipStream(input, CompressionMode.Decompress) : new BrotliStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        // zlib checks each gzip member's CRC-32 and length against what it decoded.
        decoder.CopyTo(output);
        if (coding == ContentCoding.Gzip)
        {
            // One member: the last trailer's length is the whole page's (a second member would be decoded on silently).
            Assert.Equal((uint)output.Length, System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(body.AsSpan(body.Length - 4)));
        }
        return output.ToArray();
    }
}
