using AnonymousBoard.Settings;
using AnonymousBoard.Storage.Sqlite;
using AnonymousBoard.Boards;
using AnonymousBoard.Storage;
using AnonymousBoard.Identity;
using AnonymousBoard.Moderation;

namespace AnonymousBoard.Hosting;

/// <summary>The command-line subcommands, dispatched by their first word.</summary>
public static class Commands
{
    private static readonly Dictionary<string, Func<CommandContext, string[], int>> All = new(StringComparer.Ordinal)
    {
        ["boards"] = BoardsCommand.Run,
        ["files"] = Media.FilesCommand.Run,
        ["pow"] = Gate.PowCommand.Run,
        ["staff"] = AnonymousBoard.Moderation.StaffCommand.Run,
        ["modlog"] = AnonymousBoard.Moderation.ModLogCommand.Run,
        ["backup"] = BackupCommand.Backup,
        ["restore"] = BackupCommand.Restore,
        ["migrate"] = Storage.Postgres.MigrateCommand.Run,
    };

    public static bool IsCommand(string[] args) =>
        args.Length > 0 && (All.ContainsKey(args[0]) || IdentityCommands.Names.Contains(args[0]) || args[0] is "help" or "--help" or "-h");

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, TextReader stdin)
    {
        // keygen, message, sign, verify, derive: a poster's tools, which need no board.
        if (IdentityCommands.Names.Contains(args[0]))
        {
            return IdentityCommands.Run(args, stdout, stderr, stdin);
        }
        if (!All.TryGetValue(args[0], out var command))
        {
            stdout.WriteLine("Usage: AnonymousBoard [--urls URL] [--Board:DataDirectory=DIR]   run the board");
            stdout.WriteLine("       AnonymousBoard " + string.Join(" | ", All.Keys) + " ...        operator commands");
            stdout.WriteLine("       AnonymousBoard " + string.Join(" | ", IdentityCommands.Names) + " ...   signing tools for posters");
            return 0;
        }
        // Configuration options (--Board:DataDirectory=...) may stand anywhere; the rest are the command's own.
        var settings = args.Where(a => a.StartsWith("--Board:", StringComparison.OrdinalIgnoreCase)).ToArray();
        // Not Except(): that is a set operation and would drop a repeated word ("staff add jan --handle jan").
        var rest = args.Skip(1).Where(a => !settings.Contains(a)).ToArray();
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(settings)
            .Build();
        var options = configuration.GetSection(BoardOptions.Section).Get<BoardOptions>() ?? new BoardOptions();
        var context = new CommandContext(options, stdout, stderr, stdin, () =>
        {
            // The board's storage and features, composed as the web board composes them; the data
            // directory and schema are made on first use.
            Directory.CreateDirectory(options.DataDirectory);
            var services = new ServiceCollection().AddBoardStorage(options).BuildServiceProvider();
            services.GetRequiredService<IStorage>().Migrate();
            return services;
        });
        try
        {
            return command(context, rest);
        }
        catch (StorageException e)
        {
            stderr.WriteLine($"error: {(options.OnPostgres ? "the PostgreSQL database" : options.DatabasePath)}: {e.Message}");
            return 1;
        }
        catch (InvalidOperationException e)
        {
            // A damaged key file, for instance: the message says which and what to do.
            stderr.WriteLine($"error: {e.Message}");
            return 1;
        }
    }
}
