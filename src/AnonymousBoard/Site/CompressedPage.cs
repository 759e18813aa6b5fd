using System.Buffers;
using AnonymousBoard.Markup;

namespace AnonymousBoard.Site;

/// <summary>
/// A public response prepared once (a page, the CSS, a JSON document, a feed) and kept in every coding, compressed
/// when first asked for, never per request. A page may leave slots between its parts for what differs per request
/// (a form's ticket and quoted text, <see cref="Templates.Slot"/>); what fills them is sent uncompressed, so a
/// reflected value is never compressed together with anything (no compression oracle), and the page stays valid:
/// <list type="bullet">
/// <item>gzip: one member whose deflate data is a deflate stream of the parts up to the first filled slot, ended by
/// a sync flush (byte-aligned, no final block), each filled slot as stored blocks, each later part compressed alone
/// (so it never refers back past its start) and flushed, then an empty final block and the trailer, its CRC-32
/// combined from the parts' and the slots'.</item>
/// <item>brotli: a stream cannot go on compressed after a join (the decoder's literal context, distance cache and
/// dictionary offsets carry over), but it can end with an uncompressed meta-block after a flushed, byte-aligned
/// compressed start. So the parts up to the first filled slot are compressed and everything from it on is sent
/// as it is: small when the slots are near the end (the thread page's ticket), large when one is near the top
/// (the index page's form), where a client that takes both gets gzip, then the smaller.</item>
/// </list>
/// Each coding is made quickly the first time it is asked for, and made again at the best level in the background
/// once the page has been read unchanged for <see cref="Settle"/>: a page that changes with every post never pays
/// for the slow level, a page that is read for a while gets it once. One such compression runs at a time.
/// Staff pages never come here (BREACH: they carry antiforgery tokens and session state beside what others wrote).
/// </summary>
public sealed partial class CompressedPage
{
    /// <summary>How long a page stays unchanged and read before it is compressed at the best level.</summary>
    public static readonly TimeSpan Settle = TimeSpan.FromSeconds(2);

    // Measured on a 300-reply thread page (175-200 KB; see the README's "Compression"): brotli 5 takes 1.5-3 ms and
    // comes to 1.15-1.2 times brotli 11, which takes 0.3-1 s; gzip 6 takes 2-17 ms, gzip 9 11-60 ms, about 13% smaller.
    internal const int QuickBrotli = 5;
    private const int BestBrotli = 11;

    // 4 MiB: more than any page, and what every brotli decoder accepts.
    private const int BrotliWindow = 22;

    // The most of a response copied into one span of the connection's pipe and flushed at once. A span past Kestrel's
    // 4 KB block is lent by the shared array pool, which keeps some of each size it lends: with 256 KB (a 300-reply
    // thread page in one window) the million-post board held 10 MB more after the mixed reads; with 128 KB it held as
    // before, and the page read as fast (the README's read-path benchmark). Copied a block at a time instead, through
    // Kestrel's writer, the thread page read at 0.79 of the bare app.
    private const int Window = 128 * 1024;

    // A growing page smaller than this is compressed whole: it is quick, and the form that the growing stream would send
    // uncompressed is a large share of a small page (enough for gzip to be the smaller of the two).
    private const int GrowingFrom = 32 * 1024;

    private static int s_upgrading;

    // Each part (what lies between two slots) as the pieces it is made of: one for most pages; for a thread page, the
    // first is the layout's top, each run of posts its prepared thread keeps, and the layout down to the first slot.
    private readonly PagePiece[][] _parts;
    // The bytes of part i and every part after it (0 past the last): counted once, as every request needs some of them.
    private readonly long[] _lengthFrom;
    // For a page that grows at its end (a thread page): the stream its first part but the last piece goes into at the
    // quick level, shared with the versions before and after it.
    private readonly BrotliGrowth? _growth;
    private readonly long _built = System.Diagnostics.Stopwatch.GetTimestamp();
    private readonly object _compressing = new();

