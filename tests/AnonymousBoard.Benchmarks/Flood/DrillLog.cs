using System.Collections.Concurrent;
using System.Diagnostics;

namespace AnonymousBoard.Benchmarks.Flood;

/// <summary>Everything that happened, with when: the drill and the test count from it.</summary>
public sealed class DrillLog
{
    public Stopwatch Clock { get; } = Stopwatch.StartNew();
    public ConcurrentQueue<(double At, string Who, string What)> Events { get; } = new();
    public ConcurrentQueue<(double At, double Ms, bool Error, string Path)> Reads { get; } = new();
    public ConcurrentQueue<(double At, string Who, string Detail)> TextLost { get; } = new();
    private long stamps;
    private long stampMs;

    public long Stamps => Interlocked.Read(ref stamps);
    public double StampWallSeconds => Interlocked.Read(ref stampMs) / 1000.0;

    public double Now => Clock.Elapsed.TotalSeconds;

    public void Event(string who, string what) => Events.Enqueue((Now, who, what));

    /// <summary>An event that belongs to another moment than now: a queued post counts at the turn the gate gave it.</summary>
    public void Event(string who, string what, double at) => Events.Enqueue((at, who, what));

    /// <summary>A UTC time as the drill's clock reads it.</summary>
    public double At(DateTimeOffset time) => Now + (time - DateTimeOffset.UtcNow).TotalSeconds;

    public void Stamp(TimeSpan took)
    {
        Interlocked.Increment(ref stamps);
        Interlocked.Add(ref stampMs, (long)took.TotalMilliseconds);
    }
}

/// <summary>How a stamp is made: the drill runs the hashcash tool; a test may mint in-process.</summary>
public delegate Task<string> StampMaker(string resource, int bits, CancellationToken cancel);

/// <summary>What a person did: from opening the form to the accepted post, and each time the form came back.</summary>
public sealed record PersonResult(string Name, double OpenedAt, double? AcceptedAt, int SentBack, bool TextAlwaysKept, IReadOnlyList<string> Reasons, double? PromisedBy);
