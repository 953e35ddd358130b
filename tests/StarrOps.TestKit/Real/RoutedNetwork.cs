using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace StarrOps.TestKit.Real;

/// <summary>A pod of a <see cref="RoutedNetwork"/>: its network namespace and its address on the cluster network.</summary>
public sealed record RoutedPod(string Name, string NetworkNamespace, string Address, bool RoutedViaVpn);

/// <summary>
/// A small real network of Linux network namespaces for the VPN route tests; nothing in it touches the root namespace
/// (no addresses, routes or rules there) and nothing leaves the machine.
/// <code>
///   internet (echo server on 198.18.0.1:80, answers the caller's address)
///     |-- gw0 198.18.1.1 ===== wan0 198.18.1.2  VPN gateway (forwards, nft masquerade on wan0: the VPN's public IP)
///     |                                          |-- tun0 10.8.0.1 ===== tun0 10.8.0.2 in the download pod
///     |                                          '-- eth0 10.42.0.2 on the cluster network (Gluetun as a separate gateway pod)
///     '-- rt0 198.18.2.1 ===== wan0 198.18.2.2  cluster router (forwards, nft masquerade on wan0: the cluster's egress IP)
///                                                '-- br0 10.42.0.1/24, the cluster network: every pod's eth0 is on it
/// </code>
/// The download pod models qBittorrent in Gluetun's pod (sidecar): it has eth0 on the cluster network and tun0 towards
/// the gateway, with its default route via tun0, as Gluetun sets it up. Media pods have only eth0, default route via
/// the cluster router. The internet has no route to 10.0.0.0/8: a reply arrives only if the masquerade really happened.
/// Namespaces are named <c>sr{pid}x{n}-...</c> so parallel fixtures and runs never collide; Dispose deletes them (and
/// kills what still runs in them), and a new fixture first deletes leftovers of processes that no longer run.
/// </summary>
public sealed partial class RoutedNetwork : IAsyncDisposable
{
    public const string EchoAddress = "198.18.0.1";
    public const string VpnPublicAddress = "198.18.1.2";
    public const string ClusterEgressAddress = "198.18.2.2";
    public const string ClusterRouterAddress = "10.42.0.1";
    public const string GatewayClusterAddress = "10.42.0.2";
    public const string TunnelGatewayAddress = "10.8.0.1";
    public const string TunnelPodAddress = "10.8.0.2";

    private static int _instances;
    private static readonly Lazy<string?> Probe = new(ProbeSupport);
    private readonly List<string> _namespaces = [];
    private readonly Dictionary<string, RoutedPod> _pods = new(StringComparer.Ordinal);
    private NamespaceIpEchoServer? _echo;
    private int _disposed;

    private RoutedNetwork(string prefix)
    {
        Prefix = prefix;
        AppDomain.CurrentDomain.ProcessExit += DeleteOnExit;
    }

    /// <summary>Why namespaces, nft and the tools cannot be used here (not root, missing programs); null when they can.</summary>
    public static string? UnavailableReason => Probe.Value;

    /// <summary>True on CI (CI=true), where an unavailable real network must fail the tests instead of skipping them.</summary>
    public static bool RunningOnCi => QBittorrentNoxServer.RunningOnCi;

    public string Prefix { get; }
    public string Internet => Prefix + "-inet";
    public string Gateway => Prefix + "-vpngw";
    public string Router => Prefix + "-router";
    public IReadOnlyCollection<RoutedPod> Pods => _pods.Values;
    public RoutedPod Pod(string name) => _pods[name];
    /// <summary>The IP-echo URL, reachable from every pod through its route.</summary>
    public string EchoUrl => $"http://{EchoAddress}/";
    public int EchoRequests => _echo?.Requests ?? 0;

