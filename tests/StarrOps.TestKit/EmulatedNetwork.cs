using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Net;

namespace StarrOps.TestKit;

/// <summary>Outcome of a reachability check; <see cref="Error"/> is worded like .NET's socket errors on Linux.</summary>
public readonly record struct Reachability(bool IsReachable, string? Error)
{
    public static Reachability Reachable { get; } = new(true, null);

    public static Reachability Refused(string host, int port) => new(false, $"Connection refused ({host}:{port})");

    public static Reachability Unresolvable(string host, int port) => new(false, $"Name or service not known ({host}:{port})");

    public static Reachability TimedOut(string host, int port) => new(false, $"Connection timed out ({host}:{port})");
}

/// <summary>
/// What the emulated servers can "see": the live tests of download clients, webhooks, indexers and Prowlarr
/// applications, Prowlarr's pushes into the apps and Jellyseerr's calls to Sonarr/Radarr/Jellyfin all go
/// through this. Rules, in order:
/// <list type="number">
/// <item><see cref="Probe"/>, when set and it answers non-null;</item>
/// <item><see cref="AddUnreachable"/> entries;</item>
/// <item><see cref="AddReachable"/> entries (TCP checks only: nothing is listening there);</item>
/// <item><see cref="Map(string,int,EmulatedServer)"/> aliases (e.g. <c>sonarr:8989</c> → the emulated Sonarr) and the
/// registered emulated servers on 127.0.0.1/localhost: reachable when running and not <see cref="FaultInjection.Down"/>;</item>
/// <item>IP literals and <c>localhost</c>: a real TCP connect (1 s timeout);</item>
/// <item>any other host name: "Name or service not known" (no DNS lookup, so results don't depend on the machine).</item>
/// </list>
/// An <see cref="EmulatedStack"/> shares one network among its servers; a server started alone gets its own.
/// </summary>
public sealed class EmulatedNetwork : IDisposable
{
    private readonly ConcurrentDictionary<string, Func<IPEndPoint?>> _aliases = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, EmulatedServer> _aliasServers = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, byte> _reachable = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, (string Username, string Password)> _logins = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, string?> _unreachable = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<EmulatedServer, byte> _servers = new();
    private readonly Lazy<HttpClient> _http;

    public EmulatedNetwork()
    {
        _http = new Lazy<HttpClient>(CreateHttpClient, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Custom rule consulted first; return null to fall through to the other rules.</summary>
    public Func<string, int, Reachability?>? Probe { get; set; }

    /// <summary>Timeout of real TCP connects and of the servers' outgoing HTTP calls.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Emulated servers registered on this network (started ones register themselves).</summary>
    public IReadOnlyCollection<EmulatedServer> Servers => _servers.Keys.ToArray();

    /// <summary>Makes <paramref name="host"/>:<paramref name="port"/> resolve to an emulated server (follows its restarts).</summary>
    public void Map(string host, int port, EmulatedServer server)
    {
        var key = Key(host, port);
        _aliasServers[key] = server;
        _aliases[key] = () => server.IsRunning && !server.Faults.Down ? new IPEndPoint(IPAddress.Loopback, server.Port) : null;
    }

    /// <summary>Makes <paramref name="host"/>:<paramref name="port"/> resolve to another endpoint, e.g. a real qBittorrent.</summary>
    public void Map(string host, int port, IPEndPoint target) => _aliases[Key(host, port)] = () => target;

    /// <summary>TCP checks to host:port succeed without anything listening (e.g. a qBittorrent the test does not run).</summary>
    public void AddReachable(string host, int port)
    {
        _unreachable.TryRemove(Key(host, port), out _);
        _reachable[Key(host, port)] = 0;
    }

    /// <summary>
    /// The download client at host:port (reachable as by <see cref="AddReachable"/>) accepts only this login, as a real
    /// qBittorrent's WebUI does: the apps' download-client tests fail with "Authentication Failure" on any other.
    /// </summary>
    public void RequireLogin(string host, int port, string username, string password)
    {
        AddReachable(host, port);
        _logins[Key(host, port)] = (username, password);
    }

    /// <summary>True when host:port takes this login (or asks for none).</summary>
    public bool AcceptsLogin(string host, int port, string? username, string? password) =>
        !_logins.TryGetValue(Key(host.Trim().Trim('[', ']'), port), out var login)
        || (string.Equals(login.Username, username, StringComparison.Ordinal) && string.Equals(login.Password, password, StringComparison.Ordinal));

    /// <summary>host:port fails every check with <paramref name="error"/> (default "Connection refused (host:port)").</summary>
    public void AddUnreachable(string host, int port, string? error = null)
    {
        _reachable.TryRemove(Key(host, port), out _);
        _unreachable[Key(host, port)] = error;
    }

    /// <summary>Forgets an <see cref="AddReachable"/>/<see cref="AddUnreachable"/>/<see cref="Map(string,int,IPEndPoint)"/> entry.</summary>
    public void Forget(string host, int port)
    {
        var key = Key(host, port);
        _reachable.TryRemove(key, out _);
        _unreachable.TryRemove(key, out _);
        _logins.TryRemove(key, out _);
        _aliases.TryRemove(key, out _);
        _aliasServers.TryRemove(key, out _);
    }

    /// <summary>The emulated server that host:port names (alias or loopback port), if any.</summary>
    public EmulatedServer? FindServer(string host, int port)
    {
        if (_aliasServers.TryGetValue(Key(host, port), out var aliased)) return aliased;
        if (!IsLoopbackName(host)) return null;
        return _servers.Keys.FirstOrDefault(s => s.Port == port && s.Port != 0);
    }

    public Task<Reachability> CheckAsync(Uri url, CancellationToken cancellationToken = default) =>
        CheckAsync(url.IdnHost, url.Port, cancellationToken);

    public async Task<Reachability> CheckAsync(string host, int port, CancellationToken cancellationToken = default)
    {
        host = host.Trim().Trim('[', ']');
        if (Probe?.Invoke(host, port) is { } probed) return probed;
        var key = Key(host, port);
        if (_unreachable.TryGetValue(key, out var error)) return new Reachability(false, error ?? Reachability.Refused(host, port).Error);
        if (_reachable.ContainsKey(key)) return Reachability.Reachable;
        if (_aliases.TryGetValue(key, out var alias))
        {
            var target = alias();
            if (target is null) return Reachability.Refused(host, port);
            return await ConnectAsync(target, host, port, cancellationToken).ConfigureAwait(false);
        }
        if (IsLoopbackName(host) && _servers.Keys.FirstOrDefault(s => s.Port == port && s.Port != 0) is { } server)
            return server.IsRunning && !server.Faults.Down ? Reachability.Reachable : Reachability.Refused(host, port);
        if (IPAddress.TryParse(host, out var address))
            return await ConnectAsync(new IPEndPoint(address, port), host, port, cancellationToken).ConfigureAwait(false);
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
            return await ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), host, port, cancellationToken).ConfigureAwait(false);
        return Reachability.Unresolvable(host, port);
    }

