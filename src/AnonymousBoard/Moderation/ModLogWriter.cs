using AnonymousBoard.Storage;

namespace AnonymousBoard.Moderation;

/// <summary>
/// Appends to the public log inside the caller's unit of work, so a change and its entry commit
/// together: the next sequence number, the time to the second, the previous entry's hash, this
/// entry's hash and the board's signature over it.
/// </summary>
public sealed class ModLogWriter(IModLogStore store, ModLogKey key, TimeProvider time)
{
    public LogEntry Append(UnitOfWork work, LogDraft log, string target, string textHash = "")
    {
        ArgumentNullException.ThrowIfNull(log);
        var last = store.Last(work);
        var seq = (last?.Seq ?? 0) + 1;
        var prev = last?.Hash ?? ModLogFormat.Genesis;
        var at = DateTimeOffset.FromUnixTimeSeconds(time.GetUtcNow().ToUnixTimeSeconds());
        var draft = new LogEntry(seq, at, log.Actor, log.Action, target, textHash, log.Reason.Trim(), prev, "", "");
        var hash = ModLogFormat.HashBytes(seq, draft.Time, draft.Actor, draft.Action, target, textHash, draft.Reason, prev);
        var entry = draft with { Hash = Convert.ToHexStringLower(hash), Signature = key.Sign(hash) };
        store.Insert(work, entry);
        return entry;
    }
}

/// <summary>The public log as readers get it: a page of it, its size, and the whole of it as /modlog.txt.</summary>
public sealed class ModLogReader(IStorage storage, IModLogStore store, ModLogKey key)
{
    public long Count() => Read(work => store.Count(work));

    /// <summary>Newest first, starting below <paramref name="beforeSeq"/> (null: from the newest).</summary>
    public IReadOnlyList<LogEntry> Page(long? beforeSeq, int count) => Read(work => store.ReadBefore(work, beforeSeq ?? long.MaxValue, count));

    public string PublicKeyHex => key.PublicKeyHex;

    /// <summary>The whole log in its archivable text form, oldest first, read in one snapshot.</summary>
    public string Export() => ModLogFormat.Export(key.PublicKeyHex, Read(work => store.ReadAll(work)));

    private T Read<T>(Func<UnitOfWork, T> query)
    {
        using var work = storage.Read();
        return query(work);
    }
}
