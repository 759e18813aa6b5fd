using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace AnonymousBoard.Storage.Postgres;

/// <summary>
/// What other instances on the same database have changed, heard through PostgreSQL's LISTEN/NOTIFY
/// and told to this instance's commit listeners (the page cache, the board list) as if written here.
/// Every write announces its changes inside its own transaction (<see cref="PostgresUnitOfWork"/>), so
/// the announcement arrives if and only if the write committed, and within milliseconds. While the
/// feed's connection is down nothing is heard, so on reconnecting every cached page is dropped.
/// Files are not announced: the instance that freed them removes them from the shared media directory.
/// </summary>
public sealed partial class ChangeFeed(PostgresDatabase database, Func<IEnumerable<ICommitListener>> listeners, ILogger<ChangeFeed> log)
    : BackgroundService
{
    public const string Channel = "anonymousboard_changes";

    // NOTIFY carries at most 8000 bytes; a write touching more threads than fit says "everything".
    private const int MaxPayload = 7900;

    /// <summary>
    /// "instance boards-flag board:no board:no+ board:no+5.7 …" (a "+" marks a thread that only grew: its page may be
    /// updated rather than rebuilt; the numbers after it, the posts of it that new posts quoted), or "instance *" when
    /// it would not fit.
    /// </summary>
    internal static string Payload(Guid instance, ChangeSet changes)
    {
        var grown = changes.Grown.ToHashSet();
        var quoted = changes.Quoted.ToLookup(q => q.Thread, q => q.No);
        var text = $"{instance:N} {(changes.Boards ? 1 : 0)}"
            + string.Concat(changes.Threads.Select(t => FormattableString.Invariant(
                $" {t.BoardId}:{t.ThreadNo}{(grown.Contains(t) ? "+" + string.Join('.', quoted[t]) : "")}")));
        return text.Length <= MaxPayload ? text : $"{instance:N} *";
    }

    /// <summary>The changes another instance announced, or null for this instance's own.</summary>
    internal static ChangeSet? Parse(Guid self, string payload)
    {
        var parts = payload.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 2 || parts[0] == self.ToString("N"))
        {
            return null;
        }
        if (parts[1] == "*")
        {
            return new ChangeSet([], [], Boards: true, Everything: true);
        }
        var threads = parts.Skip(2).Select(p => p.Split('+')).Select(p => (Grown: p.Length > 1, Ref: p[0].Split(':'), Quoted: p.Length > 1 ? p[1] : ""))
            .Select(p => (p.Grown, p.Quoted, Ref: new ThreadRef(long.Parse(p.Ref[0], CultureInfo.InvariantCulture), long.Parse(p.Ref[1], CultureInfo.InvariantCulture))))
            .ToList();
        return new ChangeSet([.. threads.Select(t => t.Ref)], [], parts[1] == "1")
        {
            Grown = [.. threads.Where(t => t.Grown).Select(t => t.Ref)],
            Quoted = [.. threads.SelectMany(t => t.Quoted.Split('.', StringSplitOptions.RemoveEmptyEntries)
                .Select(no => new QuotedPost(t.Ref, long.Parse(no, CultureInfo.InvariantCulture))))],
        };
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var missedSome = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await database.DataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, e) => Tell(Parse(database.Instance, e.Payload));
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }
                if (missedSome)
                {
                    Tell(new ChangeSet([], [], Boards: true, Everything: true));
                    Reconnected(log, null);
                }
                missedSome = true;
                while (true)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException or InvalidOperationException)
            {
                Lost(log, e.Message, null);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private void Tell(ChangeSet? changes)
    {
        if (changes is null)
        {
            return;
        }
        foreach (var listener in listeners())
        {
            listener.Committed(changes);
        }
    }

    private static readonly Action<ILogger, string, Exception?> Lost = LoggerMessage.Define<string>(LogLevel.Warning, new EventId(1, "ChangeFeedLost"),
        "Not hearing other instances' changes ({Problem}); trying again in a second. Cached pages may lag until then.");

    private static readonly Action<ILogger, Exception?> Reconnected = LoggerMessage.Define(LogLevel.Information, new EventId(2, "ChangeFeedBack"),
        "Hearing other instances' changes again; every cached page was dropped.");
}