    // For each coding, by the first filled slot (Slots: none filled), what was compressed, and at which level.
    private readonly Coded?[] _gzip;
    private readonly Coded?[] _brotli;
    private int _upgrade; // 0 not yet; 1 started, or not wanted (a page for one request)

    /// <summary>The compressed pieces of one coding for one first filled slot: what precedes it, then each later part.</summary>
    /// <param name="Plain">brotli's: pieces before the first filled slot that go uncompressed (after a growing stream).</param>
    internal sealed record Coded(ReadOnlyMemory<byte>[][] Pieces, bool Best, PagePiece[]? Plain = null)
    {
        // Counted once: every request that sends this coding asks.
        public long Length { get; } = Pieces.Sum(part => part.Sum(p => (long)p.Length));

        public long PlainLength { get; } = Plain?.Sum(p => (long)p.Length) ?? 0;
    }

    private CompressedPage(PagePiece[][] parts, bool perRequest, BrotliGrowth? growth = null)
    {
        _parts = parts;
        _lengthFrom = new long[parts.Length + 1];
        for (var i = parts.Length - 1; i >= 0; i--)
        {
            _lengthFrom[i] = _lengthFrom[i + 1] + LengthOf(parts[i]);
        }
        _growth = growth;
        _upgrade = perRequest ? 1 : 0;
        _gzip = new Coded?[parts.Length];
        _brotli = new Coded?[parts.Length];
    }

    /// <summary>A document with no slot (the CSS, a JSON document, a feed).</summary>
    public static CompressedPage Of(ReadOnlyMemory<byte> bytes) => new([[new PagePiece(bytes)]], perRequest: false);

    /// <summary>A page prepared once with slots (<see cref="Templates.PrepareWithSlots"/>).</summary>
    public static CompressedPage Of(IReadOnlyList<PreparedHtml> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        return new([.. parts.Select(p => new[] { new PagePiece(p.Utf8) })], perRequest: false);
    }

    /// <summary>A page prepared once with slots, each part given as the pieces it is made of (some kept by other pages too).</summary>
    /// <param name="growth">
    /// For a page whose versions grow at the end of their first part but its last piece (a thread page's posts): the stream
    /// they share, into which each version's brotli compresses only what it adds at the quick level; the last piece of
    /// the first part then goes uncompressed with the rest.
    /// </param>
    public static CompressedPage Of(IReadOnlyList<IReadOnlyList<PagePiece>> parts, BrotliGrowth? growth = null)
    {
        ArgumentNullException.ThrowIfNull(parts);
        return new([.. parts.Select(p => p.ToArray())], perRequest: false, growth);
    }

    /// <summary>
    /// A public page that is not prepared (the archive, search results, the list of boards: each request reads
    /// the store and renders anyway), rendered and compressed quickly for this request alone.
    /// </summary>
    public static IResult RenderedPage(RazorSlices.RazorSlice slice, int status = StatusCodes.Status200OK) =>
        new PageResult(new([[new PagePiece(Templates.Prepare(slice).Utf8)]], perRequest: true), "text/html; charset=utf-8", [], status);

    /// <summary>
    /// About what the page keeps in memory, for the page cache's bound: its own pieces (not those it shares, which what
    /// keeps them counts), and a quarter of all for its compressed forms, which are made later (brotli's is a tenth of
    /// the parts or less, gzip's a fifth or less).
    /// </summary>
    public long Bytes => _parts.Sum(part => part.Sum(p => (p.Shared ? 0L : p.Length) + (p.Length / 4)));

    private static long LengthOf(PagePiece[] part) => part.Sum(p => (long)p.Length);

    /// <summary>The slots between the parts, which each request fills.</summary>
    public int Slots => _parts.Length - 1;

