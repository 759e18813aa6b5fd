namespace AnonymousBoard.Settings;

/// <summary>
/// What a subcommand gets: the board's options, the three standard streams, and the board's services
/// (composed by Hosting, which knows every feature, so a feature's command does not depend on it).
/// </summary>
public sealed record CommandContext(BoardOptions Options, TextWriter Out, TextWriter Error, TextReader In, Func<IServiceProvider> Compose)
{
    private IServiceProvider? _services;

    /// <summary>The board's storage and features, composed by the host on first use.</summary>
    public IServiceProvider Services => _services ??= Compose();

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>Prints a usage error and returns the exit code for it.</summary>
    public int Usage(string message)
    {
        Error.WriteLine($"error: {message}");
        return 2;
    }

    public int Fail(string message)
    {
        Error.WriteLine($"error: {message}");
        return 1;
    }
}
