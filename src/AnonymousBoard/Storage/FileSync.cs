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

    private static class NativeMethods
    {
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
