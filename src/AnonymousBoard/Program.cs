using AnonymousBoard.Hosting;
using AnonymousBoard.Settings;

// One executable: with a subcommand it is the operator's command-line tool, without one the board.
// The image worker comes first and alone: the board starts it in a box, with nothing else loaded.
if (args is [AnonymousBoard.Media.ImageWorker.Command, ..])
{
    return AnonymousBoard.Media.ImageWorker.Run(args, Console.Error);
}
if (Commands.IsCommand(args))
{
    return Commands.Run(args, Console.Out, Console.Error, Console.In);
}
try
{
    var app = BoardHost.Build(args);
    await app.RunAsync();
    return 0;
}
catch (StartupException e)
{
    await Console.Error.WriteLineAsync($"AnonymousBoard cannot start: {e.Message}");
    return 1;
}
catch (IOException e) when (e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
{
    // Another board (or anything else) already listens there: a message, not a stack trace.
    await Console.Error.WriteLineAsync($"AnonymousBoard cannot start: {e.Message} Is another board already running?");
    return 1;
}
