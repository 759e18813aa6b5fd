namespace AnonymousBoard.Settings;

/// <summary>The "Board" configuration section (appsettings.json, Board__X variables, --Board:X=...).</summary>
public sealed class BoardOptions
{
    public const string Section = "Board";

    /// <summary>Where the database and the board's secrets live; relative to the working directory.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>Also (or only) listen on this unix socket: what an onion service should point at.</summary>
    public string? UnixSocket { get; set; }

    /// <summary>Listening on a non-loopback address can reveal where an onion service is hosted.</summary>
    public bool AllowPublicListen { get; set; }

    /// <summary>An identical post within this many seconds is taken for a resubmit.</summary>
    public int DuplicateWindowSeconds { get; set; } = 120;

    /// <summary>
    /// How much prepared HTML, JSON and feeds the page cache may hold; past it the pages read least recently go. 24: a
    /// board's hot pages (its index pages, the live threads being read) fit, and the process stays under 200 MB
    /// however large the board (README, "Size benchmark", fourth pass).
    /// </summary>
    public int PageCacheMegabytes { get; set; } = 24;

    /// <summary>The "Board:Images" settings: how many images are processed at once, how many wait.</summary>
    public ImageOptions Images { get; set; } = new();

    /// <summary>Argon2id derivations (secure tripcodes, passphrase keys) allowed per minute, board-wide.</summary>
    public int KeyDerivationsPerMinute { get; set; } = 60;

    /// <summary>The anti-flood gate: tickets, time locks, proof of work, budgets.</summary>
    public GateSettings Gate { get; set; } = new();

    public string DatabasePath => Path.Combine(DataDirectory, "board.db");

    /// <summary>
    /// Unset: the SQLite file in the data directory. A PostgreSQL connection string in Npgsql's form
    /// (e.g. "Host=/run/postgresql;Database=board;Username=board"): every feature on PostgreSQL, which
    /// several instances of the board may share (README, "More than one machine").
    /// </summary>
    public string? Database { get; set; }

    public bool OnPostgres => !string.IsNullOrWhiteSpace(Database);

    /// <summary>
    /// The address readers reach the board at (its onion address, say "http://abc….onion"), for the
    /// Atom feeds only: their links are resolved against it and their ids name its host. Unset, feeds
    /// carry links relative to wherever the reader fetched them, as the pages do.
    /// </summary>
    public string? PublicAddress { get; set; }

    /// <summary>The "Board:Moderation" settings: staff pages, sessions, sign-in limits.</summary>
    public ModerationOptions Moderation { get; set; } = new();

    /// <summary>The "Board:Limits" settings: how many connections, how slow a client may be.</summary>
    public RequestLimitOptions Limits { get; set; } = new();

    /// <summary>The "Board:Search" settings: how much of the machine searching may take (Search/SearchAdmission.cs).</summary>
    public SearchOptions Search { get; set; } = new();
}

/// <summary>
/// Searching's share of the machine. The defaults keep the other pages at 0.8 or more of their
/// throughput while a burst of the most expensive searches runs (the benchmark's "reading" run), and a
/// search now and then never waits.
/// </summary>
public sealed class SearchOptions
{
    /// <summary>Searches running at once; 0 is half the cores (at least one).</summary>
    public int Concurrent { get; set; }

    /// <summary>The share of all the cores' time searches may take, averaged over a few seconds.</summary>
    public double Share { get; set; } = 0.1;

    /// <summary>Query time searches may take at once before the share holds them back: one query's budget.</summary>
    public int BurstMilliseconds { get; set; } = 300;

    /// <summary>How long a search waits for its turn before it is refused with "search is busy".</summary>
    public int WaitMilliseconds { get; set; } = 1000;

    public int EffectiveConcurrent => Concurrent > 0 ? Concurrent : Math.Max(1, Environment.ProcessorCount / 2);
}

/// <summary>
/// What Kestrel allows a client; see <see cref="RequestLimits"/> for why each default is what it is.
/// The sizes of posts are per board (its image and comment limits), not here.
/// </summary>
public sealed class RequestLimitOptions
{
    /// <summary>Connections open at once; past it new ones are refused until some close.</summary>
    public int MaxConnections { get; set; } = 1000;

    /// <summary>Time a client has to send the request line and headers (slowloris).</summary>
    public int RequestHeadersTimeoutSeconds { get; set; } = 20;

    /// <summary>The slowest request body the board waits for, averaged once the grace period is over.</summary>
    public int MinBodyBytesPerSecond { get; set; } = 240;

    public int MinBodyGraceSeconds { get; set; } = 10;
}

public sealed class ModerationOptions
{
    /// <summary>Where the staff pages live; one path segment, e.g. "/mod" or "/staff-7f3a".</summary>
    public string Path { get; set; } = "/mod";

    /// <summary>A staff session not used for this long is over.</summary>
    public int SessionIdleMinutes { get; set; } = 30;

    /// <summary>A staff session ends this long after sign-in however busy it is.</summary>
    public int SessionMaxHours { get; set; } = 12;

    /// <summary>Failed sign-ins one account name may have in the window before it is refused.</summary>
    public int SignInFailuresPerAccount { get; set; } = 5;

    /// <summary>Failed sign-ins the whole board may have in the window before every sign-in waits.</summary>
    public int SignInFailuresGlobal { get; set; } = 20;

    public int SignInWindowMinutes { get; set; } = 15;

    /// <summary>How long a post's circuit id is kept for circuit bans and "delete everything by circuit".</summary>
    public int CircuitRetentionHours { get; set; } = 6;
}

/// <summary>Image workers: each image is decoded in a process of its own (see Media/VipsRunner.cs).</summary>
public sealed class ImageOptions
{
    /// <summary>Images processed at once, each by its own worker; 0 is one per core.</summary>
    public int Workers { get; set; }

    /// <summary>Image posts that may wait for a worker; past that a poster is asked to try again in a moment.</summary>
    public int Queue { get; set; } = 16;

    public int EffectiveWorkers => Workers > 0 ? Workers : Environment.ProcessorCount;
}
