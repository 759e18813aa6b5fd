using AnonymousBoard.Boards;
using AnonymousBoard.Settings;

namespace AnonymousBoard.Moderation;

/// <summary><c>staff add NAME --role ROLE --password-stdin | list | remove NAME | passwd NAME --password-stdin</c></summary>
public static class StaffCommand
{
    private const string Help = """
        Usage:
          staff add NAME --role admin|moderator|janitor --password-stdin [--handle HANDLE] [--global] [--boards b,tech]
          staff list
          staff remove NAME
          staff passwd NAME --password-stdin
        NAME is what the member signs in with (a-z, 0-9, '_', '.', '-'); HANDLE is what the public
        moderation log shows (default "staff-N", so the sign-in name stays private). A moderator or
        janitor acts on the boards listed with --boards, or on every board with --global.
        The password is read from the first line of standard input, e.g.
          printf '%s\n' "$PASSWORD" | AnonymousBoard staff add alice --role admin --password-stdin
        """;

    public static int Run(CommandContext context, string[] args)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length == 0)
        {
            return context.Usage("staff needs a subcommand.\n" + Help);
        }
        return args[0] switch
        {
            "add" => Add(context, args[1..]),
            "list" => List(context),
            "remove" => Remove(context, args[1..]),
            "passwd" => Passwd(context, args[1..]),
            "help" or "--help" => Print(context, Help),
            _ => context.Usage($"unknown staff subcommand \"{args[0]}\".\n" + Help),
        };
    }

    private static int Print(CommandContext context, string text)
    {
        context.Out.WriteLine(text);
        return 0;
    }

    private static readonly LogDraft Operator = new("operator", "", "from the command line");

    private static int Add(CommandContext context, string[] args)
    {
        if (args.Length == 0 || args[0].StartsWith("--", StringComparison.Ordinal))
        {
            return context.Usage("staff add needs a name, e.g. staff add alice --role admin --password-stdin.");
        }
        var name = args[0];
        string? role = null, handle = null, boards = null;
        bool global = false, stdin = false;
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--role" when i + 1 < args.Length: role = args[++i]; break;
                case "--handle" when i + 1 < args.Length: handle = args[++i]; break;
                case "--boards" when i + 1 < args.Length: boards = args[++i]; break;
                case "--global": global = true; break;
                case "--password-stdin": stdin = true; break;
                default: return context.Usage($"unknown or incomplete option {args[i]}.\n" + Help);
            }
        }
        if (Permissions.Parse(role) is not { } parsedRole)
        {
            return context.Usage("--role is admin, moderator or janitor.");
        }
        if (!stdin)
        {
            // Never on the command line, where other users and the shell history would see it.
            return context.Usage("give the password on standard input with --password-stdin.");
        }
        if ((StaffRules.CheckName(name) ?? (handle is null ? null : StaffRules.CheckHandle(handle))) is { } invalid)
        {
            return context.Fail(invalid);
        }
        var password = ReadPassword(context);
        if (StaffRules.CheckPassword(password) is { } weak)
        {
            return context.Fail(weak);
        }
        var boardStore = context.Get<BoardDirectory>();
        var ids = new List<long>();
        foreach (var slug in (boards ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (boardStore.Find(slug) is not { } board)
            {
                return context.Fail($"there is no board named \"{slug}\".");
            }
            ids.Add(board.Id);
        }
        var member = context.Get<StaffAccounts>().Add(new NewStaff(name, handle?.Trim(), parsedRole, global, ids, StaffPasswords.Hash(password)),
            Operator with { Action = "add staff" });
        if (member is null)
        {
            return context.Fail($"the name \"{name}\" or that handle is already taken.");
        }
        context.Out.WriteLine($"Added {name} as {Permissions.Name(parsedRole)}; the log shows them as \"{member.Handle}\".");
        return 0;
    }

    private static int List(CommandContext context)
    {
        var staff = context.Get<StaffAccounts>();
        var boards = context.Get<BoardDirectory>().All.ToDictionary(b => b.Id, b => b.Slug);
        context.Out.WriteLine("name\thandle\trole\tboards");
        foreach (var m in staff.List())
        {
            var scope = m.Role == StaffRole.Admin || m.Global ? "all" : string.Join(',', m.BoardIds.Select(id => boards.GetValueOrDefault(id, "?")));
            context.Out.WriteLine($"{m.Name}\t{m.Handle}\t{Permissions.Name(m.Role)}\t{scope}");
        }
        return 0;
    }

    private static int Remove(CommandContext context, string[] args)
    {
        if (args.Length != 1)
        {
            return context.Usage("staff remove needs exactly one name.");
        }
        if (!context.Get<StaffAccounts>().Remove(args[0], Operator with { Action = "remove staff" }))
        {
            return context.Fail($"there is no staff member named \"{args[0]}\".");
        }
        context.Out.WriteLine($"Removed {args[0]}; their sessions are over.");
        return 0;
    }

    private static int Passwd(CommandContext context, string[] args)
    {
        if (args.Length != 2 || args[1] != "--password-stdin")
        {
            return context.Usage("staff passwd NAME --password-stdin");
        }
        var password = ReadPassword(context);
        if (StaffRules.CheckPassword(password) is { } weak)
        {
            return context.Fail(weak);
        }
        if (!context.Get<StaffAccounts>().SetPassword(args[0], StaffPasswords.Hash(password), Operator with { Action = "change staff password" }))
        {
            return context.Fail($"there is no staff member named \"{args[0]}\".");
        }
        context.Out.WriteLine($"Changed the password of {args[0]}; their sessions are over.");
        return 0;
    }

    private static string ReadPassword(CommandContext context) => (context.In.ReadLine() ?? "").TrimEnd('\r');
}
