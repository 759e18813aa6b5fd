using System.Runtime.InteropServices;

namespace AnonymousBoard.Storage;

/// <summary>Making what was just written survive a power cut, where .NET has no call for it.</summary>
public static class FileSync
{
    /// <summary>fsync on a directory: makes the entries just created or renamed in it durable.</summary>
    public static void Directory(string directory)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        const int ReadOnlyCloseOnExec = 0x80000; // O_RDONLY | O_CLOEXEC
        var descriptor = NativeMethods.open(System.Text.Encoding.UTF8.GetBytes(directory + "\0"), ReadOnlyCloseOnExec);
        if (descriptor < 0)
        {
            throw new IOException($"Cannot open {directory} to sync it (errno {Marshal.GetLastPInvokeError()}).");
        }
        try
        {
            if (NativeMethods.fsync(descriptor) != 0)
            {
                throw new IOException($"Cannot sync {directory} (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = NativeMethods.close(descriptor);
        }
    }

    /// <summary>
    /// Creates a secret file (mode 0600) holding <paramref name="content"/>, unless one is already
    /// there: several instances sharing a data directory may start at once, and the first one's
    /// file stands. Written in full under a temporary name first, so nobody reads half a file, then
    /// put in place with link(2): .NET moves with rename(2), which would silently replace a file
    /// another instance put there a moment ago; link fails instead.
    /// </summary>
    public static void CreateOnce(string path, ReadOnlySpan<byte> content)
    {
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using (var stream = new FileStream(temporary, options))
        {
            stream.Write(content);
            stream.Flush(flushToDisk: true);
        }
        var result = NativeMethods.link(System.Text.Encoding.UTF8.GetBytes(temporary + "\0"), System.Text.Encoding.UTF8.GetBytes(path + "\0"));
        var error = Marshal.GetLastPInvokeError();
        File.Delete(temporary);
        if (result != 0 && !File.Exists(path))
        {
            throw new IOException($"Could not create {path}: {Marshal.GetPInvokeErrorMessage(error)}");
        }
        Directory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
    }

    private static class NativeMethods
    {
        [DllImport("libc.so.6", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern int link(byte[] oldPath, byte[] newPath); // NUL-terminated UTF-8

        [DllImport("libc.so.6", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern int open(byte[] nulTerminatedPath, int flags);

        [DllImport("libc.so.6", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern int fsync(int descriptor);

        [DllImport("libc.so.6")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern int close(int descriptor);
    }
}
