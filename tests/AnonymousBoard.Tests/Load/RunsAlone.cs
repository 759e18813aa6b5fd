namespace AnonymousBoard.Tests.Load;

/// <summary>
/// Tests that put the machine under load, or rely on the board's timeouts, run alone after the
/// others: their load would slow other tests' bounded waits, and other tests' work would blur the
/// timeouts these check.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsAlone
{
    public const string Name = "Load: alone";
}