    /// <summary>Builds the topology with one download pod (sidecar-style, via the VPN) and the given media pods (via the cluster router).</summary>
    public static async Task<RoutedNetwork> StartAsync((string Name, string Address) downloadPod, IReadOnlyList<(string Name, string Address)> mediaPods)
    {
        if (UnavailableReason is { } reason) throw new InvalidOperationException($"real routing is not available here: {reason}");
        var network = new RoutedNetwork($"sr{Environment.ProcessId}x{Interlocked.Increment(ref _instances)}");
        try
        {
            await DeleteLeftoversAsync(network.Prefix).ConfigureAwait(false);
            await network.BuildAsync(downloadPod, mediaPods).ConfigureAwait(false);
            return network;
        }
        catch
        {
            await network.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task BuildAsync((string Name, string Address) downloadPod, IReadOnlyList<(string Name, string Address)> mediaPods)
    {
        foreach (var ns in (string[])[Internet, Gateway, Router]) await AddNamespaceAsync(ns).ConfigureAwait(false);

        // The internet: the echo address on its loopback, one link to each of the two "public" routers.
        await Ip(Internet, "addr", "add", EchoAddress + "/32", "dev", "lo").ConfigureAwait(false);
        await Link(Internet, "gw0", "198.18.1.1/30", Gateway, "wan0", VpnPublicAddress + "/30").ConfigureAwait(false);
        await Link(Internet, "rt0", "198.18.2.1/30", Router, "wan0", ClusterEgressAddress + "/30").ConfigureAwait(false);
        await Ip(Gateway, "route", "add", "default", "via", "198.18.1.1", "dev", "wan0").ConfigureAwait(false);
        await Ip(Router, "route", "add", "default", "via", "198.18.2.1", "dev", "wan0").ConfigureAwait(false);

        // The cluster network: a bridge in the router; the gateway is on it too.
        await Ip(Router, "link", "add", "br0", "type", "bridge").ConfigureAwait(false);
        await Ip(Router, "addr", "add", ClusterRouterAddress + "/24", "dev", "br0").ConfigureAwait(false);
        await Ip(Router, "link", "set", "br0", "up").ConfigureAwait(false);
        await Link(Gateway, "eth0", GatewayClusterAddress + "/24", Router, "vgw", null).ConfigureAwait(false);
        await Ip(Router, "link", "set", "vgw", "master", "br0").ConfigureAwait(false);

        foreach (var ns in (string[])[Gateway, Router])
        {
            // /proc/sys/net is the writer's namespace's (no procps needed for sysctl).
            await RunIn(ns, "sh", "-c", "echo 1 > /proc/sys/net/ipv4/ip_forward").ConfigureAwait(false);
            await NetworkNamespace.RunCheckedAsync("ip", ["netns", "exec", ns, "nft", "-f", "-"],
                "table ip nat {\n  chain post {\n    type nat hook postrouting priority 100;\n    oifname \"wan0\" masquerade\n  }\n}\n").ConfigureAwait(false);
        }

        var index = 0;
        foreach (var (name, address) in mediaPods.Prepend(downloadPod))
        {
            var download = name == downloadPod.Name;
            var pod = new RoutedPod(name, $"{Prefix}-p{index}", address, download);
            await AddNamespaceAsync(pod.NetworkNamespace).ConfigureAwait(false);
            var bridgePort = $"vp{index}";
            await Link(pod.NetworkNamespace, "eth0", address + "/24", Router, bridgePort, null).ConfigureAwait(false);
            await Ip(Router, "link", "set", bridgePort, "master", "br0").ConfigureAwait(false);
            if (download)
            {
                await Link(pod.NetworkNamespace, "tun0", TunnelPodAddress + "/30", Gateway, "tun0", TunnelGatewayAddress + "/30").ConfigureAwait(false);
                await Ip(pod.NetworkNamespace, "route", "add", "default", "via", TunnelGatewayAddress, "dev", "tun0").ConfigureAwait(false);
            }
            else
            {
                await Ip(pod.NetworkNamespace, "route", "add", "default", "via", ClusterRouterAddress, "dev", "eth0").ConfigureAwait(false);
            }
            _pods[name] = pod;
            index++;
        }

        _echo = NamespaceIpEchoServer.Start(Internet, new IPEndPoint(IPAddress.Parse(EchoAddress), 80));
    }

    // ---- Faults the scenarios inject ----

    /// <summary>The pod's default route goes via the cluster router instead (a leak around the tunnel).</summary>
    public Task RouteAroundTheGatewayAsync(string pod) =>
        Ip(Pod(pod).NetworkNamespace, "route", "replace", "default", "via", ClusterRouterAddress, "dev", "eth0");

    /// <summary>The pod sends everything to the gateway's cluster address (a pod that uses Gluetun as its gateway).</summary>
    public Task RouteThroughTheGatewayAsync(string pod) =>
        Ip(Pod(pod).NetworkNamespace, "route", "replace", "default", "via", GatewayClusterAddress, "dev", "eth0");

    /// <summary>A second default route via the cluster router, used only when the tunnel's is gone (no kill switch).</summary>
    public Task AddFallbackRouteAsync(string pod) =>
        Ip(Pod(pod).NetworkNamespace, "route", "add", "default", "via", ClusterRouterAddress, "dev", "eth0", "metric", "100");

    /// <summary>The tunnel goes away, as Gluetun's tun0 does when the VPN drops; its route goes with it.</summary>
    public Task TunnelDownAsync(string pod) => Ip(Pod(pod).NetworkNamespace, "link", "del", "tun0");

    /// <summary>
    /// Gluetun's kill switch in the pod: an nft output policy of drop, except loopback, the tunnel and the cluster
    /// network (what FIREWALL_OUTBOUND_SUBNETS allows). With the tunnel gone, connections elsewhere fail with EPERM.
    /// </summary>
    public Task KillSwitchAsync(string pod) =>
        NetworkNamespace.RunCheckedAsync("ip", ["netns", "exec", Pod(pod).NetworkNamespace, "nft", "-f", "-"],
            "table inet killswitch {\n  chain out {\n    type filter hook output priority 0; policy drop;\n    oifname \"lo\" accept\n    oifname \"tun0\" accept\n    ip daddr 10.42.0.0/24 accept\n  }\n}\n");

    /// <summary>The pod's routes and addresses, for a failure message.</summary>
    public async Task<string> DescribeAsync(string pod)
    {
        var ns = Pod(pod).NetworkNamespace;
        var routes = await NetworkNamespace.RunAsync("ip", ["-n", ns, "route"]).ConfigureAwait(false);
        var addresses = await NetworkNamespace.RunAsync("ip", ["-n", ns, "-br", "addr"]).ConfigureAwait(false);
        return $"{pod} ({ns}):\n{addresses.Stdout}{routes.Stdout}";
    }

    // ---- Building blocks ----

    private async Task AddNamespaceAsync(string name)
    {
        await NetworkNamespace.RunCheckedAsync("ip", ["netns", "add", name]).ConfigureAwait(false);
        _namespaces.Add(name);
        await Ip(name, "link", "set", "lo", "up").ConfigureAwait(false);
    }

    /// <summary>A veth pair created straight in the two namespaces (never in the root one), both ends up, with addresses.</summary>
    private async Task Link(string ns, string name, string? address, string peerNs, string peerName, string? peerAddress)
    {
        await Ip(ns, "link", "add", name, "type", "veth", "peer", "name", peerName, "netns", peerNs).ConfigureAwait(false);
        if (address is not null) await Ip(ns, "addr", "add", address, "dev", name).ConfigureAwait(false);
        if (peerAddress is not null) await Ip(peerNs, "addr", "add", peerAddress, "dev", peerName).ConfigureAwait(false);
        await Ip(ns, "link", "set", name, "up").ConfigureAwait(false);
        await Ip(peerNs, "link", "set", peerName, "up").ConfigureAwait(false);
    }

    private static Task Ip(string ns, params string[] arguments) => NetworkNamespace.RunCheckedAsync("ip", ["-n", ns, .. arguments]);

    private static Task RunIn(string ns, params string[] command) => NetworkNamespace.RunCheckedAsync("ip", ["netns", "exec", ns, .. command]);

    [GeneratedRegex(@"^sr(\d+)x\d+-")]
    private static partial Regex OwnedName();

    /// <summary>Namespaces of this prefix, and of fixtures whose process is gone (a run that was killed).</summary>
    private static async Task DeleteLeftoversAsync(string prefix)
    {
        foreach (var name in await NetworkNamespace.ListAsync().ConfigureAwait(false))
        {
            var match = OwnedName().Match(name);
            if (!match.Success) continue;
            var ownerGone = !Directory.Exists($"/proc/{match.Groups[1].Value}");
            if (ownerGone || name.StartsWith(prefix + "-", StringComparison.Ordinal)) await NetworkNamespace.DeleteAsync(name).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        AppDomain.CurrentDomain.ProcessExit -= DeleteOnExit;
        if (_echo is not null) await _echo.DisposeAsync().ConfigureAwait(false);
        foreach (var ns in Enumerable.Reverse(_namespaces)) await NetworkNamespace.DeleteAsync(ns).ConfigureAwait(false);
        _namespaces.Clear();
    }

    private void DeleteOnExit(object? sender, EventArgs e)
    {
        foreach (var ns in _namespaces) NetworkNamespace.RunAsync("ip", ["netns", "del", ns], timeout: TimeSpan.FromSeconds(2)).GetAwaiter().GetResult();
    }

    private static string? ProbeSupport()
    {
        if (!OperatingSystem.IsLinux()) return "network namespaces need Linux";
        if (!Environment.IsPrivilegedProcess) return "not root: creating network namespaces needs CAP_SYS_ADMIN and CAP_NET_ADMIN";
        string? Missing(string program, string package) =>
            (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, program))) ? null : $"{program} is not installed (apt-get install {package})";
        if ((Missing("ip", "iproute2") ?? Missing("nft", "nftables")) is { } missing) return missing;
        if (Missing("wget", "wget") is { } noWget && Missing("curl", "curl") is not null) return noWget + " and neither is curl";
        if (!QBittorrentNoxServer.IsAvailable) return $"qbittorrent-nox is not available: {QBittorrentNoxServer.UnavailableReason}";
        // Permissions can still be missing in a container that runs as root: try it.
        var probe = $"sr{Environment.ProcessId}x0-probe";
        try
        {
            var add = NetworkNamespace.RunAsync("ip", ["netns", "add", probe]).GetAwaiter().GetResult();
            if (!add.Succeeded) return $"ip netns add failed: {NetworkNamespace.Describe(add)}";
            var nft = NetworkNamespace.RunAsync("ip", ["netns", "exec", probe, "nft", "add", "table", "ip", "probe"]).GetAwaiter().GetResult();
            if (!nft.Succeeded) return $"nft does not work in a network namespace: {NetworkNamespace.Describe(nft)}";
            return null;
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return ex.Message;
        }
        finally
        {
            NetworkNamespace.RunAsync("ip", ["netns", "del", probe]).GetAwaiter().GetResult();
        }
    }
}
