using AnonymousBoard.Tests.Support;

namespace AnonymousBoard.Tests.Hosting;

public sealed class BoardsCommandTests : IAsyncLifetime
{
    private readonly BoardServer _server = new();
    public Task InitializeAsync() => _server.InitializeAsync();
    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task Boards_created_and_updated_from_the_command_line_show_on_the_running_board()
    {
        var (code, output) = _server.RunCli("boards", "create", "tech", "Technology", "--description", "Computers and such", "--bump-limit", "500");
        Assert.Equal(0, code);
        Assert.Contains("Created /tech/", output, StringComparison.Ordinal);
        Assert.Equal(0, _server.RunCli("boards", "update", "tech", "--title", "Tech talk").Code);

        var list = _server.RunCli("boards", "list");
        Assert.Contains("tech\t0\tTech talk", list.Output, StringComparison.Ordinal);
        var page = await _server.Browser().Get("/tech/");
        Assert.Equal("/tech/ – Tech talk", page.Document.QuerySelector("h1")!.TextContent);
        Assert.Equal("Computers and such", page.Document.QuerySelector(".description")!.TextContent);
    }

    [Theory]
    [InlineData(2, "boards")]
    [InlineData(2, "boards", "frobnicate")]
    [InlineData(2, "boards", "create", "tech")]
    [InlineData(1, "boards", "create", "Tech!", "Technology")]
    [InlineData(1, "boards", "create", "static", "Static")]
    [InlineData(1, "boards", "create", "b", "Again")]
    [InlineData(1, "boards", "create", "x", "")]
    [InlineData(1, "boards", "create", "x", "X", "--bump-limit", "0")]
    [InlineData(1, "boards", "create", "x", "X", "--bump-limit", "lots")]
    [InlineData(2, "boards", "create", "x", "X", "--colour", "red")]
    [InlineData(2, "boards", "create", "x", "X", "--archive", "maybe")]
    [InlineData(2, "boards", "create", "x", "X", "--bump-limit")]
    [InlineData(1, "boards", "update", "nosuch", "--title", "T")]
    public void Bad_input_prints_a_clear_error_and_changes_nothing(int expected, params string[] args)
    {
        var before = _server.RunCli("boards", "list").Output;
        var (code, output) = _server.RunCli(args);
        Assert.Equal(expected, code);
        Assert.StartsWith("error: ", output, StringComparison.Ordinal);
        Assert.Equal(before, _server.RunCli("boards", "list").Output);
    }
}
