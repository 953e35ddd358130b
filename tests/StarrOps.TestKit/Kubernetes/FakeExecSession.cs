using System.IO.Pipelines;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace StarrOps.TestKit.Kubernetes;

/// <summary>What a client asked to run: <c>kubectl exec -n NS POD -c CONTAINER -- COMMAND</c>.</summary>
public sealed record ExecRequest(string Namespace, string Pod, string Container, IReadOnlyList<string> Command, bool Stdin, string Protocol)
{
    public string CommandLine => string.Join(' ', Command);
}

/// <summary>
/// Emulates a command in a container: read <c>stdin</c> (ends when the client closes it), write
/// <c>stdout</c>/<c>stderr</c>, return the exit code. Throwing means the command could not start
/// (like "executable file not found"): the client gets a Failure Status without an exit code.
/// </summary>
public delegate Task<int> ExecHandler(ExecRequest request, Stream stdin, Stream stdout, Stream stderr);

/// <summary>
/// The server side of the WebSocket exec protocol as the kubelet speaks it (v5.channel.k8s.io and
/// v4.channel.k8s.io): an empty message on stdout when the streams are up, one binary message per write
/// with the channel byte first, stdin from channel 0 until v5's close signal <c>[255, 0]</c>, then the
/// meta/v1 Status on channel 3 and a normal close.
/// </summary>
public static class FakeExecSession
{
    public const string V5 = "v5.channel.k8s.io";
    public const string V4 = "v4.channel.k8s.io";

    internal static async Task RunAsync(WebSocket socket, ExecRequest request, ExecHandler handler, CancellationToken cancellationToken)
    {
        var sendGate = new SemaphoreSlim(1, 1);
        async Task SendAsync(byte channel, ReadOnlyMemory<byte> data)
        {
            var message = new byte[data.Length + 1];
            message[0] = channel;
            data.CopyTo(message.AsMemory(1));
            await sendGate.WaitAsync(cancellationToken);
            try
            {
                await socket.SendAsync(message, WebSocketMessageType.Binary, true, cancellationToken);
            }
            finally
            {
                sendGate.Release();
            }
        }

        var stdin = new Pipe();
        var receiving = ReceiveAsync(socket, stdin.Writer, request.Protocol == V5, cancellationToken);
        await SendAsync(1, ReadOnlyMemory<byte>.Empty); // "the streams are open", as the kubelet signals it

        JsonObject status;
        try
        {
            var exitCode = await handler(request, stdin.Reader.AsStream(), new ChannelStream(1, SendAsync), new ChannelStream(2, SendAsync));
            status = exitCode == 0 ? Success() : NonZeroExit(request, exitCode);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            status = NotStarted(ex.Message);
        }
        await stdin.Reader.CompleteAsync();
        await SendAsync(3, Encoding.UTF8.GetBytes(status.ToJsonString()));
        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", cancellationToken);
        await Task.WhenAny(receiving, Task.Delay(TimeSpan.FromSeconds(5), cancellationToken));
    }

    public static JsonObject Success() => new() { ["metadata"] = new JsonObject(), ["status"] = "Success" };

    public static JsonObject NonZeroExit(ExecRequest request, int exitCode) => new()
    {
        ["metadata"] = new JsonObject(),
        ["status"] = "Failure",
        ["message"] = $"command terminated with non-zero exit code: error executing command [{request.CommandLine}], exit code {exitCode}",
        ["reason"] = "NonZeroExitCode",
        ["details"] = new JsonObject
        {
            ["causes"] = new JsonArray(new JsonObject { ["reason"] = "ExitCode", ["message"] = exitCode.ToString(System.Globalization.CultureInfo.InvariantCulture) }),
        },
    };

    public static JsonObject NotStarted(string message) => new()
    {
        ["metadata"] = new JsonObject(),
        ["status"] = "Failure",
        ["message"] = $"Internal error occurred: error executing command in container: {message}",
        ["reason"] = "InternalError",
        ["details"] = new JsonObject { ["causes"] = new JsonArray(new JsonObject { ["message"] = $"error executing command in container: {message}" }) },
        ["code"] = 500,
    };

    private static async Task ReceiveAsync(WebSocket socket, PipeWriter stdin, bool canClose, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        var message = new MemoryStream();
        var stdinOpen = true;
        try
        {
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer, cancellationToken);
                if (received.MessageType == WebSocketMessageType.Close) break;
                message.Write(buffer, 0, received.Count);
                if (!received.EndOfMessage) continue;
                var data = message.ToArray();
                message.SetLength(0);
                if (data.Length == 0) continue;
                if (data[0] == 0 && stdinOpen && data.Length > 1)
                {
                    var flush = await stdin.WriteAsync(data.AsMemory(1), cancellationToken);
                    if (flush.IsCompleted) stdinOpen = false; // the command no longer reads
                }
                else if (data[0] == 255 && canClose && data.Length == 2 && data[1] == 0 && stdinOpen)
                {
                    await stdin.CompleteAsync();
                    stdinOpen = false;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // The client went away.
        }
        if (stdinOpen) await stdin.CompleteAsync();
    }

    /// <summary>A write-only stream whose every write becomes one message on a channel.</summary>
    private sealed class ChannelStream(byte channel, Func<byte, ReadOnlyMemory<byte>, Task> send) : Stream
    {
        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            // Large writes go out in pieces, as the kubelet's 32 KiB copy buffer sends them.
            for (var offset = 0; offset < buffer.Length; offset += 32 * 1024)
                await send(channel, buffer.Slice(offset, Math.Min(32 * 1024, buffer.Length - offset)));
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();
        public override void Flush() { }
        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
