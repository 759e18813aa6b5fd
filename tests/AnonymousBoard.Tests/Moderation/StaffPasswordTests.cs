using System.Diagnostics;
using AnonymousBoard.Moderation;
using AnonymousBoard.Tests.Identity;

namespace AnonymousBoard.Tests.Moderation;

/// <summary>Staff password strings: the libsodium form, old strings still verifying, and hostile stored strings refused.</summary>
public class StaffPasswordTests
{
    // Made by the board before NSec (StaffPasswords.Hash through Debian's libsodium23, crypto_pwhash_str),
    // built from commit 20a025a and called once: a stored string exactly as existing databases hold them.
    private const string OldBoardHash = "$argon2id$v=19$m=65536,t=2,p=1$z0Z2dQb/ZOqiujLjFMrVpQ$W/XWcxetBPVQPL7jRiGegvFzvtEKWPIaaERzU9/+V64";
    private const string OldBoardPassword = "correct horse battery staple, staff edition";

    private static string LibsodiumVector() =>
        Vectors.Text("argon2id_str.txt").Split('\n').Single(line => line.StartsWith("$argon2id$", StringComparison.Ordinal));

    [Fact]
    public void A_string_made_by_the_old_libsodium_code_still_verifies()
    {
        Assert.True(StaffPasswords.Verify(OldBoardHash, OldBoardPassword));
        Assert.False(StaffPasswords.Verify(OldBoardHash, OldBoardPassword + "!"));
    }

    [Fact]
    public void The_crypto_pwhash_str_vector_verifies_only_the_right_password()
    {
        string hash = LibsodiumVector();
        Assert.True(StaffPasswords.Verify(hash, "hunter2"));
        Assert.False(StaffPasswords.Verify(hash, "hunter3"));
        // Same salt and hash, another cost: another result.
        Assert.False(StaffPasswords.Verify(hash.Replace("t=2", "t=3", StringComparison.Ordinal), "hunter2"));
    }

    [Fact]
    public void New_strings_have_the_libsodium_form_a_fresh_salt_and_verify()
    {
        string first = StaffPasswords.Hash("secret words");
        string second = StaffPasswords.Hash("secret words");
        Assert.Matches(@"^\$argon2id\$v=19\$m=65536,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$", first);
        Assert.NotEqual(first, second);
        Assert.True(StaffPasswords.Verify(first, "secret words"));
        Assert.False(StaffPasswords.Verify(first, "Secret words"));
    }

    [Fact]
    public void An_unknown_member_or_a_damaged_string_is_refused()
    {
        Assert.False(StaffPasswords.Verify(null, "anything"));
        Assert.False(StaffPasswords.Verify("not a hash", "hunter2"));
        Assert.False(StaffPasswords.Verify("", "hunter2"));
    }

    [Fact]
    public void Parsing_and_writing_give_back_the_same_string()
    {
        foreach (string text in new[] { OldBoardHash, LibsodiumVector() })
        {
            Assert.True(Argon2idHashString.TryParse(text, out Argon2idHashString? parsed), text);
            Assert.Equal(65536, parsed.MemoryKiB);
            Assert.Equal(2, parsed.Passes);
            Assert.Equal(16, parsed.Salt.Length);
            Assert.Equal(32, parsed.Hash.Length);
            Assert.Equal(text, parsed.ToString());
        }
    }

    [Theory]
    [InlineData("m=65536,t=2,p=1", "m=65536,t=2,p=2")]         // another parallelism
    [InlineData("$argon2id$", "$argon2i$")]                  // another variant
    [InlineData("$argon2id$", "$Argon2id$")]
    [InlineData("v=19", "v=16")]                             // Argon2 1.0
    [InlineData("m=65536", "m=065536")]                      // a leading zero
    [InlineData("m=65536", "m=+65536")]
    [InlineData("m=65536", "m= 65536")]
    [InlineData("m=65536", "m=7")]                           // below Argon2's floor
    [InlineData("m=65536,t=2", "t=2,m=65536")]               // another order
    [InlineData("t=2", "t=0")]
    [InlineData("$YW5vbmJvYXJkLXNhbHQxNg$", "$YW5vbmJvYXJkLXNhbHQxNg==$")]  // padding
    [InlineData("$YW5vbmJvYXJkLXNhbHQxNg$", "$YW5vbmJvYXJkLXNhbHQxNh$")]    // stray low bits: not canonical
    [InlineData("$YW5vbmJvYXJkLXNhbHQxNg$", "$YW5vbmJvYXJk LXNhbHQxNg$")]   // whitespace the decoder would skip
    [InlineData("$YW5vbmJvYXJkLXNhbHQxNg$", "$YW5vbmJvYXJkLXNhbHQx$")]      // a shorter salt
    [InlineData("ZJLtyJOFDqc", "ZJLtyJOFDq")]                // a truncated hash
    [InlineData("ZJLtyJOFDqc", "ZJLtyJOFDqc$")]              // a trailing field
    [InlineData("FuJ/y8b7", "FuJ_y8b7")]                     // the URL-safe alphabet
    public void The_parser_refuses_anything_but_the_exact_form(string part, string replacement)
    {
        string vector = LibsodiumVector();
        Assert.Contains(part, vector, StringComparison.Ordinal);
        string damaged = vector.Replace(part, replacement, StringComparison.Ordinal);
        Assert.False(Argon2idHashString.TryParse(damaged, out _), damaged);
        Assert.False(StaffPasswords.Verify(damaged, "hunter2"));
    }

    [Fact]
    public void Costs_are_capped_at_what_the_caps_say()
    {
        string vector = LibsodiumVector();
        string At(int memoryKiB, int passes) => vector.Replace("m=65536,t=2", $"m={memoryKiB},t={passes}", StringComparison.Ordinal);
        Assert.True(Argon2idHashString.TryParse(At(Argon2idHashString.MaxMemoryKiB, Argon2idHashString.MaxPasses), out _));
        Assert.False(Argon2idHashString.TryParse(At(Argon2idHashString.MaxMemoryKiB + 1, 2), out _));
        Assert.False(Argon2idHashString.TryParse(At(65536, Argon2idHashString.MaxPasses + 1), out _));
    }

    [Theory]
    [InlineData("m=4194304,t=2")]    // 4 GiB
    [InlineData("m=8,t=100000000")]  // a hundred million passes
    [InlineData("m=999999999,t=999999999")]
    public void A_hostile_stored_string_is_refused_without_computing_it(string costs)
    {
        string hostile = LibsodiumVector().Replace("m=65536,t=2", costs, StringComparison.Ordinal);
        StaffPasswords.Verify(LibsodiumVector(), "warm-up"); // JIT and the first libsodium call, outside the clock
        var clock = Stopwatch.StartNew();
        Assert.False(StaffPasswords.Verify(hostile, "hunter2"));
        // Computing any of these takes minutes or gigabytes; refusing it takes microseconds.
        Assert.True(clock.Elapsed < TimeSpan.FromMilliseconds(200), $"took {clock.Elapsed.TotalMilliseconds} ms: it was computed");
    }
}