    /// <summary>HttpClient whose connections follow this network's rules (aliases, unreachable entries, ...).</summary>
    internal HttpClient Http => _http.Value;

    internal void Register(EmulatedServer server) => _servers[server] = 0;

    internal void Unregister(EmulatedServer server) => _servers.TryRemove(server, out _);

    /// <summary>Where an outgoing connection to host:port goes, or why it fails.</summary>
    internal (IPEndPoint? Target, string? Error) Resolve(string host, int port)
    {
        host = host.Trim().Trim('[', ']');
        if (Probe?.Invoke(host, port) is { IsReachable: false } probed) return (null, probed.Error);
        var key = Key(host, port);
        if (_unreachable.TryGetValue(key, out var error)) return (null, error ?? Reachability.Refused(host, port).Error);
        if (_aliases.TryGetValue(key, out var alias))
            return alias() is { } target ? (target, null) : (null, Reachability.Refused(host, port).Error);
        if (IsLoopbackName(host) && _servers.Keys.FirstOrDefault(s => s.Port == port && s.Port != 0) is { } server &&
            (!server.IsRunning || server.Faults.Down))
            return (null, Reachability.Refused(host, port).Error);
        if (IPAddress.TryParse(host, out var address)) return (new IPEndPoint(address, port), null);
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)) return (new IPEndPoint(IPAddress.Loopback, port), null);
        return (null, Reachability.Unresolvable(host, port).Error);
    }

    private async Task<Reachability> ConnectAsync(IPEndPoint endpoint, string host, int port, CancellationToken cancellationToken)
    {
        using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ConnectTimeout);
        try
        {
            await socket.ConnectAsync(endpoint, timeout.Token).ConfigureAwait(false);
            return Reachability.Reachable;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Reachability.TimedOut(host, port);
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return Reachability.Refused(host, port);
        }
        catch (SocketException ex)
        {
            return new Reachability(false, $"{ex.Message} ({host}:{port})");
        }
    }

    private HttpClient CreateHttpClient()
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(20),
            ConnectCallback = async (context, cancellationToken) =>
            {
                var host = context.DnsEndPoint.Host;
                var port = context.DnsEndPoint.Port;
                var (target, error) = Resolve(host, port);
                if (target is null) throw new HttpRequestException(error);
                var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(ConnectTimeout);
                try
                {
                    await socket.ConnectAsync(target, timeout.Token).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionRefused)
                {
                    socket.Dispose();
                    throw new HttpRequestException(Reachability.Refused(host, port).Error, ex);
                }
                catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
                {
                    socket.Dispose();
                    throw new HttpRequestException(Reachability.TimedOut(host, port).Error, ex);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(15) };
    }

    private static bool IsLoopbackName(string host) =>
        host is "127.0.0.1" or "::1" || string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase);

    private static string Key(string host, int port) => $"{host.Trim().Trim('[', ']')}:{port}";

    public void Dispose()
    {
        if (_http.IsValueCreated) _http.Value.Dispose();
    }
}
