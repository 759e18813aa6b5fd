namespace AnonymousBoard.Benchmarks;

/// <summary>Summaries of repeated runs.</summary>
public static class Stats
{
    /// <summary>The middle value (the mean of the two middle ones for an even count): one disturbed round does not move it.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN
            : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>Prints one line of a run's checks ("ok" or "FAIL", what, the figure); returns <paramref name="ok"/>.</summary>
    public static bool Check(string what, bool ok, string figure)
    {
        Console.WriteLine($"  {(ok ? "ok  " : "FAIL")}  {what}{(figure.Length > 0 ? ": " + figure : "")}");
        return ok;
    }
}
