namespace AnonymousBoard.Hosting;

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

    /// <summary>Argon2id derivations (secure tripcodes, passphrase keys) allowed per minute, board-wide.</summary>
    public int KeyDerivationsPerMinute { get; set; } = 60;

    public string DatabasePath => Path.Combine(DataDirectory, "board.db");
}
