using System.Diagnostics;

namespace AnonymousBoard.Tests.Durability;

/// <summary>
/// A small file system of its own for one test, so a disk can really fill up or really turn
/// read-only under the board: a size-limited tmpfs, or ext4 on a loop device mounted with
/// errors=remount-ro (what a failing disk does to a server). Mounting needs root (CAP_SYS_ADMIN).
/// </summary>
internal sealed class ScratchMount : IDisposable
{
    private readonly string? _image;

    private ScratchMount(string path, string? image)
    {
        Path = path;
        _image = image;
    }

    public string Path { get; }

    /// <summary>Why nothing can be mounted here, or null when a tmpfs mount works (tried once).</summary>
    public static string? Unavailable => Probe.Value;

    private static readonly Lazy<string?> Probe = new(() =>
    {
        var dir = Directory.CreateTempSubdirectory("anonboard-mount-probe-").FullName;
        try
        {
            var (code, output) = Run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", dir);
            if (code != 0)
            {
                return $"cannot mount a file system here (needs root with CAP_SYS_ADMIN): {output.Trim()}";
            }
            Run("umount", dir);
            return null;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"mount is not installed: {e.Message}";
        }
        finally
        {
            Directory.Delete(dir);
        }
    });

    /// <summary>A tmpfs of <paramref name="size"/> (e.g. "16m"), with extra mount options such as "ro".</summary>
    public static ScratchMount Tmpfs(string size, string extraOptions = "")
    {
        var dir = Directory.CreateTempSubdirectory("anonboard-tmpfs-").FullName;
        var options = "size=" + size + (extraOptions.Length > 0 ? "," + extraOptions : "");
        Check(Run("mount", "-t", "tmpfs", "-o", options, "tmpfs", dir), "mount tmpfs");
        return new ScratchMount(dir, null);
    }

    /// <summary>ext4 in a file of <paramref name="megabytes"/> MiB on a loop device, mounted errors=remount-ro.</summary>
    public static ScratchMount Ext4(int megabytes)
    {
        var root = Directory.CreateTempSubdirectory("anonboard-ext4-").FullName;
        var image = System.IO.Path.Combine(root, "disk.img");
        using (var file = new FileStream(image, FileMode.CreateNew))
        {
            file.SetLength(megabytes * 1024L * 1024);
        }
        Check(Run("mkfs.ext4", "-q", "-F", image), "mkfs.ext4");
        var dir = Directory.CreateDirectory(System.IO.Path.Combine(root, "mnt")).FullName;
        Check(Run("mount", "-o", "loop,errors=remount-ro", image, dir), "mount -o loop");
        return new ScratchMount(dir, image);
    }

    /// <summary>The device and options of this mount, as /proc/mounts lists them.</summary>
    public (string Device, string Options) Entry =>
        File.ReadAllLines("/proc/mounts").Select(l => l.Split(' ')).Where(f => f[1] == Path).Select(f => (f[0], f[3])).Last();

    /// <summary>Read-only, or (newer kernels) ext4's "emergency_ro" after an error, which refuses writes the same way.</summary>
    public bool IsReadOnly => Entry.Options.Split(',').Any(o => o is "ro" or "emergency_ro");

    /// <summary>
    /// Makes ext4 report an error on this file system, through its own debugging switch in sysfs;
    /// with errors=remount-ro the kernel turns it read-only at once, open files and all.
    /// </summary>
    public string? FailDisk()
    {
        var trigger = $"/sys/fs/ext4/{System.IO.Path.GetFileName(Entry.Device)}/trigger_fs_error";
        if (!File.Exists(trigger))
        {
            return $"this kernel has no {trigger}";
        }
        File.WriteAllText(trigger, "1");
        return null;
    }

    public void Dispose()
    {
        // The board has let go of its files by now; a few tries cover a vips job still exiting.
        for (var attempt = 0; Run("umount", Path).Code != 0; attempt++)
        {
            if (attempt == 20)
            {
                Run("umount", "-l", Path);
                break;
            }
            Thread.Sleep(100);
        }
        Directory.Delete(_image is null ? Path : System.IO.Path.GetDirectoryName(_image)!, recursive: true);
    }

    private static void Check((int Code, string Output) run, string what) =>
        Assert.True(run.Code == 0, $"{what} failed: {run.Output}");

    private static (int Code, string Output) Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output + error.Result);
    }
}

/// <summary>
/// A fact that needs to mount file systems. Skipped, saying why, where that is impossible, except
/// under CI=true: CI must run it, so there a missing capability is a failure, not a skip.
/// </summary>
public sealed class RequiresMountFactAttribute : FactAttribute
{
    public RequiresMountFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("CI") != "true" && ScratchMount.Unavailable is { } reason)
        {
            Skip = reason;
        }
    }
}