    /// <summary>The page, every slot filled with <paramref name="filled"/>, as the response.</summary>
    public IResult Result(string contentType, params ReadOnlyMemory<byte>[] filled) => new PageResult(this, contentType, filled, StatusCodes.Status200OK);

    /// <summary>
    /// Which coding the request gets with these slots filled: the one it weighs higher; between equals the smaller
    /// for this page (brotli when there is no slot to fill, as it always is then, and when what it sends uncompressed
    /// is under an eighth of what it compresses to: gzip is a third larger or more on HTML, so it is not made to be compared).
    /// </summary>
    public ContentCoding Choose(Accepted accepted, ReadOnlySpan<ReadOnlyMemory<byte>> filled)
    {
        if (accepted.Brotli > 0 && accepted.Brotli >= accepted.Gzip)
        {
            var first = FirstFilled(filled);
            if (accepted.Brotli > accepted.Gzip || first == Slots)
            {
                return ContentCoding.Brotli;
            }
            var coded = Coding(ContentCoding.Brotli, first);
            var brotli = coded.Length + PlainLength(coded, first);
            if (PlainLength(coded, first) * 8 <= brotli || brotli <= Coding(ContentCoding.Gzip, first).Length)
            {
                return ContentCoding.Brotli;
            }
        }
        return accepted.Gzip > 0 ? ContentCoding.Gzip : ContentCoding.Identity;
    }

    /// <summary>
    /// The page in <paramref name="coding"/> with the slots filled, its length known before it is written: what was
    /// compressed is taken once here, so a better compression that lands meanwhile changes neither.
    /// </summary>
    /// <exception cref="ArgumentException">Not one value per slot.</exception>
    public Encoded Encode(ContentCoding coding, ReadOnlyMemory<byte>[] filled)
    {
        ArgumentNullException.ThrowIfNull(filled);
        if (filled.Length != Slots)
        {
            throw new ArgumentException($"The page has {Slots} slots, not {filled.Length}.", nameof(filled));
        }
        var first = FirstFilled(filled);
        var coded = coding == ContentCoding.Identity ? null : Coding(coding, first);
        MaybeUpgrade();
        long slots = 0;
        foreach (var f in filled)
        {
            slots += coding == ContentCoding.Gzip ? StoredLength(f.Length) : f.Length;
        }
        var length = coding switch
        {
            ContentCoding.Gzip => coded!.Length + slots + GzipEnd,
            ContentCoding.Brotli when first == Slots && coded!.Plain is null => coded.Length,
            ContentCoding.Brotli => coded!.Length + PlainLength(coded, first) + slots + MetaBlockHeader(PlainLength(coded, first) + slots, []) + 1,
            _ => _lengthFrom[0] + slots,
        };
        return new Encoded(this, coding, coded, filled, first, length);
    }

