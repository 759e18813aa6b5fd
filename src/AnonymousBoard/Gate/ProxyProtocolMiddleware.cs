using System.Buffers;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AnonymousBoard.Gate;

/// <summary>The tor circuit a connection arrived on, set by <see cref="ProxyProtocolMiddleware"/>.</summary>
public interface ICircuitFeature
{
    uint CircuitId { get; }
}

public sealed class CircuitFeature(uint circuitId) : ICircuitFeature
{
    public uint CircuitId { get; } = circuitId;
}

public static class CircuitIdExtensions
{
    /// <summary>
    /// The circuit id of the connection this request came on, or null for a connection without a PROXY
    /// header (only possible on a listener with requireHeader: false). Kestrel's request feature collection
    /// falls back to the connection's features, so what the middleware set is visible here.
    /// </summary>
    public static uint? GetCircuitId(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Features.Get<ICircuitFeature>()?.CircuitId;
    }

    /// <summary>
    /// Reads tor's PROXY line before Kestrel sees any HTTP. Put it on the listener tor connects to:
    /// <c>kestrel.ListenUnixSocket(path, listen => listen.UseTorCircuitId(requireHeader: true))</c>.
    /// </summary>
    public static ListenOptions UseTorCircuitId(this ListenOptions listen, bool requireHeader, TimeSpan? headerTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(listen);
        var logger = listen.ApplicationServices.GetService<ILoggerFactory>()?.CreateLogger<ProxyProtocolMiddleware>()
            ?? NullLogger<ProxyProtocolMiddleware>.Instance;
        var timeout = headerTimeout ?? ProxyProtocolMiddleware.DefaultHeaderTimeout;
        listen.Use(next => new ProxyProtocolMiddleware(next, requireHeader, timeout, logger).OnConnectionAsync);
        return listen;
    }
}

/// <summary>
/// Kestrel connection middleware: consumes exactly the PROXY line and leaves every byte after it for HTTP.
/// With <c>requireHeader</c> a connection without a valid header is dropped, so that nothing reaching
/// the board through tor's socket can be without a circuit id.
/// </summary>
public sealed partial class ProxyProtocolMiddleware(
    ConnectionDelegate next, bool requireHeader, TimeSpan headerTimeout, ILogger<ProxyProtocolMiddleware> logger)
{
    /// <summary>Tor writes the line as soon as the stream opens; waiting longer only helps slow-loris clients.</summary>
    public static readonly TimeSpan DefaultHeaderTimeout = TimeSpan.FromSeconds(10);

    public async Task OnConnectionAsync(ConnectionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (circuitId, failure) = await ReadHeaderAsync(context);
        if (failure is not null)
        {
            LogRefused(logger, context.ConnectionId, failure);
            context.Abort(new ConnectionAbortedException(failure));
            return;
        }
        if (circuitId is uint id)
        {
            context.Features.Set<ICircuitFeature>(new CircuitFeature(id));
        }
        await next(context);
    }

    private async Task<(uint? CircuitId, string? Failure)> ReadHeaderAsync(ConnectionContext context)
    {
        var input = context.Transport.Input;
        // Not linked to ConnectionClosed: the socket transport may signal it on the client's FIN while
        // the header and request are still unread in the pipe, and those bytes deserve an answer.
        using var timeout = new CancellationTokenSource(headerTimeout);
        try
        {
            while (true)
            {
                var read = await input.ReadAsync(timeout.Token);
                var buffer = read.Buffer;
                switch (ProxyProtocol.Scan(buffer, out var length))
                {
                    case ProxyScan.Line:
                        var line = buffer.Slice(0, length);
                        var parsed = ProxyProtocol.Parse(line.ToArray());
                        // Consume the header and nothing else: the rest is the HTTP request.
                        input.AdvanceTo(line.End);
                        return (parsed.CircuitId, parsed.Reason);
                    case ProxyScan.NoHeader:
                        // Examined nothing, so the HTTP parser's first read returns these same bytes at once.
                        input.AdvanceTo(buffer.Start);
                        return requireHeader
                            ? (null, "connection does not start with a PROXY header, and this listener requires one")
                            : (null, null);
                    case ProxyScan.Oversized:
                        input.AdvanceTo(buffer.Start, buffer.End);
                        return (null, $"no CRLF within the first {ProxyProtocol.MaxHeaderLength} bytes of a PROXY header");
                    default:
                        if (read.IsCompleted)
                        {
                            input.AdvanceTo(buffer.Start, buffer.End);
                            return buffer.IsEmpty && !requireHeader
                                ? (null, null)
                                : (null, "connection ended before a complete PROXY header");
                        }
                        // Looked at everything: the next read waits for more bytes instead of spinning.
                        input.AdvanceTo(buffer.Start, buffer.End);
                        break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return (null, $"no complete PROXY header within {headerTimeout.TotalSeconds:0.#} seconds");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Connection {ConnectionId} dropped: {Reason}")]
    private static partial void LogRefused(ILogger logger, string connectionId, string reason);
}
