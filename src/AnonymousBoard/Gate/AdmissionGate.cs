namespace AnonymousBoard.Gate;

/// <summary>What the form needs to show: the hidden ticket, and the work asked for, if any.</summary>
/// <param name="Text">Value of the hidden ticket field.</param>
/// <param name="PowResource">The resource a hashcash stamp must name (the ticket id).</param>
/// <param name="RequiredBits">Bits a stamp must have; 0 = no stamp needed.</param>
/// <param name="LockSkipBits">Bits that let the form be posted before <paramref name="ValidFrom"/>; 0 = not offered.</param>
public sealed record TicketOffer(
    string Text,
    string PowResource,
    int RequiredBits,
    int LockSkipBits,
    DateTimeOffset ValidFrom,
    DateTimeOffset Expires,
    GateLevel Level);

public enum AdmissionOutcome
{
    /// <summary>Write the post.</summary>
    Admitted,
    /// <summary>Not now: the post holds a place in the queue; redisplay the form with <see cref="AdmissionDecision.NextTicket"/>.</summary>
    Queued,
    /// <summary>The same form came twice (double click, slow connection): treat as success, post nothing.</summary>
    AlreadyPosted,
    /// <summary>Redisplay the form with the reason and <see cref="AdmissionDecision.NextTicket"/>.</summary>
    Refused,
}

public enum RefusalKind
{
    None,
    NotGenuine,
    Expired,
    WrongCircuit,
    TimeLocked,
    WorkMissing,
    CircuitBudget,
    Flooded,
}

/// <summary>
/// The gate's answer to one submitted form. Every outcome but Admitted and AlreadyPosted carries the
/// ticket the redisplayed form should hold, so a handler never needs to ask again.
/// </summary>
public sealed record AdmissionDecision(
    AdmissionOutcome Outcome,
    RefusalKind Refusal,
    string? Reason,
    DateTimeOffset? RetryAt,
    TicketOffer? NextTicket,
    PostingTicket? Ticket)
{
    /// <summary>The refusal in words, with when to try again in UTC (no script counts down).</summary>
    /// <param name="what">What was sent: "post", "report", "appeal".</param>
    /// <param name="notDone">How the refusal starts: "Not posted", "Not sent".</param>
    public string Message(string what = "post", string notDone = "Not posted")
    {
        var when = RetryAt is { } at ? $" You can send it from {Markup.Times.Shown(at)}." : "";
        var reason = Reason ?? $"the board is not taking this {what} right now";
        return Outcome == AdmissionOutcome.Queued
            ? $"Your {what} has a place in the queue ({reason}).{when} Everything you typed is below; send the form again then."
            : $"{notDone}: {char.ToUpperInvariant(reason[0])}{reason[1..]}.{when}";
    }
}

/// <summary>How much state the gate holds: each level's per-circuit table (each capped at MaxCircuits), queued circuits, spent tickets.</summary>
public sealed record GateCounts(int LargestCircuitTable, int CircuitsInAllTables, int QueuedCircuits, int SpentTickets);

/// <summary>The level in force, why, and the counts behind it: for the moderator page and the form.</summary>
public sealed record GateStatus(GateLevel Level, bool Forced, string Reason, LevelSettings Settings, int AcceptedInWindow, int RejectedInWindow, TimeSpan QueueDelay);

/// <summary>
/// The anti-flood gate for posting. A form carries a <see cref="PostingTicket"/>; posting it goes
/// through, in order: the ticket checks, the hashcash stamp the level asks for, the circuit's post
/// budget, and the board-wide post slots. Slots come from one schedule (a token bucket kept as a
/// "next free slot" time): when none is free now, the post is not thrown back to retry in a scramble
/// but given the next free slot, as a new ticket whose time lock ends then. Queued posts are served
/// in the order they arrived, each circuit holds at most one place in the queue, and however many
/// tickets a script holds, it gets no more than the level's global rate. The level rises at once
/// when rates cross a threshold and steps down one level after a quiet <see cref="GateOptions.CoolDown"/>.
/// What every instance of the board must agree on (ticket keys, spent tickets, the counts the level is
/// measured from) is in a <see cref="GateState"/>: in memory for one process, in the database for
/// several. The rest (slots, per-circuit budgets, the queue, the level's cool-down) is this process's,
/// in memory and behind one lock: posts are rare next to reads, and a restart only makes people
/// reload the form.
/// </summary>
public sealed class AdmissionGate
{
    private readonly GateOptions options;
    private readonly TimeProvider time;
    private readonly Lock gate = new();
    private readonly IGateCounts counts;
    private readonly Dictionary<GateLevel, CircuitRateLimiter> circuitBudgets = [];
    private GateLevel level = GateLevel.Calm;
    private string levelReason = "calm: just started";
    private DateTimeOffset lastHot;
    private GateLevel? forced;
    // Earliest time the next slot is free with no burst left ("theoretical arrival time").
    private DateTimeOffset nextSlot;
    // The turn each circuit waits for. One place in the queue per circuit keeps the queue no longer
    // than the number of circuits asking, however many tickets they hold: a person's wait is bounded
    // by how many circuits a flooder runs, not by how fast it submits. Holds at most one entry per
    // outstanding reservation, and those are few (MaxQueue times the global rate).
    private readonly Dictionary<uint, DateTimeOffset> queuedCircuits = [];

