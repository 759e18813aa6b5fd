using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace AnonymousBoard.Gate;

/// <summary>Why a ticket was not accepted, in the order the checks run.</summary>
public enum TicketFailure
{
    None,
    /// <summary>Unreadable, forged, signed with a rotated-out key, or for another board.</summary>
    NotGenuine,
    Expired,
    WrongCircuit,
    /// <summary>Too early: the time lock has not passed and no extra work was paid.</summary>
    TimeLocked,
    AlreadySpent,
}

/// <summary>The ticket when it passed, otherwise the failure, a sentence for the person, and when trying again makes sense.</summary>
public sealed record TicketVerdict(PostingTicket? Ticket, TicketFailure Failure, string? Reason, DateTimeOffset? RetryAt = null)
{
    public bool IsValid => Failure == TicketFailure.None;

    public static TicketVerdict Fail(TicketFailure failure, string reason, PostingTicket? ticket = null, DateTimeOffset? retryAt = null) =>
        new(ticket, failure, reason, retryAt);
}

/// <summary>
/// A stateless permit to post, handed out with the form in a hidden field and checked when the form
/// comes back. The server keeps nothing per ticket until it is spent: the fields travel in the ticket
/// and an HMAC-SHA256 with a <see cref="TicketKeys"/> key proves we wrote them. The time lock
/// (<see cref="ValidFrom"/>) is the pause a person spends typing and a script has to wait out.
/// <see cref="Reserved"/> marks a ticket that holds an already-counted slot in the global queue.
/// </summary>
public sealed record PostingTicket(
    string Id,
    string BoardSlug,
    uint? CircuitId,
    DateTimeOffset IssuedAt,
    DateTimeOffset ValidFrom,
    DateTimeOffset Expires,
    bool Reserved = false)
{
    /// <summary>Longest board slug a ticket carries, in UTF-8 bytes.</summary>
    public const int MaxSlugBytes = 64;

    /// <summary>Longest text form we try to decode; real ones are about 125 characters.</summary>
    public const int MaxTextLength = 400;

    private const byte FormatVersion = 1;
    private const int MacLength = 32;
    private const int IdBytes = 16;
    private const byte FlagHasCircuit = 1;
    private const byte FlagReserved = 2;

    /// <summary>The hashcash resource for this ticket: a stamp pays for this ticket and no other.</summary>
    public string PowResource => Id;

    /// <summary>
    /// A new ticket with a random id. Times are whole seconds, as stored: the lock rounds up and the
    /// expiry down, so rounding never shortens a wait or lengthens a life.
    /// </summary>
    public static PostingTicket Create(string boardSlug, uint? circuitId, DateTimeOffset now, TimeSpan timeLock, TimeSpan lifetime, bool reserved = false)
    {
        ArgumentNullException.ThrowIfNull(boardSlug);
        if (Encoding.UTF8.GetByteCount(boardSlug) > MaxSlugBytes)
        {
            throw new ArgumentException($"board slug is longer than {MaxSlugBytes} bytes", nameof(boardSlug));
        }
        var nowSeconds = now.ToUnixTimeSeconds();
        var validFrom = (now + timeLock).ToUnixTimeMilliseconds();
        return new PostingTicket(
            // Lower-case hex: the hashcash tool lower-cases the resource it mints for unless given -C.
            NewId(),
            boardSlug,
            circuitId,
            DateTimeOffset.FromUnixTimeSeconds(nowSeconds),
            // No lock (tests, development) means none: rounding up would still make a second's wait.
            DateTimeOffset.FromUnixTimeSeconds(timeLock <= TimeSpan.Zero ? nowSeconds : (validFrom + 999) / 1000),
            DateTimeOffset.FromUnixTimeSeconds((now + lifetime).ToUnixTimeSeconds()),
            reserved);
    }

    // Ids are drawn from the system's generator a block at a time, one block per thread: every page with a form takes
    // one, and each call into the generator makes a system call (OpenSSL's check for a fork), which cost the index page
    // about a tenth of its reads on the benchmark's virtual machine (README, "The page in one copy").
    private const int IdsPerBlock = 64;
    [ThreadStatic] private static byte[]? t_ids;
    [ThreadStatic] private static int t_taken;

    private static string NewId()
    {
        var ids = t_ids ??= new byte[IdBytes * IdsPerBlock];
        if (t_taken == 0)
        {
            RandomNumberGenerator.Fill(ids);
        }
        var id = ids.AsSpan(t_taken, IdBytes);
        var text = Convert.ToHexStringLower(id);
        // A used id is kept nowhere but in its ticket.
        id.Clear();
        t_taken = (t_taken + IdBytes) % ids.Length;
        return text;
    }

    /// <summary>The text for the form's hidden field: base64url of the fields followed by their MAC.</summary>
    public string Protect(TicketKeys keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var key = keys.Current;
        var slug = Encoding.UTF8.GetBytes(BoardSlug);
        var id = Convert.FromHexString(Id);
        var payload = new byte[1 + 4 + IdBytes + 8 * 3 + 1 + 4 + 1 + slug.Length];
        var span = payload.AsSpan();
        span[0] = FormatVersion;
        BinaryPrimitives.WriteUInt32BigEndian(span[1..], key.Id);
        id.CopyTo(span[5..]);
        var at = 5 + IdBytes;
        BinaryPrimitives.WriteInt64BigEndian(span[at..], IssuedAt.ToUnixTimeSeconds());
        BinaryPrimitives.WriteInt64BigEndian(span[(at + 8)..], ValidFrom.ToUnixTimeSeconds());
        BinaryPrimitives.WriteInt64BigEndian(span[(at + 16)..], Expires.ToUnixTimeSeconds());
        at += 24;
        span[at] = (byte)((CircuitId is null ? 0 : FlagHasCircuit) | (Reserved ? FlagReserved : 0));
        BinaryPrimitives.WriteUInt32BigEndian(span[(at + 1)..], CircuitId ?? 0);
        span[at + 5] = (byte)slug.Length;
        slug.CopyTo(span[(at + 6)..]);

        var signed = new byte[payload.Length + MacLength];
        payload.CopyTo(signed, 0);
        HMACSHA256.HashData(key.Secret, payload, signed.AsSpan(payload.Length));
        return Base64Url.EncodeToString(signed);
    }

    /// <summary>Reads a ticket's text: is it ours, unaltered, signed with a key we still hold, and not expired?</summary>
    public static TicketVerdict Read(string? text, TicketKeys keys, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(keys);
        const string notGenuine = "the form's ticket is not one this board issued; reload the page and try again";
        if (string.IsNullOrEmpty(text) || text.Length > MaxTextLength)
        {
            return TicketVerdict.Fail(TicketFailure.NotGenuine, "the form has no ticket, or an unreadable one; reload the page and try again");
        }
        var bytes = new byte[Base64Url.GetMaxDecodedLength(text.Length)];
        int length;
        try
        {
            if (!Base64Url.TryDecodeFromChars(text, bytes, out length))
            {
                return TicketVerdict.Fail(TicketFailure.NotGenuine, "the form's ticket is unreadable; reload the page and try again");
            }
        }
        catch (FormatException)
        {
            // TryDecodeFromChars throws, rather than returning false, on characters outside the alphabet.
            return TicketVerdict.Fail(TicketFailure.NotGenuine, "the form's ticket is unreadable; reload the page and try again");
        }
        var data = bytes.AsSpan(0, length);
        const int fixedLength = 1 + 4 + IdBytes + 24 + 1 + 4 + 1;
        if (data.Length < fixedLength + MacLength || data[0] != FormatVersion)
        {
            return TicketVerdict.Fail(TicketFailure.NotGenuine, notGenuine);
        }
        var payload = data[..^MacLength];
        var key = keys.Find(BinaryPrimitives.ReadUInt32BigEndian(payload[1..]));
        if (key is null)
        {
            return TicketVerdict.Fail(TicketFailure.NotGenuine,
                "the form's ticket is too old (the board changed its keys since); reload the page and try again");
        }
        Span<byte> mac = stackalloc byte[MacLength];
        HMACSHA256.HashData(key.Secret, payload, mac);
        if (!CryptographicOperations.FixedTimeEquals(mac, data[^MacLength..]))
        {
            return TicketVerdict.Fail(TicketFailure.NotGenuine, notGenuine);
        }

        // Only signed bytes are parsed from here on.
        var at = 5 + IdBytes;
        var flags = payload[at + 24];
        var slugLength = payload[at + 29];
        if (payload.Length != fixedLength + slugLength)
        {
            return TicketVerdict.Fail(TicketFailure.NotGenuine, notGenuine);
        }
        var ticket = new PostingTicket(
            Convert.ToHexStringLower(payload.Slice(5, IdBytes)),
            Encoding.UTF8.GetString(payload[(at + 30)..]),
            (flags & FlagHasCircuit) != 0 ? BinaryPrimitives.ReadUInt32BigEndian(payload[(at + 25)..]) : null,
            DateTimeOffset.FromUnixTimeSeconds(BinaryPrimitives.ReadInt64BigEndian(payload[at..])),
            DateTimeOffset.FromUnixTimeSeconds(BinaryPrimitives.ReadInt64BigEndian(payload[(at + 8)..])),
            DateTimeOffset.FromUnixTimeSeconds(BinaryPrimitives.ReadInt64BigEndian(payload[(at + 16)..])),
            (flags & FlagReserved) != 0);
        if (now >= ticket.Expires)
        {
            return TicketVerdict.Fail(TicketFailure.Expired, "the form's ticket has expired; reload the page and post again", ticket);
        }
        return new TicketVerdict(ticket, TicketFailure.None, null);
    }

    /// <summary>
    /// All checks a submitted ticket goes through, in a fixed order so the person hears about the first
    /// thing to fix: genuine and unexpired (and for this board); same circuit; time lock passed, unless
    /// <paramref name="workSkipsLock"/> says enough extra work was paid; not already spent. Nothing is
    /// spent here: the caller marks the ticket spent once the post is admitted.
    /// </summary>
    public static TicketVerdict Verify(
        string? text,
        string boardSlug,
        uint? circuitId,
        DateTimeOffset now,
        TicketKeys keys,
        ISpentTickets spent,
        Func<PostingTicket, bool>? workSkipsLock = null)
    {
        ArgumentNullException.ThrowIfNull(spent);
        var read = Read(text, keys, now);
        if (!read.IsValid)
        {
            return read;
        }
        var ticket = read.Ticket!;
        if (!string.Equals(ticket.BoardSlug, boardSlug, StringComparison.Ordinal))
        {
            return TicketVerdict.Fail(TicketFailure.NotGenuine, "the form's ticket was issued for another board; reload the page and try again", ticket);
        }
        // A queued ticket already holds a counted slot and was charged to its circuit, so binding it
        // protects nothing, while a long wait in the queue may well outlast the person's circuit.
        if (!ticket.Reserved && ticket.CircuitId != circuitId)
        {
            // Tor Browser moves to a new circuit after about ten minutes or on "New circuit for this site".
            return TicketVerdict.Fail(TicketFailure.WrongCircuit,
                "the form's ticket was issued to a different tor circuit (did your circuit change?); submit the new form below", ticket);
        }
        if (now < ticket.ValidFrom && (ticket.Reserved || workSkipsLock is null || !workSkipsLock(ticket)))
        {
            var wait = (long)Math.Ceiling((ticket.ValidFrom - now).TotalSeconds);
            var reason = ticket.Reserved
                ? $"your post is queued: its turn comes in {wait} seconds, then press Post again"
                : $"too early: this form can be posted in {wait} seconds (or pay more work than required to skip the wait)";
            return TicketVerdict.Fail(TicketFailure.TimeLocked, reason, ticket, ticket.ValidFrom);
        }
        if (spent.IsSpent(ticket.Id, now))
        {
            return TicketVerdict.Fail(TicketFailure.AlreadySpent, "this form was already posted", ticket);
        }
        return new TicketVerdict(ticket, TicketFailure.None, null);
    }
}
