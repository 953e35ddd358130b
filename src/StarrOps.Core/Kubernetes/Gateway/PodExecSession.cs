using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Text;
using k8s;
using k8s.Autorest;
using StarrOps.Core.Hosting;

namespace StarrOps.Core.Kubernetes.Gateway;

/// <summary>
/// A command in a container over KubernetesClient's exec WebSocket (its URL, TLS, client certificate and token).
/// Every binary message starts with a channel byte: 0 stdin, 1 stdout, 2 stderr, 3 the final meta/v1 Status (exit
/// code in <c>details.causes[reason=ExitCode]</c>). <c>v5.channel.k8s.io</c> adds channel 255 to close a stream,
/// which is how the command sees the end of its stdin; <c>v4.channel.k8s.io</c> cannot, so stdin needs v5. Both
/// are offered (KubernetesClient asks for one; the builder adds v5 in front). Stdout is copied to the caller's
/// stream as it arrives, never buffered whole: KubernetesClient's StreamDemuxer has no v5 close, hence this.
/// </summary>
internal static class PodExecSession
{
    public const string ProtocolV5 = "v5.channel.k8s.io";
    public const string ProtocolV4 = "v4.channel.k8s.io";
    private const byte StdinChannel = 0;
    private const byte StdoutChannel = 1;
    private const byte StderrChannel = 2;
    private const byte StatusChannel = 3;
    private const byte CloseSignal = 255;
    private const int StatusLimit = 64 * 1024;
    private static readonly AsyncLocal<StrongBox<ExecSocketBuilder?>?> Current = new();

    /// <summary>Offers v5 before KubernetesClient's v4, and keeps the upgrade's status code for a refused upgrade.</summary>
    internal sealed class ExecSocketBuilder : WebSocketBuilder
    {
        public ExecSocketBuilder()
        {
            Options.AddSubProtocol(ProtocolV5);
            Options.CollectHttpResponseDetails = true;
            Options.KeepAliveInterval = TimeSpan.FromSeconds(20);
            if (Current.Value is { } box) box.Value = this;
        }

        public ClientWebSocket Socket => WebSocket;
    }

    /// <returns>The command's exit code and how many bytes it wrote to stdout.</returns>
    public static async Task<(int ExitCode, long StdoutBytes)> RunAsync(KubeGateway gateway, ExecTarget target, Stream? stdin, Stream stdout, Stream stderr,
        CancellationToken cancellationToken)
    {
        if (target.Command.Count == 0) throw new ArgumentException("An exec needs a command.", nameof(target));
        var operation = target.Operation;
        using var socket = await ConnectAsync(gateway, target, stdin is not null, cancellationToken).ConfigureAwait(false);
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

    private static async Task<WebSocket> ConnectAsync(KubeGateway gateway, ExecTarget target, bool withStdin, CancellationToken cancellationToken)
    {
        var operation = target.Operation;
        var client = gateway.Client;
        for (var attempt = 0; ; attempt++)
        {
            var box = new StrongBox<ExecSocketBuilder?>();
            Current.Value = box;
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(gateway.Timeout);
            var stopwatch = Stopwatch.StartNew();
            var path = KubeHttpHandler.Describe(ExecUri(client, target, withStdin));
            try
            {
                var socket = await client.WebSocketNamespacedPodExecAsync(target.Pod, target.Namespace, target.Command, target.Container,
                    stderr: true, stdin: withStdin, stdout: true, tty: false, webSocketSubProtocol: ProtocolV4, cancellationToken: deadline.Token).ConfigureAwait(false);
                gateway.Host.WriteVerbose($"Kubernetes: GET {path} -> 101 {socket.SubProtocol} ({stopwatch.ElapsedMilliseconds} ms)");
                return socket;
            }
            catch (WebSocketException) when (box.Value?.Socket.HttpStatusCode is { } status and not 0 and not HttpStatusCode.SwitchingProtocols)
            {
                box.Value.Socket.Dispose();
                gateway.Host.WriteVerbose($"Kubernetes: GET {path} -> {(int)status} ({stopwatch.ElapsedMilliseconds} ms)");
                if (status == HttpStatusCode.Unauthorized && attempt == 0 && gateway.Configuration.TokenFile?.Invalidate() == true) continue;
                // The upgrade's refusal is explained only in its body: ask again without the upgrade to read the Status.
                var body = await ExplainRefusalAsync(gateway, ExecUri(client, target, withStdin), cancellationToken).ConfigureAwait(false);
                throw KubeErrors.Refused(operation, status, body, gateway.Connection);
            }
            catch (WebSocketException ex)
            {
                box.Value?.Socket.Dispose();
                if (cancellationToken.IsCancellationRequested) throw new OperationCanceledException(cancellationToken);
                if (deadline.IsCancellationRequested) throw KubeErrors.TimedOut(operation, gateway.Connection, gateway.Timeout);
                throw KubeErrors.Unreachable(operation, ex.InnerException as HttpRequestException ?? new HttpRequestException(ex.Message, ex.InnerException ?? ex),
                    gateway.Connection);
            }
            catch (Exception ex) when (ex is HttpOperationException or HttpRequestException or OperationCanceledException
                && KubeErrors.Translate(ex, operation, gateway.Connection, gateway.Timeout, cancellationToken) is { } translated)
            {
                box.Value?.Socket.Dispose();
                throw translated;
            }
            finally
            {
                Current.Value = null;
            }
        }
    }

    private static Uri ExecUri(k8s.Kubernetes client, ExecTarget target, bool withStdin)
    {
        // The URL KubernetesClient builds for exec, as https.
        var query = new StringBuilder();
        foreach (var part in target.Command) query.Append("command=").Append(Uri.EscapeDataString(part)).Append('&');
        if (target.Container is not null) query.Append("container=").Append(Uri.EscapeDataString(target.Container)).Append('&');
        query.Append("stderr=1&stdin=").Append(withStdin ? '1' : '0').Append("&stdout=1&tty=0");
        var builder = new UriBuilder(client.BaseUri);
        if (!builder.Path.EndsWith('/')) builder.Path += "/";
        builder.Path += $"api/v1/namespaces/{target.Namespace}/pods/{target.Pod}/exec";
        builder.Query = query.ToString();
        return builder.Uri;
    }

    private static async Task<string?> ExplainRefusalAsync(KubeGateway gateway, Uri uri, CancellationToken cancellationToken)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            if (gateway.Client.Credentials is { } credentials) await credentials.ProcessHttpRequestAsync(request, cancellationToken).ConfigureAwait(false);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(gateway.Timeout);
            using var response = await gateway.Client.HttpClient.SendAsync(request, deadline.Token).ConfigureAwait(false);
            return await response.Content.ReadAsStringAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            return null;
        }
    }

    private static async Task<long> ReceiveAsync(WebSocket socket, Stream stdout, Stream stderr, MemoryStream status, CancellationToken cancellationToken)
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

    private static async Task PumpStdinAsync(WebSocket socket, Stream stdin, CancellationToken cancellationToken)
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
        var status = KubeErrors.ParseStatus(Encoding.UTF8.GetString(statusBytes.GetBuffer(), 0, (int)statusBytes.Length));
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
