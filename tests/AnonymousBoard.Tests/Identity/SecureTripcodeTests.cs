using System.Runtime.Versioning;
using AnonymousBoard.Identity;
using Xunit;

namespace AnonymousBoard.Tests.Identity;

// File modes are checked the POSIX way; the board runs on Linux only (libcrypt.so.1, link(2)).
[SupportedOSPlatform("linux")]
public class SecureTripcodeTests
{
    [Fact]
    public void Is_twelve_url_safe_characters()
    {
        using var data = new TempDirectory();
        string tripcode = SecureTripcode.Open(data.Path).Compute("password");
        Assert.Matches("^[A-Za-z0-9_-]{12}$", tripcode);
    }

    [Fact]
    public void Is_stable_for_one_data_directory_and_differs_between_two()
    {
        using var first = new TempDirectory();
        using var second = new TempDirectory();
        string original = SecureTripcode.Open(first.Path).Compute("hunter2");
        Assert.Equal(original, SecureTripcode.Open(first.Path).Compute("hunter2"));
        Assert.NotEqual(original, SecureTripcode.Open(second.Path).Compute("hunter2"));
        Assert.NotEqual(original, SecureTripcode.Open(first.Path).Compute("hunter3"));
    }

    [Fact]
    public void Depends_on_the_secret_file_contents()
    {
        using var data = new TempDirectory();
        string path = data.File(SecureTripcode.SecretFileName);
        File.WriteAllBytes(path, new byte[32]);
        string zeros = SecureTripcode.Open(data.Path).Compute("x");
        File.WriteAllBytes(path, Enumerable.Repeat((byte)1, 32).ToArray());
        Assert.NotEqual(zeros, SecureTripcode.Open(data.Path).Compute("x"));
    }

    [Fact]
    public void Secret_file_is_32_bytes_readable_only_by_the_owner()
    {
        using var data = new TempDirectory();
        SecureTripcode.Open(data.Path);
        string path = data.File(SecureTripcode.SecretFileName);
        Assert.Equal(32, new FileInfo(path).Length);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Single(Directory.GetFiles(data.Path));
    }

    [Fact]
    public void Creates_a_missing_data_directory()
    {
        using var data = new TempDirectory();
        string nested = Path.Combine(data.Path, "a", "b");
        SecureTripcode.Open(nested);
        Assert.True(File.Exists(Path.Combine(nested, SecureTripcode.SecretFileName)));
    }

    [Fact]
    public void A_damaged_secret_file_is_refused_not_replaced()
    {
        using var data = new TempDirectory();
        string path = data.File(SecureTripcode.SecretFileName);
        File.WriteAllBytes(path, new byte[5]);
        var error = Assert.Throws<InvalidOperationException>(() => SecureTripcode.Open(data.Path));
        Assert.Contains("5 bytes", error.Message, StringComparison.Ordinal);
        Assert.Equal(5, new FileInfo(path).Length);
    }

    [Fact]
    public void Normalises_the_password_to_NFC()
    {
        using var data = new TempDirectory();
        SecureTripcode tripcode = SecureTripcode.Open(data.Path);
        Assert.Equal(tripcode.Compute("caf\u00E9"), tripcode.Compute("cafe\u0301"));
    }

    [Fact]
    public void Instances_racing_to_create_the_secret_agree()
    {
        for (int round = 0; round < 3; round++)
        {
            using var data = new TempDirectory();
            string[] results = new string[8];
            using var start = new Barrier(results.Length);
            Thread[] threads = Enumerable.Range(0, results.Length).Select(i => new Thread(() =>
            {
                start.SignalAndWait();
                results[i] = SecureTripcode.Open(data.Path).Compute("race");
            })).ToArray();
            Array.ForEach(threads, thread => thread.Start());
            Array.ForEach(threads, thread => thread.Join());
            Assert.All(results, result => Assert.Equal(results[0], result));
            Assert.Single(Directory.GetFiles(data.Path));
        }
    }
}
