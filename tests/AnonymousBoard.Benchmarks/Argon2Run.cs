using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.Loader;
using AnonymousBoard.Identity;
using AnonymousBoard.Moderation;

namespace AnonymousBoard.Benchmarks;

/// <summary>
/// "argon2": the Argon2id cost of the board's three uses (passphrase key, secure tripcode, staff
/// password), this build (NSec over its bundled libsodium) against an older build of the board
/// (AnonymousBoard.dll from before the move, calling Debian's libsodium23 through P/Invoke), loaded
/// into this process. Rounds alternate which goes first; the medians and their ratio are printed.
/// Each pair of calls must also give the same key and tripcode, or the run fails.
/// </summary>
public static class Argon2Run
{
    private const string Usage = "usage: AnonymousBoard.Benchmarks argon2 --before PATH/AnonymousBoard.dll [--rounds N]";

    public static int Run(string[] args)
    {
        string? before = null;
        int rounds = 9;
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--before": before = args[i + 1]; break;
                case "--rounds": rounds = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                default: Console.Error.WriteLine(Usage); return 2;
            }
        }
        if (before is null || args.Length % 2 != 0 || !File.Exists(before) || rounds < 1)
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }

        var old = new OldBoard(Path.GetFullPath(before));
        string data = Directory.CreateTempSubdirectory("anonboard-argon2-").FullName;
        try
        {
            const string Passphrase = "correct horse battery staple";
            const string Password = "a staff member's password";
            var tripcode = SecureTripcode.Open(data);
            object oldTripcode = old.OpenTripcode(data);
            // One stored string for both to verify: made by the old build, as existing databases hold them.
            string stored = old.HashStaffPassword(Password);

            var operations = new (string Name, string Cost, Func<string> After, Func<string> Before)[]
            {
                ("passphrase key", "PseudonymKey.Derive, t=3, 64 MiB", () => DeriveAfter(Passphrase), () => old.Derive(Passphrase)),
                ("secure tripcode", "SecureTripcode.Compute, t=2, 32 MiB", () => tripcode.Compute(Password), () => old.Tripcode(oldTripcode, Password)),
                ("staff password", "StaffPasswords.Verify, t=2, 64 MiB", () => StaffPasswords.Verify(stored, Password).ToString(), () => old.VerifyStaff(stored, Password).ToString()),
            };

            Console.WriteLine("AnonymousBoard Argon2id cost, before (P/Invoke to the system libsodium) and after (NSec, bundled libsodium)");
            Console.WriteLine(Invariant($"Machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}; before = {before}"));
            Console.WriteLine(Invariant($"{rounds} rounds, each operation once per build per round, the first build alternating; one warm-up call each."));
            var busyAtStart = Machine.Busy();
            var clock = Stopwatch.StartNew();
            int failures = 0;
            foreach (var op in operations)
            {
                // Warm-up (JIT, the first libsodium call, first-touch of the memory), and the cross-check.
                string a = op.After(), b = op.Before();
                if (a != b)
                {
                    Console.WriteLine($"  {op.Name}: the builds disagree ({a} after, {b} before)");
                    failures++;
                }
            }
            var times = operations.ToDictionary(op => op.Name, _ => (After: new List<double>(), Before: new List<double>()));
            for (int round = 0; round < rounds; round++)
            {
                foreach (var op in operations)
                {
                    var (afterTimes, beforeTimes) = times[op.Name];
                    if (round % 2 == 0)
                    {
                        beforeTimes.Add(Time(op.Before));
                        afterTimes.Add(Time(op.After));
                    }
                    else
                    {
                        afterTimes.Add(Time(op.After));
                        beforeTimes.Add(Time(op.Before));
                    }
                }
            }
            Console.WriteLine();
            Console.WriteLine("  operation         cost                                  before ms (median, min-max)   after ms (median, min-max)   after/before");
            foreach (var op in operations)
            {
                var (afterTimes, beforeTimes) = times[op.Name];
                double ratio = Median(afterTimes) / Median(beforeTimes);
                Console.WriteLine(Invariant($"  {op.Name,-17} {op.Cost,-37} {Median(beforeTimes),7:0.0} ({beforeTimes.Min(),6:0.0}-{beforeTimes.Max(),6:0.0})       {Median(afterTimes),7:0.0} ({afterTimes.Min(),6:0.0}-{afterTimes.Max(),6:0.0})      {ratio:0.00}"));
            }
            foreach (string library in MappedLibsodium())
            {
                // Both must be there: the old build's system library and NSec's own.
                Console.WriteLine($"libsodium mapped: {library}");
            }
            if (busyAtStart is { } start && Machine.Busy() is { } end)
            {
                // This run uses one core; the rest of the machine's busy time was someone else's.
                Console.WriteLine(Invariant($"Machine busy {(end - start).TotalSeconds / clock.Elapsed.TotalSeconds:0.00} of {Environment.ProcessorCount} cores over {clock.Elapsed.TotalSeconds:0} s (this run: one)."));
            }
            return failures == 0 ? 0 : 1;
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private static string DeriveAfter(string passphrase)
    {
        using Ed25519KeyPair key = PseudonymKey.Derive(passphrase);
        return Convert.ToHexStringLower(key.PublicKey);
    }

    private static double Time(Func<string> operation)
    {
        long start = Stopwatch.GetTimestamp();
        operation();
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static IEnumerable<string> MappedLibsodium() => File.Exists("/proc/self/maps")
        ? File.ReadLines("/proc/self/maps").Select(line => line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length == 6 && f[5].Contains("libsodium", StringComparison.Ordinal)).Select(f => f[5].Trim()).Distinct()
        : [];

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>The older build's public API, called by reflection: same names, its own load context.</summary>
    private sealed class OldBoard
    {
        private readonly Type _pseudonymKey;
        private readonly Type _secureTripcode;
        private readonly Type _staffPasswords;

        public OldBoard(string path)
        {
            Assembly assembly = new OldContext(path).LoadFromAssemblyPath(path);
            _pseudonymKey = assembly.GetType("AnonymousBoard.Identity.PseudonymKey", throwOnError: true)!;
            _secureTripcode = assembly.GetType("AnonymousBoard.Identity.SecureTripcode", throwOnError: true)!;
            _staffPasswords = assembly.GetType("AnonymousBoard.Moderation.StaffPasswords", throwOnError: true)!;
        }

        public string Derive(string passphrase)
        {
            using var key = (IDisposable)Call(_pseudonymKey, "Derive", null, passphrase);
            return Convert.ToHexStringLower((byte[])key.GetType().GetProperty("PublicKey")!.GetValue(key)!);
        }

        public object OpenTripcode(string data) => Call(_secureTripcode, "Open", null, data);

        public string Tripcode(object tripcode, string password) => (string)Call(_secureTripcode, "Compute", tripcode, password);

        public string HashStaffPassword(string password) => (string)Call(_staffPasswords, "Hash", null, password);

        public bool VerifyStaff(string stored, string password) => (bool)Call(_staffPasswords, "Verify", null, stored, password);

        private static object Call(Type type, string name, object? target, params object?[] args) =>
            type.GetMethod(name, BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance)!.Invoke(target, args)!;
    }

    /// <summary>Resolves the older build's own dependencies from its folder; the framework comes from this process.</summary>
    private sealed class OldContext(string path) : AssemblyLoadContext("before")
    {
        private readonly AssemblyDependencyResolver _resolver = new(path);

        protected override Assembly? Load(AssemblyName assemblyName) =>
            _resolver.ResolveAssemblyToPath(assemblyName) is { } found ? LoadFromAssemblyPath(found) : null;

        protected override IntPtr LoadUnmanagedDll(string unmanagedDllName) =>
            _resolver.ResolveUnmanagedDllToPath(unmanagedDllName) is { } found ? LoadUnmanagedDllFromPath(found) : IntPtr.Zero;
    }
}
