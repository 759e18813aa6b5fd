using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace AnonymousBoard.Identity;

/// <summary>
/// The few libsodium functions the identity features use, from the system library.
/// Every method throws <see cref="InvalidOperationException"/> naming the package to install
/// when the library is missing; check <see cref="IsAvailable"/> at startup to fail early.
/// </summary>
public static class Sodium
{
    // The versioned soname: the unversioned libsodium.so exists only with the -dev package.
    private const string Library = "libsodium.so.23";

    public const int PublicKeyBytes = 32;
    public const int SecretKeyBytes = 64;
    public const int SeedBytes = 32;
    public const int SignatureBytes = 64;
    public const int SaltBytes = 16;

    // crypto_pwhash_ALG_ARGON2ID13, passed explicitly so a library default can never change our keys.
    private const int Argon2id13 = 2;
    private const int PwHashStrBytes = 128;

    private static readonly Lazy<string?> LoadFailure = new(Initialise);
    private static readonly Lock Choosing = new();
    private static string? _chosen;

    /// <summary>
    /// Loads libsodium from <paramref name="nameOrPath"/> instead of libsodium.so.23: another
    /// distribution's soname (libsodium.so.26) or a path. Call before the first use.
    /// </summary>
    public static void UseLibrary(string nameOrPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(nameOrPath);
        lock (Choosing)
        {
            if (nameOrPath == (_chosen ?? Library))
            {
                return;
            }
            if (LoadFailure.IsValueCreated)
            {
                throw new InvalidOperationException($"libsodium is already in use as {_chosen ?? Library}; choose the library before the first use.");
            }
            if (_chosen is null)
            {
                // Only this library's name is redirected; every other DllImport resolves as usual.
                NativeLibrary.SetDllImportResolver(typeof(Sodium).Assembly, (name, _, _) =>
                    name == Library && _chosen is { } chosen ? NativeLibrary.Load(chosen) : IntPtr.Zero);
            }
            _chosen = nameOrPath;
        }
    }

    /// <summary>True when libsodium could be loaded and initialised.</summary>
    public static bool IsAvailable => LoadFailure.Value is null;

    /// <summary>Why libsodium is unusable, or null when it is fine.</summary>
    public static string? UnavailableReason => LoadFailure.Value;

    /// <summary>Derives a deterministic key from a seed; the secret key is seed followed by public key.</summary>
    public static void SeedKeyPair(ReadOnlySpan<byte> seed, Span<byte> publicKey, Span<byte> secretKey)
    {
        RequireLength(seed, SeedBytes, nameof(seed));
        RequireLength(publicKey, PublicKeyBytes, nameof(publicKey));
        RequireLength(secretKey, SecretKeyBytes, nameof(secretKey));
        EnsureAvailable();
        Check(NativeMethods.crypto_sign_seed_keypair(
            ref MemoryMarshal.GetReference(publicKey),
            ref MemoryMarshal.GetReference(secretKey),
            ref MemoryMarshal.GetReference(seed)), "crypto_sign_seed_keypair");
    }

    /// <summary>Writes the 64-byte Ed25519 signature of <paramref name="message"/>.</summary>
    public static void Sign(Span<byte> signature, ReadOnlySpan<byte> message, ReadOnlySpan<byte> secretKey)
    {
        RequireLength(signature, SignatureBytes, nameof(signature));
        RequireLength(secretKey, SecretKeyBytes, nameof(secretKey));
        EnsureAvailable();
        Check(NativeMethods.crypto_sign_detached(
            ref MemoryMarshal.GetReference(signature),
            out _,
            ref MemoryMarshal.GetReference(message),
            (ulong)message.Length,
            ref MemoryMarshal.GetReference(secretKey)), "crypto_sign_detached");
    }

    /// <summary>False for a bad signature and for inputs of the wrong length, which come from users.</summary>
    public static bool Verify(ReadOnlySpan<byte> signature, ReadOnlySpan<byte> message, ReadOnlySpan<byte> publicKey)
    {
        if (signature.Length != SignatureBytes || publicKey.Length != PublicKeyBytes)
        {
            return false;
        }
        EnsureAvailable();
        return NativeMethods.crypto_sign_verify_detached(
            ref MemoryMarshal.GetReference(signature),
            ref MemoryMarshal.GetReference(message),
            (ulong)message.Length,
            ref MemoryMarshal.GetReference(publicKey)) == 0;
    }

