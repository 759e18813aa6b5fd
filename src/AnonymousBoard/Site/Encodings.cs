using Microsoft.Extensions.Primitives;

namespace AnonymousBoard.Site;

/// <summary>How a response body is sent: as it is, or in one of the two codings every browser reads.</summary>
public enum ContentCoding
{
    Identity,
    Gzip,
    Brotli,
}

/// <summary>
/// Which codings a request accepts (RFC 9110, Accept-Encoding): a coding named with q=0, or left out when
/// there is no "*", is not sent; without the header, nothing is coded. Between two accepted codings the
/// higher q wins and the page decides a tie (<see cref="CompressedPage"/>: brotli, unless gzip is smaller).
/// </summary>
public readonly record struct Accepted(float Gzip, float Brotli)
{
    public static readonly Accepted Nothing = new(0, 0);

    public static Accepted Of(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Parse(request.Headers.AcceptEncoding);
    }

    public static Accepted Parse(StringValues header)
    {
        float? gzip = null, brotli = null, any = null;
        foreach (var value in header)
        {
            foreach (var element in (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var semicolon = element.IndexOf(';', StringComparison.Ordinal);
                var name = (semicolon < 0 ? element : element[..semicolon]).Trim();
                var q = semicolon < 0 ? 1 : Quality(element[(semicolon + 1)..]);
                if (name.Equals("gzip", StringComparison.OrdinalIgnoreCase) || name.Equals("x-gzip", StringComparison.OrdinalIgnoreCase))
                {
                    gzip = q;
                }
                else if (name.Equals("br", StringComparison.OrdinalIgnoreCase))
                {
                    brotli = q;
                }
                else if (name == "*")
                {
                    any = q;
                }
            }
        }
        return new Accepted(gzip ?? any ?? 0, brotli ?? any ?? 0);
    }

    /// <summary>The weight in ";q=0.5" (other parameters ignored); a weight that does not parse counts as 0, refusing rather than guessing.</summary>
    private static float Quality(string parameters)
    {
        foreach (var parameter in parameters.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (parameter.Length > 2 && parameter[..2].Equals("q=", StringComparison.OrdinalIgnoreCase))
            {
                return float.TryParse(parameter[2..], System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out var q)
                    ? Math.Clamp(q, 0, 1) : 0;
            }
        }
        return 1;
    }

    public bool Any => Gzip > 0 || Brotli > 0;
}