    /// <summary>A page as one response sends it (<see cref="Encode"/>).</summary>
    public readonly struct Encoded
    {
        private readonly CompressedPage _page;
        private readonly Coded? _coded;
        private readonly ReadOnlyMemory<byte>[] _filled;
        private readonly int _first;

        internal Encoded(CompressedPage page, ContentCoding coding, Coded? coded, ReadOnlyMemory<byte>[] filled, int first, long length)
        {
            _page = page;
            Coding = coding;
            _coded = coded;
            _filled = filled;
            _first = first;
            Length = length;
        }

        public ContentCoding Coding { get; }

        /// <summary>The bytes <see cref="Write"/> writes.</summary>
        public long Length { get; }

        /// <summary>For tests and tools: the bytes into any buffer writer, as a response writes them.</summary>
        public void Write(IBufferWriter<byte> output)
        {
            ArgumentNullException.ThrowIfNull(output);
            var pieces = Pieces();
            for (long from = 0; from < Length; from += Window)
            {
                WriteWindow(output, pieces, from);
            }
        }

        /// <summary>
        /// The bytes as a response sends them: the headers are put in the connection's pipe unsent, then the body is
        /// copied once, piece by piece, into memory the pipe lends for a <see cref="Window"/> of it at a time, each
        /// window flushed. So a page goes out in a send per window, as a single array would: written a piece at a time,
        /// each large piece with its own flush, a thread page of a dozen pieces went out in four sends, each with its
        /// wake-ups. A slow reader holds no more than a window of the server's memory.
        /// </summary>
        public async Task WriteAsync(HttpResponse response, CancellationToken cancellation)
        {
            ArgumentNullException.ThrowIfNull(response);
            await response.StartAsync(cancellation);
            var pieces = Pieces();
            for (long from = 0; from < Length; from += Window)
            {
                WriteWindow(response.BodyWriter, pieces, from);
                if (await response.BodyWriter.FlushAsync(cancellation) is { IsCompleted: true } or { IsCanceled: true })
                {
                    return;
                }
            }
        }

        /// <summary>The bytes from <paramref name="from"/>, at most <see cref="Window"/> of them, copied into one span the writer lends.</summary>
        private void WriteWindow(IBufferWriter<byte> output, List<ReadOnlyMemory<byte>> pieces, long from)
        {
            var size = (int)Math.Min(Length - from, Window);
            var into = output.GetSpan(size)[..size];
            var skip = from;
            var at = 0;
            foreach (var piece in pieces)
            {
                if (skip >= piece.Length)
                {
                    skip -= piece.Length;
                    continue;
                }
                var part = piece.Span[(int)skip..];
                skip = 0;
                var n = Math.Min(part.Length, size - at);
                part[..n].CopyTo(into[at..]);
                if ((at += n) == size)
                {
                    output.Advance(size);
                    return;
                }
            }
            throw new InvalidOperationException($"The page's pieces hold {from + at} bytes, not the {Length} its length says.");
        }

        /// <summary>The bytes in order: the page's own memory, the filled slots, and the few small headers a coding adds.</summary>
        private List<ReadOnlyMemory<byte>> Pieces()
        {
            var pieces = new List<ReadOnlyMemory<byte>>(2 * _filled.Length + 4);
            switch (Coding)
            {
                case ContentCoding.Gzip:
                    _page.GzipPieces(pieces, _coded!, _filled, _first);
                    break;
                case ContentCoding.Brotli:
                    _page.BrotliPieces(pieces, _coded!, _filled, _first);
                    break;
                default:
                    pieces.AddRange(_page._parts[0].Select(p => p.Bytes));
                    for (var i = 0; i < _filled.Length; i++)
                    {
                        pieces.Add(_filled[i]);
                        pieces.AddRange(_page._parts[i + 1].Select(p => p.Bytes));
                    }
                    break;
            }
            return pieces;
        }
    }

    private static int FirstFilled(ReadOnlySpan<ReadOnlyMemory<byte>> filled)
    {
        for (var i = 0; i < filled.Length; i++)
        {
            if (!filled[i].IsEmpty)
            {
                return i;
            }
        }
        return filled.Length;
    }

    /// <summary>The parts after the first filled slot <paramref name="first"/>, which brotli sends uncompressed (with the slots).</summary>
    private long TailLength(int first) => _lengthFrom[first + 1];

    /// <summary>What brotli sends uncompressed besides the slots: its plain pieces and the parts after the first filled slot.</summary>
    private long PlainLength(Coded brotli, int first) => brotli.PlainLength + TailLength(first);

    /// <summary>The coding's pieces for this first filled slot: made quickly the first time, then kept.</summary>
    private Coded Coding(ContentCoding coding, int first)
    {
        var made = coding == ContentCoding.Gzip ? _gzip : _brotli;
        if (Volatile.Read(ref made[first]) is { } coded)
        {
            return coded;
        }
        // Readers that arrive together wait for one compression rather than each doing it.
        lock (_compressing)
        {
            return made[first] ??= Compress(coding, first, best: false);
        }
    }

