using System.Globalization;

namespace AnonymousBoard.Identity;

/// <summary>
/// The command-line side of pseudonyms: make a key, sign a post offline, check a signature,
/// and show which pseudonym a passphrase gives. Exit codes: 0 success, 1 failure, 2 usage.
/// </summary>
public static class IdentityCommands
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int UsageError = 2;

    public const string DefaultKeyFile = "anonboard_ed25519";
    private const string KeyComment = "anonboard";

    private const string UsageText = """
        Usage:
          keygen [--out FILE]
              Write a new Ed25519 key to FILE (default anonboard_ed25519) and FILE.pub, in OpenSSH format.
          message --board B --thread N|new [--subject S] POST.txt
              Print the exact text a signature covers, e.g. to sign it with ssh-keygen -Y sign -n anonboard.
          sign --board B --thread N|new [--subject S] --key FILE POST.txt
              Print the signature to paste into the post form.
          verify --board B --thread N|new [--subject S] --signature FILE POST.txt
              Check a signature and print the signer's fingerprint.
          derive
              Read a passphrase from standard input; print its fingerprint and ssh-ed25519 public key.
        """;

    // What each subcommand accepts: required options, optional options, and how many file arguments.
    private static readonly Dictionary<string, Syntax> Syntaxes = new(StringComparer.Ordinal)
    {
        ["keygen"] = new([], ["--out"], 0),
        ["message"] = new(["--board", "--thread"], ["--subject"], 1),
        ["sign"] = new(["--board", "--thread", "--key"], ["--subject"], 1),
        ["verify"] = new(["--board", "--thread", "--signature"], ["--subject"], 1),
        ["derive"] = new([], [], 0),
    };

    /// <summary>The subcommands handled here, for the program's own dispatcher.</summary>
    public static IReadOnlyCollection<string> Names => Syntaxes.Keys;

    /// <param name="args">The subcommand name followed by its arguments.</param>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, TextReader stdin)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        ArgumentNullException.ThrowIfNull(stdin);
        if (args.Length == 0 || !Syntaxes.TryGetValue(args[0], out Syntax? syntax))
        {
            stderr.Write(UsageText);
            return UsageError;
        }
        string command = args[0];
        Arguments parsed = ParseArguments(args[1..], syntax);
        if (parsed.Error is not null)
        {
            stderr.WriteLine(parsed.Error);
            stderr.Write(UsageText);
            return UsageError;
        }
        try
        {
            return command switch
            {
                "keygen" => Keygen(parsed.Options.GetValueOrDefault("--out", DefaultKeyFile), stdout, stderr),
                "derive" => Derive(stdout, stderr, stdin),
                _ => WithPost(command, parsed, stdout, stderr),
            };
        }
        catch (FileNotFoundException e)
        {
            stderr.WriteLine($"No such file: {e.FileName}");
            return Failure;
        }
        catch (DirectoryNotFoundException e)
        {
            stderr.WriteLine($"No such file or directory: {e.Message}");
            return Failure;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine(e.Message);
            return Failure;
        }
    }

    private static int Keygen(string path, TextWriter stdout, TextWriter stderr)
    {
        string publicPath = path + ".pub";
        foreach (string existing in new[] { path, publicPath }.Where(File.Exists))
        {
            stderr.WriteLine($"{existing} already exists; not overwriting it.");
            return Failure;
        }
        using Ed25519KeyPair key = Ed25519KeyPair.Generate();
        WriteNewFile(path, OpenSshKeys.FormatPrivateKey(key, KeyComment), ownerOnly: true);
        WriteNewFile(publicPath, OpenSshKeys.FormatPublicKey(key.PublicKey, KeyComment) + "\n", ownerOnly: false);
        stdout.WriteLine($"Wrote {path} (keep it secret) and {publicPath}.");
        stdout.WriteLine($"Fingerprint: {Fingerprint.Of(key.PublicKey)}");
        stdout.WriteLine("To check signatures with ssh-keygen -Y verify, put this line in an allowed_signers file:");
        stdout.WriteLine(OpenSshKeys.FormatAllowedSigner(KeyComment, key.PublicKey));
        return Success;
    }

    private static int Derive(TextWriter stdout, TextWriter stderr, TextReader stdin)
    {
        string? passphrase = stdin.ReadLine();
        if (string.IsNullOrEmpty(passphrase))
        {
            stderr.WriteLine("No passphrase on standard input.");
            return Failure;
        }
        if (PseudonymKey.PassphraseProblem(passphrase) is { } problem)
        {
            stderr.WriteLine(problem);
            return Failure;
        }
        using Ed25519KeyPair key = PseudonymKey.Derive(passphrase);
        stdout.WriteLine(Fingerprint.Of(key.PublicKey));
        stdout.WriteLine(OpenSshKeys.FormatPublicKey(key.PublicKey, KeyComment));
        return Success;
    }

    // message, sign and verify: all work on the canonical message of one post.
    private static int WithPost(string command, Arguments parsed, TextWriter stdout, TextWriter stderr)
    {
        string subject = parsed.Options.GetValueOrDefault("--subject", "");
        long? thread = parsed.Thread;
        string board = parsed.Options["--board"];
        string body = File.ReadAllText(parsed.Positionals[0]);
        if (command == "message")
        {
            stdout.Write(SignedMessage.Build(board, thread, subject, body));
            return Success;
        }
        byte[] message = SignedMessage.BuildBytes(board, thread, subject, body);
        if (command == "sign")
        {
            if (!OpenSshKeys.TryReadPrivateKey(File.ReadAllText(parsed.Options["--key"]), out Ed25519KeyPair? key, out string? error))
            {
                stderr.WriteLine(error);
                return Failure;
            }
            using (key)
            {
                stdout.Write(SshSignature.Sign(key, message));
            }
            return Success;
        }
        SignatureCheck check = SshSignature.Verify(File.ReadAllText(parsed.Options["--signature"]), message);
        if (!check.IsValid)
        {
            stderr.WriteLine(check.Reason);
            return Failure;
        }
        stdout.WriteLine(Fingerprint.Of(check.PublicKey));
        return Success;
    }

    private static void WriteNewFile(string path, string text, bool ownerOnly)
    {
        // CreateNew: refuses to replace a file that appeared since the existence check.
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (ownerOnly && !OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using var writer = new StreamWriter(path, System.Text.Encoding.ASCII, options);
        writer.Write(text);
    }

    private sealed record Syntax(string[] Required, string[] Optional, int FileCount);

    private sealed record Arguments(Dictionary<string, string> Options, List<string> Positionals, long? Thread, string? Error);

    private static Arguments ParseArguments(string[] args, Syntax syntax)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        var positionals = new List<string>();
        Arguments Fail(string error) => new(options, positionals, null, error);

        for (int i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                positionals.Add(args[i]);
                continue;
            }
            bool known = syntax.Required.Contains(args[i]) || syntax.Optional.Contains(args[i]);
            if (!known || i + 1 >= args.Length || options.ContainsKey(args[i]))
            {
                return Fail($"Unknown, repeated or incomplete option: {args[i]}");
            }
            options[args[i]] = args[++i];
        }
        if (positionals.Count != syntax.FileCount)
        {
            return Fail(syntax.FileCount == 0 ? $"Unexpected argument: {positionals[0]}" : "Give exactly one post file.");
        }
        if (syntax.Required.FirstOrDefault(name => !options.ContainsKey(name)) is { } missing)
        {
            return Fail($"Missing {missing}.");
        }
        if (options.TryGetValue("--board", out string? board) && string.IsNullOrWhiteSpace(board))
        {
            return Fail("--board needs a board name.");
        }
        long? thread = null;
        if (options.TryGetValue("--thread", out string? threadText) && threadText != "new")
        {
            if (!long.TryParse(threadText, NumberStyles.None, CultureInfo.InvariantCulture, out long number) || number <= 0)
            {
                return Fail($"--thread takes a thread number or \"new\", not \"{threadText}\".");
            }
            thread = number;
        }
        return new Arguments(options, positionals, thread, null);
    }
}
