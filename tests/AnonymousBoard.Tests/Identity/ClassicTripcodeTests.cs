using AnonymousBoard.Identity;
using Xunit;

namespace AnonymousBoard.Tests.Identity;

public class ClassicTripcodeTests
{
    public static TheoryData<string, string> FourChanVectors()
    {
        var data = new TheoryData<string, string>();
        foreach (string[] row in Vectors.Rows("tripcodes_4chan.tsv", hasHeader: false))
        {
            data.Add(row[0], row[1]);
        }
        return data;
    }

    [Fact]
    public void A_key_of_any_length_gives_the_tripcode_of_its_first_eight_bytes()
    {
        // DES reads eight bytes; libxcrypt refuses a phrase over 512 bytes, which once made a long key a 500.
        Assert.Equal(ClassicTripcode.Compute("abcdefgh"), ClassicTripcode.Compute("abcdefgh" + new string('z', 2000)));
    }

    [Fact]
    public void The_vector_file_is_complete()
    {
        Assert.Equal(38, FourChanVectors().Count);
    }

    [Theory]
    [MemberData(nameof(FourChanVectors))]
    public void Matches_4chan(string key, string tripcode)
    {
        Assert.Equal(tripcode, ClassicTripcode.Compute(key));
    }

    [Fact]
    public void Unmappable_characters_become_question_marks_not_best_fit()
    {
        Assert.Equal("?"u8.ToArray(), ClassicTripcode.ToShiftJis("é"));
        Assert.Equal(ClassicTripcode.Compute("?"), ClassicTripcode.Compute("é"));
        Assert.NotEqual(ClassicTripcode.Compute("e"), ClassicTripcode.Compute("é"));
    }

    [Fact]
    public void Html_escaping_leaves_the_apostrophe_alone()
    {
        Assert.Equal("&amp;&quot;&lt;&gt;'", ClassicTripcode.EscapeHtml("&\"<>'"));
    }

    [Theory]
    [InlineData("", "..")]
    [InlineData("a", "H.")]
    [InlineData("ab", "bH")]
    [InlineData("a:;", "AB")]
    [InlineData("a[`", "af")]
    [InlineData("a {", "..")]
    public void Salt_follows_the_4chan_rules(string key, string salt)
    {
        Assert.Equal(salt, ClassicTripcode.Salt(System.Text.Encoding.ASCII.GetBytes(key)));
    }

    [Fact]
    public void Only_the_first_eight_bytes_count()
    {
        // A property of DES crypt that users of classic tripcodes should know about.
        Assert.Equal(ClassicTripcode.Compute("abcdefgh"), ClassicTripcode.Compute("abcdefghXYZ"));
        Assert.NotEqual(ClassicTripcode.Compute("abcdefgh"), ClassicTripcode.Compute("abcdefgX"));
    }

    [Fact]
    public void Is_safe_to_call_from_many_threads()
    {
        string expected = ClassicTripcode.Compute("password");
        string[] results = new string[64];
        Parallel.For(0, results.Length, i => results[i] = ClassicTripcode.Compute("password"));
        Assert.All(results, result => Assert.Equal(expected, result));
    }
}
