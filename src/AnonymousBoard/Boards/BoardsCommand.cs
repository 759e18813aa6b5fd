using System.Globalization;
using AnonymousBoard.Settings;
using AnonymousBoard.Storage;

namespace AnonymousBoard.Boards;

/// <summary><c>boards list | create SLUG TITLE [options] | update SLUG [options]</c></summary>
public static class BoardsCommand
{
    private const string Help = """
        Usage:
          boards list
          boards create SLUG TITLE [options]
          boards update SLUG [--title TITLE] [options]
        Options:
          --description TEXT     shown under the board's title
          --bump-limit N         replies after which a thread stops bumping (default 300)
          --thread-cap N         live threads kept; older ones fall off (default 150)
          --threads-per-page N   threads on each index page (default 10)
          --previews N           last replies shown per thread on the index (default 5)
          --max-body N           characters in a comment (default 8000)
          --max-lines N          lines in a comment (default 150)
          --max-name N           characters in a name (default 64)
          --max-subject N        characters in a subject (default 120)
          --archive yes|no       keep threads that fall off, read-only, instead of deleting them
          --images yes|no        whether posts may carry an image (default yes)
          --image-required yes|no   a new thread must start with an image (default no)
          --max-image-bytes N    largest upload (default 8388608)
          --max-image-pixels N   largest picture, all frames together (default 40000000)
          --max-frames N         most frames in an animation (default 300)
        """;

    public static int Run(CommandContext context, string[] args)
    {
        if (args.Length == 0)
        {
            return context.Usage("boards needs a subcommand.\n" + Help);
        }
        return args[0] switch
        {
            "list" => List(context),
            "create" => Create(context, args[1..]),
            "update" => Update(context, args[1..]),
            "help" or "--help" => Print(context, Help),
            _ => context.Usage($"unknown boards subcommand \"{args[0]}\".\n" + Help),
        };
    }

    private static int Print(CommandContext context, string text)
    {
        context.Out.WriteLine(text);
        return 0;
    }

    private static int List(CommandContext context)
    {
        var boards = context.Get<BoardDirectory>().All;
        context.Out.WriteLine("slug\tposts\ttitle");
        foreach (var b in boards)
        {
            context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{b.Slug}\t{b.PostCount}\t{b.Title}"));
        }
        return 0;
    }

    private static int Create(CommandContext context, string[] args)
    {
        var positional = args.TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
        if (positional.Length != 2)
        {
            return context.Usage("boards create needs a name and a title, e.g. boards create tech \"Technology\".");
        }
        var (slug, title) = (positional[0], positional[1]);
        if (!TryParseOptions(args[2..], new BoardSettings(), out var parsed, out var error))
        {
            return context.Usage(error);
        }
        if ((BoardRules.CheckSlug(slug) ?? BoardRules.CheckTitle(title) ?? BoardRules.CheckDescription(parsed.Description ?? "")
             ?? BoardRules.CheckSettings(parsed.Settings)) is { } invalid)
        {
            return context.Fail(invalid);
        }
        using (var work = context.Get<IStorage>().Write())
        {
            if (!context.Get<BoardDirectory>().Create(work, slug, title.Trim(), parsed.Description ?? "", parsed.Settings))
            {
                return context.Fail($"a board named \"{slug}\" already exists.");
            }
            work.Commit();
        }
        context.Out.WriteLine($"Created /{slug}/ \"{title.Trim()}\".");
        return 0;
    }

    private static int Update(CommandContext context, string[] args)
    {
        if (args.Length == 0 || args[0].StartsWith("--", StringComparison.Ordinal))
        {
            return context.Usage("boards update needs the board's name, e.g. boards update tech --bump-limit 500.");
        }
        var boards = context.Get<BoardDirectory>();
        var board = boards.Find(args[0]);
        if (board is null)
        {
            return context.Fail($"there is no board named \"{args[0]}\".");
        }
        if (!TryParseOptions(args[1..], board.Settings, out var parsed, out var error))
        {
            return context.Usage(error);
        }
        var title = parsed.Title ?? board.Title;
        var description = parsed.Description ?? board.Description;
        if ((BoardRules.CheckTitle(title) ?? BoardRules.CheckDescription(description) ?? BoardRules.CheckSettings(parsed.Settings)) is { } invalid)
        {
            return context.Fail(invalid);
        }
        using (var work = context.Get<IStorage>().Write())
        {
            boards.Update(work, board.Slug, title.Trim(), description, parsed.Settings);
            work.Commit();
        }
        context.Out.WriteLine($"Updated /{board.Slug}/.");
        return 0;
    }

    private sealed record Parsed(string? Title, string? Description, BoardSettings Settings);

    private static bool TryParseOptions(string[] args, BoardSettings start, out Parsed parsed, out string error)
    {
        var settings = start;
        string? title = null, description = null;
        parsed = new Parsed(null, null, start);
        for (var i = 0; i < args.Length; i++)
        {
            var option = args[i];
            if (i + 1 >= args.Length)
            {
                error = $"{option} needs a value.";
                return false;
            }
            var value = args[++i];
            int Number() => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1;
            switch (option)
            {
                case "--title": title = value; break;
                case "--description": description = value; break;
                case "--bump-limit": settings = settings with { BumpLimit = Number() }; break;
                case "--thread-cap": settings = settings with { ThreadCap = Number() }; break;
                case "--threads-per-page": settings = settings with { ThreadsPerPage = Number() }; break;
                case "--previews": settings = settings with { PreviewsPerThread = Number() }; break;
                case "--max-body": settings = settings with { MaxBodyChars = Number() }; break;
                case "--max-lines": settings = settings with { MaxBodyLines = Number() }; break;
                case "--max-name": settings = settings with { MaxNameChars = Number() }; break;
                case "--max-subject": settings = settings with { MaxSubjectChars = Number() }; break;
                case "--max-image-bytes": settings = settings with { MaxImageBytes = Number() }; break;
                case "--max-image-pixels": settings = settings with { MaxImagePixels = long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var px) ? px : -1 }; break;
                case "--max-frames": settings = settings with { MaxImageFrames = Number() }; break;
                case "--archive" or "--images" or "--image-required" when value is not ("yes" or "no"):
                    error = $"{option} takes yes or no.";
                    return false;
                case "--archive": settings = settings with { ArchivePruned = value == "yes" }; break;
                case "--images": settings = settings with { ImagesAllowed = value == "yes" }; break;
                case "--image-required": settings = settings with { ImageRequiredForThreads = value == "yes" }; break;
                default: error = $"unknown option {option}.\n" + Help; return false;
            }
        }
        parsed = new Parsed(title, description, settings);
        error = "";
        return true;
    }
}