    /// <summary>Argon2id (version 1.3) of <paramref name="password"/>, filling <paramref name="output"/>.</summary>
    /// <exception cref="InvalidOperationException">libsodium refused, in practice for lack of memory.</exception>
    public static void Argon2id(Span<byte> output, ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, ulong opsLimit, nuint memLimitBytes)
    {
        RequireLength(salt, SaltBytes, nameof(salt));
        EnsureAvailable();
        Check(NativeMethods.crypto_pwhash(
            ref MemoryMarshal.GetReference(output),
            (ulong)output.Length,
            ref MemoryMarshal.GetReference(password),
            (ulong)password.Length,
            ref MemoryMarshal.GetReference(salt),
            opsLimit,
            memLimitBytes,
            Argon2id13), $"crypto_pwhash (Argon2id with {memLimitBytes / 1024 / 1024} MiB)");
    }

    /// <summary>A self-describing "$argon2id$..." string with a random salt, for storing a password.</summary>
    public static string PasswordHashString(ReadOnlySpan<byte> password, ulong opsLimit, nuint memLimitBytes)
    {
        EnsureAvailable();
        Span<byte> text = stackalloc byte[PwHashStrBytes];
        Check(NativeMethods.crypto_pwhash_str(
            ref MemoryMarshal.GetReference(text),
            ref MemoryMarshal.GetReference(password),
            (ulong)password.Length,
            opsLimit,
            memLimitBytes), "crypto_pwhash_str");
        return Encoding.ASCII.GetString(text[..text.IndexOf((byte)0)]);
    }

    /// <summary>Whether <paramref name="password"/> matches a string from <see cref="PasswordHashString"/>.</summary>
    public static bool VerifyPasswordHashString(string hash, ReadOnlySpan<byte> password)
    {
        ArgumentNullException.ThrowIfNull(hash);
        EnsureAvailable();
        // libsodium reads a NUL-terminated string of at most 128 bytes including the NUL.
        if (hash.Length >= PwHashStrBytes || hash.Contains('\0', StringComparison.Ordinal))
        {
            return false;
        }
        byte[] text = new byte[hash.Length + 1];
        Encoding.ASCII.GetBytes(hash, text);
        return NativeMethods.crypto_pwhash_str_verify(
            ref MemoryMarshal.GetArrayDataReference(text),
            ref MemoryMarshal.GetReference(password),
            (ulong)password.Length) == 0;
    }

    /// <summary>Overwrites secrets in a way the compiler cannot optimise away.</summary>
    public static void MemZero(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return;
        }
        if (!IsAvailable)
        {
            // .NET's own guarantee of the same: wiping a secret must not fail for want of libsodium.
            CryptographicOperations.ZeroMemory(buffer);
            return;
        }
        NativeMethods.sodium_memzero(ref MemoryMarshal.GetReference(buffer), (nuint)buffer.Length);
    }

    private static string? Initialise()
    {
        try
        {
            // 0 = initialised now, 1 = already initialised, -1 = failure.
            return NativeMethods.sodium_init() < 0 ? "libsodium could not initialise (sodium_init returned -1)." : null;
        }
        catch (DllNotFoundException)
        {
            return $"{_chosen ?? Library} was not found or could not be loaded: install it with 'apt-get install libsodium23'.";
        }
        catch (EntryPointNotFoundException)
        {
            return $"{_chosen ?? Library} lacks sodium_init: install Debian's libsodium23 ('apt-get install libsodium23').";
        }
    }

    private static void EnsureAvailable()
    {
        if (LoadFailure.Value is { } reason)
        {
            throw new InvalidOperationException(reason);
        }
    }

    private static void Check(int result, string function)
    {
        if (result != 0)
        {
            throw new InvalidOperationException($"libsodium {function} failed (out of memory?).");
        }
    }

    private static void RequireLength(ReadOnlySpan<byte> buffer, int length, string name)
    {
        if (buffer.Length != length)
        {
            throw new ArgumentException($"Expected {length} bytes, got {buffer.Length}.", name);
        }
    }

    // Spans are passed as "ref first element": blittable, pinned for the call, no unsafe code needed.
    private static class NativeMethods
    {
        [DllImport(Library)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern int sodium_init();

        [DllImport(Library)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern int crypto_sign_seed_keypair(ref byte pk, ref byte sk, ref byte seed);

        [DllImport(Library)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern int crypto_sign_detached(ref byte sig, out ulong siglen, ref byte m, ulong mlen, ref byte sk);

        [DllImport(Library)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern int crypto_sign_verify_detached(ref byte sig, ref byte m, ulong mlen, ref byte pk);

        [DllImport(Library)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern int crypto_pwhash(
            ref byte output, ulong outlen, ref byte passwd, ulong passwdlen, ref byte salt, ulong opslimit, nuint memlimit, int alg);

        [DllImport(Library)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern int crypto_pwhash_str(ref byte output, ref byte passwd, ulong passwdlen, ulong opslimit, nuint memlimit);

        [DllImport(Library)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern int crypto_pwhash_str_verify(ref byte str, ref byte passwd, ulong passwdlen);

        [DllImport(Library)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern void sodium_memzero(ref byte pnt, nuint len);
    }
}
