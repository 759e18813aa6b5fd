using System.Threading.RateLimiting;
using AnonymousBoard.Hosting;
using AnonymousBoard.Settings;
using Microsoft.Extensions.Options;

namespace AnonymousBoard.Identity;

/// <summary>The identity fields of the posting form, as typed.</summary>
public sealed record IdentityInput(string? NameField, string? Passphrase, string? Signature);

/// <summary>
/// Turns the identity parts of a posting form into what the post will show: tripcodes from the
/// name field, a pseudonym from a signing passphrase or a pasted OpenSSH signature. Argon2id is
/// deliberately expensive, so its work is bounded here: few at a time, and a budget per minute,
/// so these fields cannot be used to burn the server's CPU and memory.
/// </summary>
public sealed class IdentityService : IDisposable
{
    public const int MaxPassphraseLength = 1024;
    public const int MaxSignatureLength = 4096;

    private readonly Lazy<SecureTripcode> _secure;
    private readonly SemaphoreSlim _concurrent = new(Math.Max(1, Environment.ProcessorCount / 2));
    private readonly TokenBucketRateLimiter _perMinute;

    public IdentityService(IOptions<BoardOptions> options)
    {
        var dataDirectory = options.Value.DataDirectory;
        _secure = new Lazy<SecureTripcode>(() => SecureTripcode.Open(dataDirectory));
        var budget = options.Value.KeyDerivationsPerMinute;
        _perMinute = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = budget,
            TokensPerPeriod = budget,
            ReplenishmentPeriod = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }

    /// <summary>The name to show (keys removed), or the name as typed when a '#' carries no key.</summary>
    public static string DisplayName(string? nameField)
    {
        var parsed = NameField.Parse(nameField);
        return parsed.ClassicKey is null && parsed.SecureKey is null ? nameField ?? "" : parsed.Name;
    }

    /// <summary>
    /// The post's identity, or the reason the form must go back. The signed message is built
    /// from the same board, thread, subject and body the post is stored with.
    /// </summary>
    public (PostIdentity? Identity, string? Error) Resolve(IdentityInput input, string board, long? thread, string subject, string body)
    {
        var passphrase = input.Passphrase ?? "";
        var signature = (input.Signature ?? "").Trim();
        if (passphrase.Length > MaxPassphraseLength)
        {
            return (null, $"The signing passphrase is longer than {MaxPassphraseLength} characters.");
        }
        if (signature.Length > MaxSignatureLength)
        {
            return (null, "The pasted signature is far longer than an Ed25519 SSH signature; paste only the -----BEGIN SSH SIGNATURE----- block.");
        }
        if (passphrase.Length > 0 && signature.Length > 0)
        {
            return (null, "Use either a signing passphrase or a pasted signature, not both.");
        }
        if (passphrase.Length > 0 && PseudonymKey.PassphraseProblem(passphrase) is { } weak)
        {
            return (null, weak);
        }

        var name = NameField.Parse(input.NameField);
        var needsArgon = passphrase.Length > 0 || name.SecureKey is not null;
        using var lease = needsArgon ? _perMinute.AttemptAcquire() : null;
        if (lease is { IsAcquired: false })
        {
            return (null, "The board is computing too many secure tripcodes and passphrase keys right now. Your post was not sent; try again in a minute.");
        }
        if (needsArgon)
        {
            _concurrent.Wait();
        }
        try
        {
            var tripcode = Tripcode(name);
            var message = SignedMessage.Build(board, thread, subject, body);
            if (passphrase.Length > 0)
            {
                var signed = PseudonymKey.Sign(passphrase, System.Text.Encoding.UTF8.GetBytes(message));
                return (new PostIdentity(tripcode, signed.PublicKey, signed.ArmoredSignature.Trim(), message), null);
            }
            if (signature.Length > 0)
            {
                var check = SshSignature.Verify(signature, System.Text.Encoding.UTF8.GetBytes(message));
                if (!check.IsValid)
                {
                    return (null, $"The signature was not accepted: {check.Reason} It must sign exactly the message shown under \"Sign this post\", for this board and thread.");
                }
                return (new PostIdentity(tripcode, check.PublicKey, signature, message), null);
            }
            return (tripcode is null ? PostIdentity.None : new PostIdentity(tripcode, null, null, null), null);
        }
        finally
        {
            if (needsArgon)
            {
                _concurrent.Release();
            }
        }
    }

    private string? Tripcode(NameField name)
    {
        var parts = new List<string>();
        if (name.ClassicKey is { } classic)
        {
            parts.Add("!" + ClassicTripcode.Compute(classic));
        }
        if (name.SecureKey is { } secure)
        {
            parts.Add("!!" + _secure.Value.Compute(secure));
        }
        return parts.Count == 0 ? null : string.Join(' ', parts);
    }

    public void Dispose()
    {
        _concurrent.Dispose();
        _perMinute.Dispose();
    }
}
