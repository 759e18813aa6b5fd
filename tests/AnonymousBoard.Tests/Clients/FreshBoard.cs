using AnonymousBoard.Tests.Support;

namespace AnonymousBoard.Tests.Clients;

/// <summary>An empty board of its own for one test class (BoardServer has two constructors, so xunit cannot make it a fixture itself).</summary>
public sealed class FreshBoard : IAsyncLifetime
{
    public BoardServer Server { get; } = new();

    public Task InitializeAsync() => Server.InitializeAsync();

    public Task DisposeAsync() => Server.DisposeAsync();
}
