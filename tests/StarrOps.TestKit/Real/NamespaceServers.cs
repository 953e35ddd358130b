using System.Net.Sockets;
using System.Text;

namespace StarrOps.TestKit.Real;

/// <summary>A listening socket whose accept loop hands each connection to <see cref="HandleAsync"/> until disposed.</summary>
public abstract class SocketServer : IAsyncDisposable
{
    private readonly Socket _listener;
    private Task _loop = Task.CompletedTask;

    private protected SocketServer(Socket listener) => _listener = listener;

    /// <summary>Cancelled on dispose; connections still being handled read it.</summary>
    private protected CancellationTokenSource Stop { get; } = new();

    private protected Socket Listener => _listener;

    /// <summary>Starts accepting (after the subclass has set itself up).</summary>
    private protected void StartAccepting() => _loop = AcceptLoopAsync();

    private protected abstract Task HandleAsync(Socket client);

    private async Task AcceptLoopAsync()
    {
        while (!Stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(Stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = HandleAsync(client);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Stop.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        await _loop.ConfigureAwait(false);
        // Stop is not disposed: connections still being handled read its token.
    }
}

/// <summary>
/// An IP-echo HTTP server listening inside a network namespace: every GET answers the caller's address as plain text
/// (what ipinfo.io/ip does), i.e. the source address after whatever NAT the packets went through. The socket lives
/// in the namespace; the accept loop runs in this process (see <see cref="NetworkNamespace.CreateSocket"/>).
/// </summary>
public sealed class NamespaceIpEchoServer : SocketServer
{
    private int _requests;

    private NamespaceIpEchoServer(Socket listener) : base(listener) => StartAccepting();

    /// <summary>Requests answered so far.</summary>
    public int Requests => Volatile.Read(ref _requests);

    public static NamespaceIpEchoServer Start(string networkNamespace, IPEndPoint endpoint)
    {
        var listener = NetworkNamespace.CreateSocket(networkNamespace);
        try
        {
            listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Bind(endpoint);
            listener.Listen(64);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
        return new NamespaceIpEchoServer(listener);
    }

    private protected override async Task HandleAsync(Socket client)
    {
        using var _ = client;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Stop.Token);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            // Read the request head (bounded); the body of a GET is empty.
            var buffer = new byte[8192];
            var length = 0;
            while (length < buffer.Length)
            {
                var read = await client.ReceiveAsync(buffer.AsMemory(length), timeout.Token).ConfigureAwait(false);
                if (read == 0) break;
                length += read;
                if (Encoding.ASCII.GetString(buffer, 0, length).Contains("\r\n\r\n", StringComparison.Ordinal)) break;
            }
            var caller = ((IPEndPoint)client.RemoteEndPoint!).Address.ToString();
            var body = caller + "\n";
            var response = $"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}";
            await client.SendAsync(Encoding.ASCII.GetBytes(response), timeout.Token).ConfigureAwait(false);
            Interlocked.Increment(ref _requests);
            client.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // The caller went away or took too long.
        }
    }
}

/// <summary>
/// Forwards 127.0.0.1:{<see cref="Port"/>} in the test process's namespace to an endpoint inside a network namespace
/// (e.g. qBittorrent's WebUI on the download pod's loopback), as a port-forward to a pod would.
/// </summary>
public sealed class NamespaceForwarder : SocketServer
{
    private readonly string _networkNamespace;
    private readonly IPEndPoint _target;

    private NamespaceForwarder(string networkNamespace, IPEndPoint target, int port)
        : base(new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
    {
        _networkNamespace = networkNamespace;
        _target = target;
        Listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
        Listener.Listen(64);
        Port = ((IPEndPoint)Listener.LocalEndPoint!).Port;
        StartAccepting();
    }

    public int Port { get; }

    /// <summary>Listens on 127.0.0.1:<paramref name="port"/> (0: any free port).</summary>
    public static NamespaceForwarder Start(string networkNamespace, IPEndPoint target, int port = 0) => new(networkNamespace, target, port);

    private protected override async Task HandleAsync(Socket client)
    {
        using var _ = client;
        Socket? upstream = null;
        try
        {
            upstream = NetworkNamespace.CreateSocket(_networkNamespace);
            upstream.NoDelay = true;
            using (var connect = CancellationTokenSource.CreateLinkedTokenSource(Stop.Token))
            {
                connect.CancelAfter(TimeSpan.FromSeconds(5));
                await upstream.ConnectAsync(_target, connect.Token).ConfigureAwait(false);
            }
            using var a = new NetworkStream(client, ownsSocket: false);
            using var b = new NetworkStream(upstream, ownsSocket: false);
            // Either side closing ends the relay.
            await Task.WhenAny(a.CopyToAsync(b, Stop.Token), b.CopyToAsync(a, Stop.Token)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or IOException or ObjectDisposedException or InvalidOperationException or TimeoutException)
        {
            // Upstream refused or went away: the client sees the connection close.
        }
        finally
        {
            upstream?.Dispose();
        }
    }
}
