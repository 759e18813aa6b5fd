namespace AnonymousBoard.Gate;

/// <summary>
/// The gate in front of reports and appeals: an <see cref="AdmissionGate"/> of its own, so its
/// tickets, spent list, budgets and level are apart from the posts'. A report ticket cannot post and
/// a post ticket cannot report (different keys), and a flood of reports spends no post slot.
/// It also decides which admitted reports count toward hiding a post automatically: only those sent
/// while reports are calm, and one per post per circuit. A flooder on rotating circuits is held to
/// the calm board-wide report budget, and the moment it pushes harder, its reports stop counting.
/// </summary>
public sealed class ReportGate
{
    /// <summary>What appeal tickets are bound to instead of a board; no board slug starts with '/'.</summary>
    public const string AppealScope = "/appeal";

    /// <summary>Most (post, circuit) pairs remembered; past it, new reports do not count until old pairs expire.</summary>
    public const int MaxRemembered = 10_000;

    /// <summary>How long a circuit's report of a post is remembered: longer than tor keeps a circuit for new streams.</summary>
    public static readonly TimeSpan Remember = TimeSpan.FromHours(1);

    private readonly TimeProvider time;
    private readonly Lock gate = new();
    private readonly Dictionary<(long Board, long No, uint Circuit), DateTimeOffset> counted = [];

    public ReportGate(AdmissionGate admission, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(admission);
        ArgumentNullException.ThrowIfNull(time);
        Admission = admission;
        this.time = time;
    }

    public AdmissionGate Admission { get; }

    /// <summary>Pairs remembered now: for the operator's log.</summary>
    public int Remembered
    {
        get
        {
            lock (gate)
            {
                return counted.Count;
            }
        }
    }

    /// <summary>
    /// Whether an admitted report counts toward the board's "hide after N reports". Not while reports
    /// are busy or flooded; not a second time for the same post from the same circuit. A connection
    /// without a circuit (loopback, a clearnet mirror) counts once per ticket, as every ticket is single-use.
    /// </summary>
    public bool CountsTowardHide(long boardId, long no, uint? circuit)
    {
        if (Admission.Status.Level != GateLevel.Calm)
        {
            return false;
        }
        if (circuit is not uint id)
        {
            return true;
        }
        var now = time.GetUtcNow();
        lock (gate)
        {
            var key = (boardId, no, id);
            if (counted.TryGetValue(key, out var until) && until > now)
            {
                return false;
            }
            if (counted.Count >= MaxRemembered)
            {
                foreach (var (old, expires) in counted)
                {
                    if (expires <= now)
                    {
                        counted.Remove(old);
                    }
                }
                if (counted.Count >= MaxRemembered)
                {
                    // Full of live pairs: some rotating flooder. Counting nothing new is the safe side.
                    return false;
                }
            }
            counted[key] = now + Remember;
            return true;
        }
    }
}
