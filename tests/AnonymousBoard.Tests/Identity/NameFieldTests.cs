using AnonymousBoard.Identity;
using Xunit;

namespace AnonymousBoard.Tests.Identity;

public class NameFieldTests
{
    [Theory]
    [InlineData(null, "", null, null)]
    [InlineData("Anonymous", "Anonymous", null, null)]
    [InlineData(" Bob #key", "Bob", "key", null)]
    [InlineData("Bob##pass", "Bob", null, "pass")]
    [InlineData("Bob#key##pass", "Bob", "key", "pass")]
    [InlineData("Bob#a#b", "Bob", "a#b", null)]
    [InlineData("Bob##a#b##c", "Bob", null, "a#b##c")]
    [InlineData("#key", "", "key", null)]
    [InlineData("Bob#", "Bob", null, null)]
    [InlineData("Bob##", "Bob", null, null)]
    public void Splits_name_and_keys(string? field, string name, string? classic, string? secure)
    {
        Assert.Equal(new NameField(name, classic, secure), NameField.Parse(field));
    }
}
