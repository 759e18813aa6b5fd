using System.Globalization;

namespace AnonymousBoard.Benchmarks;

/// <summary>The engines benchmark's options; the defaults fit one run in about ten minutes on two shared cores.</summary>
internal sealed record EnginesOptions(int Rounds, int DurationSeconds, int WarmupSeconds, int Posters, bool Profile)
{
    public const string Usage = """
        Usage: dotnet run -c Release --project tests/AnonymousBoard.Benchmarks -- engines [options]
          --rounds N       interleaved rounds (SQLite, PostgreSQL, two instances, ...) (default 3)
          --duration S     seconds of each posting run and each read run (default 5)
          --warmup S       seconds of warm-up per URL and per board before measuring (default 2)
          --posters N      concurrent posters (default 16)
          --no-profile     skip the perf profile of where the posting time goes
        """;

    public static bool TryParse(string[] args, out EnginesOptions options)
    {
        options = new EnginesOptions(3, 5, 2, 16, true);
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--no-profile")
            {
                options = options with { Profile = false };
                continue;
            }
            if (i + 1 >= args.Length || !int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)
            {
                return false;
            }
            switch (args[i++])
            {
                case "--rounds": options = options with { Rounds = n }; break;
                case "--duration": options = options with { DurationSeconds = n }; break;
                case "--warmup": options = options with { WarmupSeconds = n }; break;
                case "--posters": options = options with { Posters = n }; break;
                default: return false;
            }
        }
        return true;
    }
}
