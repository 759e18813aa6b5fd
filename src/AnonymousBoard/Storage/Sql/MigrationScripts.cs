using System.Globalization;

namespace AnonymousBoard.Storage.Sql;

/// <summary>An engine's numbered migration scripts, embedded beside it ("0001_initial.sql", …), in order.</summary>
internal static class MigrationScripts
{
    /// <param name="prefix">The resource names' namespace part, e.g. "AnonymousBoard.Storage.Sqlite.Migrations.".</param>
    public static IEnumerable<(int Version, string Sql)> Embedded(string prefix)
    {
        var assembly = typeof(MigrationScripts).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n => (Version: int.Parse(n.AsSpan(prefix.Length, 4), CultureInfo.InvariantCulture), Sql: Read(assembly, n)))
            .OrderBy(m => m.Version);
    }

    private static string Read(System.Reflection.Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