    // brotli: everything up to the first filled slot in one stream; or quickly, for a growing page, the stream its versions
    // share, and the rest up to that slot uncompressed.
    private Coded Compress(ContentCoding coding, int first, bool best)
    {
        if (coding == ContentCoding.Gzip)
        {
            return new([[GzipHeader, .. Deflated(_parts.Take(first + 1).SelectMany(part => part), best)], .. _parts.Skip(first + 1).Select(part => Deflated(part, best))], best);
        }
        if (!best && _growth is not null && _parts[0].Length > 1 && LengthOf(_parts[0]) >= GrowingFrom)
        {
            return new([_growth.Compress(_parts[0][..^1])], best, [_parts[0][^1], .. _parts.Skip(1).Take(first).SelectMany(part => part)]);
        }
        return new([[Brotli([.. _parts.Take(first + 1).SelectMany(part => part).Select(p => p.Bytes)], best ? BestBrotli : QuickBrotli, final: first == Slots)]], best);
    }

    /// <summary>
    /// gzip's data for pieces that follow one another: each ends on a byte boundary, so it can be joined to any other's;
    /// a shared piece after a shared one refers back into it (runs of posts are alike) and is made once for every page
    /// with the two in a row; any other is compressed alone.
    /// </summary>
    private static ReadOnlyMemory<byte>[] Deflated(IEnumerable<PagePiece> pieces, bool best)
    {
        var deflated = new List<ReadOnlyMemory<byte>>();
        PagePiece? before = null;
        foreach (var piece in pieces)
        {
            deflated.Add(piece.Deflated(best, before is { Shared: true } && piece.Shared ? before : null));
            before = piece;
        }
        return [.. deflated];
    }

    /// <summary>
    /// Once the page has been read unchanged for <see cref="Settle"/>, what it was compressed to is compressed again
    /// at the best level, in the background, one page at a time; until then, and if another page is being done, readers
    /// get what there is.
    /// </summary>
    private void MaybeUpgrade()
    {
        if (Volatile.Read(ref _upgrade) != 0 || System.Diagnostics.Stopwatch.GetElapsedTime(_built) < Settle
            || Interlocked.CompareExchange(ref s_upgrading, 1, 0) != 0)
        {
            return;
        }
        if (Interlocked.Exchange(ref _upgrade, 1) != 0)
        {
            Volatile.Write(ref s_upgrading, 0);
            return;
        }
        _ = Task.Run(() =>
        {
            try
            {
                foreach (var (made, coding) in new[] { (_gzip, ContentCoding.Gzip), (_brotli, ContentCoding.Brotli) })
                {
                    for (var first = 0; first < made.Length; first++)
                    {
                        if (Volatile.Read(ref made[first]) is { Best: false })
                        {
                            Volatile.Write(ref made[first], Compress(coding, first, best: true));
                        }
                    }
                }
            }
            finally
            {
                Volatile.Write(ref s_upgrading, 0);
            }
        });
    }

    private sealed class PageResult(CompressedPage page, string contentType, ReadOnlyMemory<byte>[] filled, int status) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            var coding = page.Choose(Accepted.Of(httpContext.Request), filled);
            response.StatusCode = status;
            response.ContentType = contentType;
            response.Headers.Vary = "Accept-Encoding";
            if (coding != ContentCoding.Identity)
            {
                response.Headers.ContentEncoding = coding == ContentCoding.Gzip ? "gzip" : "br";
                // Another coding is another representation: a strong validator would claim the same bytes.
                if (response.Headers.ETag is [{ } tag] && !tag.StartsWith("W/", StringComparison.Ordinal))
                {
                    response.Headers.ETag = "W/" + tag;
                }
            }
            var encoded = page.Encode(coding, filled);
            response.ContentLength = encoded.Length;
            await encoded.WriteAsync(response, httpContext.RequestAborted);
        }
    }
}
