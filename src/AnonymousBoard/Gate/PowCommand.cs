using System.Globalization;
using AnonymousBoard.Settings;

namespace AnonymousBoard.Gate;

/// <summary><c>pow RESOURCE --bits N</c>: mints a hashcash v1 stamp, as <c>hashcash -m -b N RESOURCE</c> does.</summary>
public static class PowCommand
{
    public static int Run(CommandContext context, string[] args)
    {
        if (args is not [var resource, "--bits", var bitsText] || !int.TryParse(bitsText, NumberStyles.None, CultureInfo.InvariantCulture, out var bits))
        {
            return context.Usage("usage: pow RESOURCE --bits N   (RESOURCE and N are shown on the posting form)");
        }
        if (bits is < 1 or > Hashcash.MaxBits || resource.Length is 0 or > 64 || resource.Contains(':', StringComparison.Ordinal))
        {
            return context.Fail($"bits must be 1 to {Hashcash.MaxBits} and the resource 1 to 64 characters without ':'.");
        }
        context.Out.WriteLine(Hashcash.Mint(resource, bits, DateTimeOffset.UtcNow));
        return 0;
    }
}
