using System.Globalization;
using AnonymousBoard.Settings;
using AnonymousBoard.Storage;

namespace AnonymousBoard.Media;

/// <summary><c>files import-bans FILE [--reason TEXT]</c>: known-bad image hashes, one SHA-256 (hex) a line.</summary>
public static class FilesCommand
{
    private const string Help = """
        Usage:
          files import-bans FILE [--reason TEXT]
        FILE has one SHA-256 hash (64 hex digits) a line; blank lines and lines starting with # are skipped.
        An upload is refused when the hash of what was sent, or of the re-encoded image, is on the list.
        """;

    public static int Run(CommandContext context, string[] args)
    {
        if (args is not ["import-bans", var path, .. var rest])
        {
            return context.Usage("files needs a subcommand.\n" + Help);
        }
        var reason = rest is ["--reason", var r] ? r : rest.Length == 0 ? "imported list" : null;
        if (reason is null)
        {
            return context.Usage("unknown options.\n" + Help);
        }
        if (!File.Exists(path))
        {
            return context.Fail($"there is no file {path}.");
        }
        var list = FileBans.Parse(File.ReadAllText(path));
        if (list.Errors.Count > 0)
        {
            foreach (var error in list.Errors)
            {
                context.Error.WriteLine($"error: {path}: {error}");
            }
            return context.Fail("nothing was imported; fix the lines above.");
        }
        int added;
        using (var work = context.Get<IStorage>().Write())
        {
            added = context.Get<IMediaStore>().AddBans(work, list.Hashes, reason, DateTimeOffset.UtcNow);
            work.Commit();
        }
        context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Imported {list.Hashes.Count} hashes, {added} new."));
        return 0;
    }
}