    public AdmissionGate(GateOptions options, TimeProvider time, GateState? state = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        if (options.Problem() is { } problem)
        {
            throw new ArgumentException(problem, nameof(options));
        }
        this.options = options;
        this.time = time;
        state ??= MemoryGateStore.New(options);
        counts = state.Counts;
        Keys = new TicketKeys(time, options.KeyRotation, state.Secrets);
        Spent = state.Spent;
        foreach (var each in Enum.GetValues<GateLevel>())
        {
            var settings = options.For(each);
            circuitBudgets[each] = new CircuitRateLimiter(new RateLimiterOptions
            {
                Capacity = settings.CircuitPostBurst,
                TokensPerSecond = 1 / settings.CircuitPostInterval.TotalSeconds,
                ReadCost = 1,
                WriteCost = 1,
                MaxCircuits = options.MaxCircuits,
            }, time);
        }
        lastHot = time.GetUtcNow();
        nextSlot = lastHot;
    }

    public TicketKeys Keys { get; }

    public ISpentTickets Spent { get; }

    public GateStatus Status
    {
        get
        {
            lock (gate)
            {
                var now = time.GetUtcNow();
                var reading = Measure(now);
                var current = UpdateLevel(now, reading);
                var settings = options.For(current);
                return new GateStatus(current, forced is not null, levelReason, settings,
                    reading.AcceptedPosts, reading.RejectedAttempts, SlotTime(now, settings) - now);
            }
        }
    }

    /// <summary>Sizes of the gate's tables, for the operator's log and the flood drill: counts only, never a circuit.</summary>
    public GateCounts Counts
    {
        get
        {
            lock (gate)
            {
                var tables = circuitBudgets.Values.Select(b => b.TrackedCircuits).ToList();
                return new GateCounts(tables.Max(), tables.Sum(), queuedCircuits.Count, Spent.Count);
            }
        }
    }

    /// <summary>A moderator's override; null gives the choice back to the measured rates.</summary>
    public void ForceLevel(GateLevel? newLevel)
    {
        lock (gate)
        {
            forced = newLevel;
            if (newLevel is GateLevel chosen)
            {
                level = chosen;
                levelReason = $"{chosen.ToString().ToLowerInvariant()}: set by a moderator";
            }
            else
            {
                // Start measuring afresh from the level the moderator left it at.
                lastHot = time.GetUtcNow();
                levelReason = $"{level.ToString().ToLowerInvariant()}: moderator override lifted";
            }
        }
    }

    /// <summary>Counts a refusal made outside the gate (e.g. the request rate limiter turning away a POST).</summary>
    public void RecordRejected()
    {
        lock (gate)
        {
            counts.Add(GateTally.Rejected, time.GetUtcNow());
        }
    }

    /// <summary>A ticket for a new form on <paramref name="boardSlug"/>, bound to the circuit that asked.</summary>
    public TicketOffer IssueTicket(string boardSlug, uint? circuitId)
    {
        DateTimeOffset now;
        GateLevel current;
        lock (gate)
        {
            now = time.GetUtcNow();
            current = UpdateLevel(now, Measure(now));
        }
        // Every page with a form asks for a ticket: its random id and MAC are made outside the gate's lock, which
        // the readers of all pages share.
        var ticket = PostingTicket.Create(boardSlug, circuitId, now, options.For(current).TimeLock, options.TicketLifetime);
        return Offer(ticket, ticket.Protect(Keys), current);
    }

