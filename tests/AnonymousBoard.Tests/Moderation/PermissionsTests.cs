using AnonymousBoard.Moderation;

namespace AnonymousBoard.Tests.Moderation;

public sealed class PermissionsTests
{
    private static readonly StaffMember Admin = new(1, "a", "a", StaffRole.Admin, false, []);
    private static readonly StaffMember BoardMod = new(2, "m", "m", StaffRole.Moderator, false, [10]);
    private static readonly StaffMember GlobalMod = new(3, "g", "g", StaffRole.Moderator, true, []);
    private static readonly StaffMember Janitor = new(4, "j", "j", StaffRole.Janitor, false, [10]);

    [Fact]
    public void The_role_table_holds()
    {
        foreach (var right in Enum.GetValues<StaffRight>())
        {
            Assert.True(Admin.May(right, 10));
            Assert.True(Admin.May(right, null));
            Assert.False(BoardMod.May(right, 11));
        }
        Assert.True(BoardMod.May(StaffRight.Ban, 10));
        Assert.False(BoardMod.May(StaffRight.Ban, null));
        Assert.True(GlobalMod.May(StaffRight.Ban, null));
        Assert.False(GlobalMod.May(StaffRight.ManageBoards, null));
        Assert.False(GlobalMod.May(StaffRight.ManageStaff, 10));
        Assert.True(Janitor.May(StaffRight.DeletePost, 10));
        Assert.True(Janitor.May(StaffRight.DeleteFile, 10));
        Assert.True(Janitor.May(StaffRight.HandleReports, 10));
        Assert.False(Janitor.May(StaffRight.Ban, 10));
        Assert.False(Janitor.May(StaffRight.Sticky, 10));
        Assert.False(Janitor.May(StaffRight.DeletePost, 11));
    }

    [Theory]
    [InlineData(">>12 and >>13 and >>>/b/13 and >>99", ">>101 and >>102 and >>>/b/13 and >>>/b/99")]
    [InlineData("a>>12 is not a quote", "a>>12 is not a quote")]
    public void Moving_a_thread_rewrites_only_its_quote_syntax(string body, string expected)
    {
        var renumber = new Dictionary<long, long> { [12] = 101, [13] = 102 };
        Assert.Equal(expected, AnonymousBoard.Moderation.ThreadMove.RewriteQuotes(body, "b", renumber));
    }
}
