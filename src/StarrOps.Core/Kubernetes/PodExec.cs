using System.Globalization;
using System.Net.WebSockets;
using System.Text;

namespace StarrOps.Core.Kubernetes;

/// <summary>
/// Runs a command in a container over the API server's WebSocket exec protocol. Every binary message
/// starts with a channel byte: 0 stdin, 1 stdout, 2 stderr, 3 the final meta/v1 Status (exit code in
/// <c>details.causes[reason=ExitCode]</c>), 4 resize. <c>v5.channel.k8s.io</c> adds channel 255 to close a
/// stream, which is how the command sees the end of its stdin; <c>v4.channel.k8s.io</c> cannot, so stdin needs v5.
/// Stdout is copied to the caller's stream as it arrives, never buffered whole.
/// </summary>
internal static class PodExec
{
    public const string ProtocolV5 = "v5.channel.k8s.io";
    public const string ProtocolV4 = "v4.channel.k8s.io";
    private const byte StdinChannel = 0;
    private const byte StdoutChannel = 1;
    private const byte StderrChannel = 2;
    private const byte StatusChannel = 3;
    private const byte CloseSignal = 255;
    private const int StatusLimit = 64 * 1024;

    public static string PathFor(ExecTarget target, bool withStdin)
    {
        var query = new StringBuilder();
        foreach (var part in target.Command) query.Append("command=").Append(Uri.EscapeDataString(part)).Append('&');
        if (target.Container is not null) query.Append("container=").Append(Uri.EscapeDataString(target.Container)).Append('&');
        query.Append("stdin=").Append(withStdin ? "true" : "false").Append("&stdout=true&stderr=true");
        return KubernetesApiResource.Pods.PathFor(target.Namespace, target.Pod, "exec") + "?" + query;
    }

    /// <returns>The command's exit code and how many bytes it wrote to stdout.</returns>
    public static async Task<(int ExitCode, long StdoutBytes)> RunAsync(KubernetesTransport transport, ExecTarget target, Stream? stdin, Stream stdout, Stream stderr,
        CancellationToken cancellationToken)
    {
        if (target.Command.Count == 0) throw new ArgumentException("An exec needs a command.", nameof(target));
        var operation = target.Operation;
        using var socket = await transport.ConnectWebSocketAsync(PathFor(target, stdin is not null), [ProtocolV5, ProtocolV4], operation, cancellationToken)
            .ConfigureAwait(false);
        var protocol = socket.SubProtocol;
        if (protocol is not (ProtocolV5 or ProtocolV4))
            throw new KubernetesException($"{operation}: the API server did not agree on an exec protocol (offered {ProtocolV5}, {ProtocolV4}; got \"{protocol}\").",
                operation, KubernetesFailure.ApiError);
        if (stdin is not null && protocol != ProtocolV5)
            throw new KubernetesException($"{operation}: sending input to {target} needs the {ProtocolV5} protocol (Kubernetes 1.30 or later); this API server offers only {protocol}.",
                operation, KubernetesFailure.ApiError);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pump = stdin is null ? Task.CompletedTask : PumpStdinAsync(socket, stdin, stop.Token);
        var status = new MemoryStream();
        long stdoutBytes;
        try
        {
            stdoutBytes = await ReceiveAsync(socket, stdout, stderr, status, cancellationToken).ConfigureAwait(false);
        }
        catch (WebSocketException ex)
        {
            throw new KubernetesException($"{operation}: the exec session of {target} broke off: {ex.Message}", operation, KubernetesFailure.Unreachable, inner: ex);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            try { await pump.ConfigureAwait(false); } catch (Exception) when (!cancellationToken.IsCancellationRequested) { /* the command ended first */ }
        }
        if (socket.State == WebSocketState.CloseReceived)
        {
            try { await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).ConfigureAwait(false); }
            catch (WebSocketException) { /* the server is gone already */ }
        }
        return (ExitCode(target, status), stdoutBytes);
    }

    private static async Task<long> ReceiveAsync(ClientWebSocket socket, Stream stdout, Stream stderr, MemoryStream status, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        long stdoutBytes = 0;
        var atStart = true;
        byte channel = 0;
        while (true)
        {
            var received = await socket.ReceiveAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false);
            if (received.MessageType == WebSocketMessageType.Close) return stdoutBytes;
            var data = buffer.AsMemory(0, received.Count);
            if (atStart && data.Length > 0)
            {
                channel = data.Span[0];
                data = data[1..];
                atStart = false;
            }
            if (data.Length > 0)
            {
                switch (channel)
                {
                    case StdoutChannel:
                        await stdout.WriteAsync(data, cancellationToken).ConfigureAwait(false);
                        stdoutBytes += data.Length;
                        break;
                    case StderrChannel:
                        await stderr.WriteAsync(data, cancellationToken).ConfigureAwait(false);
                        break;
                    case StatusChannel when status.Length < StatusLimit:
                        status.Write(data.Span);
                        break;
                }
            }
            if (received.EndOfMessage) atStart = true;
        }
    }

    private static async Task PumpStdinAsync(ClientWebSocket socket, Stream stdin, CancellationToken cancellationToken)
    {
        var buffer = new byte[32 * 1024 + 1];
        buffer[0] = StdinChannel;
        int read;
        while ((read = await stdin.ReadAsync(buffer.AsMemory(1), cancellationToken).ConfigureAwait(false)) > 0)
            await socket.SendAsync(buffer.AsMemory(0, read + 1), WebSocketMessageType.Binary, true, cancellationToken).ConfigureAwait(false);
        await socket.SendAsync(new byte[] { CloseSignal, StdinChannel }, WebSocketMessageType.Binary, true, cancellationToken).ConfigureAwait(false);
    }

    private static int ExitCode(ExecTarget target, MemoryStream statusBytes)
    {
        if (statusBytes.Length == 0) return 0;
        var status = KubernetesStatus.TryParse(Encoding.UTF8.GetString(statusBytes.GetBuffer(), 0, (int)statusBytes.Length));
        if (status is null || status.IsSuccess) return 0;
        var exitCode = status.Causes.FirstOrDefault(c => c.Reason == "ExitCode")?.Message;
        if (status.Reason == "NonZeroExitCode" && int.TryParse(exitCode, NumberStyles.Integer, CultureInfo.InvariantCulture, out var code)) return code;
        // The command never ran (executable not found, container not running): there is no exit code.
        throw new KubernetesException($"{target} could not be run: {status.Message ?? status.Reason ?? "unknown error"}", target.Operation,
            KubernetesFailure.CommandFailed, status: status);
    }
}

/// <summary>Keeps the last <c>limit</c> bytes written (stderr of a long command: the error is at the end).</summary>
internal sealed class TailBuffer(int limit) : Stream
{
    private MemoryStream _data = new();

    public override string ToString() => Text();

    public override void Write(byte[] buffer, int offset, int count)
    {
        _data.Write(buffer, offset, count);
        if (_data.Length <= 2L * limit) return;
        var kept = new MemoryStream();
        kept.Write(_data.GetBuffer(), (int)_data.Length - limit, limit);
        _data = kept;
    }

    public override void Flush() { }
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => Math.Min(_data.Length, limit);
    public override long Position { get => Length; set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>The text, at most <c>limit</c> bytes of it.</summary>
    public string Text()
    {
        var length = (int)_data.Length;
        var start = Math.Max(0, length - limit);
        return Encoding.UTF8.GetString(_data.GetBuffer(), start, length - start);
    }
}