    /// <summary>Decides on one submitted form. On Admitted the ticket is already spent: write the post.</summary>
    public AdmissionDecision Admit(string? ticketText, string boardSlug, uint? circuitId, string? stamp)
    {
        ArgumentNullException.ThrowIfNull(boardSlug);
        lock (gate)
        {
            var now = time.GetUtcNow();
            var current = UpdateLevel(now, Measure(now));
            var settings = options.For(current);

            StampResult? stampResult = null;
            StampResult CheckStamp(PostingTicket t) =>
                stampResult ??= Hashcash.Verify(stamp, t.PowResource, settings.RequiredBits, now, options.StampWindow);
            var skipBits = LockSkipBits(settings);
            bool WorkSkipsLock(PostingTicket t) =>
                !string.IsNullOrWhiteSpace(stamp) && CheckStamp(t).Bits >= skipBits;

            var verdict = PostingTicket.Verify(ticketText, boardSlug, circuitId, now, Keys, Spent, WorkSkipsLock);
            if (!verdict.IsValid)
            {
                return FromTicketFailure(verdict, ticketText, boardSlug, circuitId, now, current);
            }
            var ticket = verdict.Ticket!;

            // A queued ticket paid its work and its circuit budget when it was queued.
            if (!ticket.Reserved)
            {
                if ((settings.RequiredBits > 0 || !string.IsNullOrWhiteSpace(stamp)) && CheckStamp(ticket) is { IsValid: false } bad)
                {
                    return Refuse(RefusalKind.WorkMissing, settings.RequiredBits > 0
                        ? $"this post needs a hashcash stamp of {settings.RequiredBits} bits for resource {ticket.PowResource}: {bad.Reason}"
                        : bad.Reason!, null, Offer(ticket, ticketText!, current), ticket, now);
                }

                var slot = SlotTime(now, settings);
                if (slot - now > settings.MaxQueue)
                {
                    var wait = (long)Math.Ceiling((slot - now - settings.MaxQueue).TotalMinutes);
                    return Refuse(RefusalKind.Flooded,
                        $"the board is flooded and its posting queue is full; try again in about {wait} minutes",
                        now + (slot - now - settings.MaxQueue), Offer(ticket, ticketText!, current), ticket, now);
                }
                if (circuitId is uint id)
                {
                    if (queuedCircuits.TryGetValue(id, out var turn) && turn > now)
                    {
                        var seconds = (long)Math.Ceiling((turn - now).TotalSeconds);
                        return Refuse(RefusalKind.CircuitBudget,
                            $"this tor circuit already has a post waiting in the queue; its turn comes in {seconds} seconds",
                            turn, Offer(ticket, ticketText!, current), ticket, now);
                    }
                    var budget = circuitBudgets[current].TryAcquire(id, 1);
                    if (!budget.Allowed)
                    {
                        return Refuse(RefusalKind.CircuitBudget,
                            $"this tor circuit posted recently; it can post again in {budget.RetryAfter.TotalSeconds:0} seconds",
                            now + budget.RetryAfter, Offer(ticket, ticketText!, current), ticket, now);
                    }
                }
                if (!Spent.TryMarkSpent(ticket.Id, ticket.Expires, now, out var spentProblem))
                {
                    return Refuse(RefusalKind.Flooded, spentProblem!, null, Offer(ticket, ticketText!, current), ticket, now);
                }
                TakeSlot(now, settings);
                if (slot > now)
                {
                    // Its place in the queue travels in a new ticket; the one just spent cannot be queued twice.
                    var queued = PostingTicket.Create(boardSlug, circuitId, now, slot - now, slot - now + options.QueuedTicketGrace, reserved: true);
                    if (circuitId is uint queuedId)
                    {
                        ForgetPassedTurns(now);
                        queuedCircuits[queuedId] = queued.ValidFrom;
                    }
                    counts.Add(GateTally.Rejected, now);
                    var seconds = (long)Math.Ceiling((queued.ValidFrom - now).TotalSeconds);
                    return new AdmissionDecision(AdmissionOutcome.Queued, RefusalKind.None,
                        $"many people are posting: your post is queued. Press Post again in {seconds} seconds (at {queued.ValidFrom:HH:mm:ss} UTC)",
                        queued.ValidFrom, Offer(queued, queued.Protect(Keys), current), ticket);
                }
                counts.Add(GateTally.Accepted, now);
                return new AdmissionDecision(AdmissionOutcome.Admitted, RefusalKind.None, null, null, null, ticket);
            }

            if (!Spent.TryMarkSpent(ticket.Id, ticket.Expires, now, out var problem))
            {
                return Refuse(RefusalKind.Flooded, problem!, null, Offer(ticket, ticketText!, current), ticket, now);
            }
            counts.Add(GateTally.Accepted, now);
            return new AdmissionDecision(AdmissionOutcome.Admitted, RefusalKind.None, null, null, null, ticket);
        }
    }

