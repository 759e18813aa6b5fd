using System.Globalization;

namespace AnonymousBoard.Benchmarks;

/// <summary>What the whole machine is doing, to tell how much of it other processes took during a run.</summary>
public static class Machine
{
    private const double TicksPerSecond = 100; // USER_HZ of /proc, the same on every Linux that .NET runs on

    /// <summary>Time all cores spent busy (not idle or waiting for I/O) since boot, from /proc/stat; null elsewhere.</summary>
    public static TimeSpan? Busy()
    {
        if (!File.Exists("/proc/stat"))
        {
            return null;
        }
        // "cpu  user nice system idle iowait irq softirq steal ...", in clock ticks.
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        long Field(int i) => long.Parse(fields[i], CultureInfo.InvariantCulture);
        var busy = Field(1) + Field(2) + Field(3) + Field(6) + Field(7) + Field(8);
        return TimeSpan.FromSeconds(busy / TicksPerSecond);
    }

    /// <summary>CPU time of this process's finished child processes (wrk), from /proc/self/stat; null elsewhere.</summary>
    public static TimeSpan? ChildrenCpu()
    {
        if (!File.Exists("/proc/self/stat"))
        {
            return null;
        }
        // Fields after the command name: state is field 3, cutime and cstime are fields 16 and 17, in clock ticks.
        var stat = File.ReadAllText("/proc/self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[16 - 3], CultureInfo.InvariantCulture) + long.Parse(fields[17 - 3], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }

    /// <summary>The load averages as uptime prints them (1, 5 and 15 minutes); "?" elsewhere.</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(", ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";
}