    private AdmissionDecision FromTicketFailure(TicketVerdict verdict, string? ticketText, string boardSlug, uint? circuitId, DateTimeOffset now, GateLevel current)
    {
        if (verdict.Failure == TicketFailure.AlreadySpent)
        {
            // Not counted as rejected: a resubmitted form is a slow connection, not an attack.
            return new AdmissionDecision(AdmissionOutcome.AlreadyPosted, RefusalKind.None, verdict.Reason, null, null, verdict.Ticket);
        }
        if (verdict.Failure == TicketFailure.TimeLocked)
        {
            return Refuse(RefusalKind.TimeLocked, verdict.Reason!, verdict.RetryAt, Offer(verdict.Ticket!, ticketText!, current), verdict.Ticket, now);
        }
        var kind = verdict.Failure switch
        {
            TicketFailure.Expired => RefusalKind.Expired,
            TicketFailure.WrongCircuit => RefusalKind.WrongCircuit,
            _ => RefusalKind.NotGenuine,
        };
        // The old ticket is no use; the redisplayed form gets a fresh one with the usual time lock.
        var settings = options.For(current);
        var fresh = PostingTicket.Create(boardSlug, circuitId, now, settings.TimeLock, options.TicketLifetime);
        return Refuse(kind, verdict.Reason!, fresh.ValidFrom, Offer(fresh, fresh.Protect(Keys), current), verdict.Ticket, now);
    }

    private AdmissionDecision Refuse(RefusalKind kind, string reason, DateTimeOffset? retryAt, TicketOffer next, PostingTicket? ticket, DateTimeOffset now)
    {
        counts.Add(GateTally.Rejected, now);
        return new AdmissionDecision(AdmissionOutcome.Refused, kind, reason, retryAt, next, ticket);
    }

    private TicketOffer Offer(PostingTicket ticket, string text, GateLevel current)
    {
        var settings = options.For(current);
        return new TicketOffer(text, ticket.PowResource, ticket.Reserved ? 0 : settings.RequiredBits,
            ticket.Reserved ? 0 : LockSkipBits(settings), ticket.ValidFrom, ticket.Expires, current);
    }

    private int LockSkipBits(LevelSettings settings) =>
        Math.Min(Hashcash.MaxBits, settings.RequiredBits + Math.Max(1, options.LockSkipExtraBits));

    /// <summary>When the next post could have its slot: now if the burst is not used up.</summary>
    private DateTimeOffset SlotTime(DateTimeOffset now, LevelSettings settings)
    {
        var interval = TimeSpan.FromMinutes(1 / settings.GlobalPostsPerMinute);
        var slot = (nextSlot > now ? nextSlot : now) - interval * (settings.GlobalPostBurst - 1);
        return slot > now ? slot : now;
    }

    private void TakeSlot(DateTimeOffset now, LevelSettings settings)
    {
        var interval = TimeSpan.FromMinutes(1 / settings.GlobalPostsPerMinute);
        nextSlot = (nextSlot > now ? nextSlot : now) + interval;
    }

    private void ForgetPassedTurns(DateTimeOffset now)
    {
        foreach (var (id, turn) in queuedCircuits)
        {
            if (turn <= now)
            {
                queuedCircuits.Remove(id);
            }
        }
    }

    private LevelReading Measure(DateTimeOffset now) =>
        GateLevels.Measure(counts.Count(GateTally.Accepted, now), counts.Count(GateTally.Rejected, now), options);

    private GateLevel UpdateLevel(DateTimeOffset now, LevelReading reading)
    {
        if (forced is GateLevel f)
        {
            return f;
        }
        if (reading.Level >= level)
        {
            if (reading.Level > level)
            {
                level = reading.Level;
                levelReason = reading.Reason;
            }
            lastHot = now;
        }
        else if (now - lastHot >= options.CoolDown)
        {
            level--;
            lastHot = now;
            levelReason = $"{level.ToString().ToLowerInvariant()}: stepped down after {options.CoolDown.TotalMinutes:0} quiet minutes ({reading.Reason})";
        }
        return level;
    }
}
