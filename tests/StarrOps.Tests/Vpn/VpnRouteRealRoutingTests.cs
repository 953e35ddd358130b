using System.Diagnostics;
using StarrOps.Core.Instances;
using StarrOps.Core.Vpn;
using StarrOps.TestKit;
using StarrOps.TestKit.Kubernetes;
using StarrOps.TestKit.Real;
using StarrOps.Tests.Kubernetes;
using Xunit.Abstractions;

namespace StarrOps.Tests.Vpn;

/// <summary>
/// A fact that needs real network namespaces (<see cref="RoutedNetwork"/>): skipped with the reason where they cannot be
/// made (not root, iproute2/nftables/qbittorrent-nox missing), except on CI (CI=true), where it runs and fails with it.
/// </summary>
internal sealed class RealRoutingFactAttribute : FactAttribute
{
    public RealRoutingFactAttribute()
    {
        if (!RoutedNetwork.RunningOnCi && RoutedNetwork.UnavailableReason is { } reason) Skip = $"real routing unavailable: {reason}";
    }
}

/// <summary>
/// Test-StarrVpnRoute's core against REAL routing: the fake API server runs each pod's exec inside that pod's network
/// namespace (<c>ip netns exec</c>), so the checker's wget really travels the pod's routes through an nftables
/// masquerade to an IP-echo server; qBittorrent is the real qbittorrent-nox inside the download pod's namespace.
/// Each test builds its own network and injects one real fault into it.
/// </summary>
[Trait("Category", "RealRouting")]
public sealed class VpnRouteRealRoutingTests(ITestOutputHelper output)
{
    private const string Media = FakeMediaStack.Namespace;
    private const string Download = "qbittorrent-0";
    private const string GluetunKey = "gluetun-control-key-5812";
    private const string Vpn = RoutedNetwork.VpnPublicAddress;
    private const string Cluster = RoutedNetwork.ClusterEgressAddress;

    /// <summary>The seeded stack (sonarr-0, qbittorrent-0 behind Gluetun) plus jellyfin-0, each pod a namespace of a real network.</summary>
    private sealed class RealScene : IAsyncDisposable
    {
        public required FakeCluster Cluster { get; init; }
        public required RoutedNetwork Network { get; init; }
        public required EmulatedGluetun Gluetun { get; init; }
        public required QBittorrentNoxServer QBittorrent { get; init; }
        public required Stopwatch Elapsed { get; init; }

        public StarrInstance GluetunInstance => new("gluetun", ServiceKind.Gluetun, Gluetun.Url, new Secret(GluetunKey));

        public StarrInstance QBittorrentInstance =>
            new("qbittorrent", ServiceKind.QBittorrent, QBittorrent.Url, userName: QBittorrent.Username, password: new Secret(QBittorrent.Password)) { Timeout = TimeSpan.FromSeconds(20) };

        public async ValueTask DisposeAsync()
        {
            await QBittorrent.DisposeAsync();
            await Gluetun.DisposeAsync();
            await Network.DisposeAsync();
            await Cluster.DisposeAsync();
        }
    }

    private async Task<RealScene> Scene(string qbittorrentInterface = "tun0")
    {
        if (RoutedNetwork.UnavailableReason is { } reason)
            throw new InvalidOperationException($"CI=true but real routing is unavailable: {reason}. .ci/run installs iproute2, nftables and qbittorrent-nox; the tests must run as root.");
        var elapsed = Stopwatch.StartNew();
        var disposables = new Stack<IAsyncDisposable>();
        try
        {
            var cluster = await FakeCluster.StartAsync();
            disposables.Push(cluster);
            cluster.Server.Add(FakeKubernetesObjects.NewPod(Media, "jellyfin-0", new Dictionary<string, string> { ["app.kubernetes.io/name"] = "jellyfin" },
                [new FakeContainerSpec("jellyfin", "jellyfin/jellyfin:10.11.11", [8096])], podIp: "10.42.0.23"));
            // The same pod IPs as the seeded pods have in the API.
            var network = await RoutedNetwork.StartAsync((Download, "10.42.0.22"), [("sonarr-0", "10.42.0.21"), ("jellyfin-0", "10.42.0.23")]);
            disposables.Push(network);
            foreach (var pod in network.Pods) cluster.Server.RunExecsInNetworkNamespace(Media, pod.Name, pod.NetworkNamespace);
            var built = elapsed.Elapsed;

            var gluetun = new EmulatedGluetun(new EmulatedGluetunOptions { ApiKey = GluetunKey }) { PublicIp = Vpn };
            await gluetun.StartAsync();
            disposables.Push(gluetun);
            var qbittorrent = await QBittorrentNoxServer.StartAsync(new QBittorrentNoxOptions
            {
                NetworkNamespace = network.Pod(Download).NetworkNamespace,
                SessionInterface = qbittorrentInterface,
            });
            output.WriteLine($"network {network.Prefix} built in {built.TotalMilliseconds:0} ms; qBittorrent up after {elapsed.ElapsedMilliseconds} ms");
            return new RealScene { Cluster = cluster, Network = network, Gluetun = gluetun, QBittorrent = qbittorrent, Elapsed = elapsed };
        }
        catch
        {
            while (disposables.TryPop(out var disposable)) await disposable.DisposeAsync();
            throw;
        }
    }

    private async Task<IReadOnlyList<VpnCheckResult>> Check(RealScene scene, Func<VpnCheckOptions, VpnCheckOptions>? configure = null)
    {
        using var client = scene.Cluster.Client();
        var options = new VpnCheckOptions(Media) { Gluetun = scene.GluetunInstance, QBittorrent = scene.QBittorrentInstance, IpEchoUrl = scene.Network.EchoUrl };
        options = configure?.Invoke(options) ?? options;
        var started = scene.Elapsed.Elapsed;
        var results = await new VpnRouteChecker(client).CheckAsync(options, CancellationToken.None);
        output.WriteLine($"check took {(scene.Elapsed.Elapsed - started).TotalMilliseconds:0} ms");
        foreach (var result in results) output.WriteLine($"{result.Check} {result.Target} {result.Status}: {result.Evidence}");
        foreach (var pod in scene.Network.Pods) output.WriteLine(await scene.Network.DescribeAsync(pod.Name));
        return results;
    }

    private static string[] Rows(IReadOnlyList<VpnCheckResult> results) => results.Select(r => $"{r.Check} {r.Target} {r.Status}").ToArray();

    private static string[] Failures(IReadOnlyList<VpnCheckResult> results) =>
        results.Where(r => r.Status == VpnCheckStatus.Fail).Select(r => $"{r.Check} {r.Target}").ToArray();

    /// <summary>The one row of a check (of <paramref name="target"/>, for a check with a row per pod).</summary>
    private static VpnCheckResult Row(IReadOnlyList<VpnCheckResult> results, string check, string? target = null) =>
        results.Single(r => r.Check == check && (target is null || r.Target == target));

    [RealRoutingFact]
    public async Task Every_check_passes_when_only_the_download_pod_really_leaves_through_the_gateway()
    {
        await using var scene = await Scene();

        var results = await Check(scene);

        Assert.Equal(
        [
            "GluetunRunning gluetun Pass",
            "DownloadEgressIsVpn media/qbittorrent-0 Pass",
            "DownloadEgressDiffersFromCluster media/qbittorrent-0 Pass",
            "QBittorrentBoundToTunnel qbittorrent Pass",
            "MediaPodNotOnVpn media/jellyfin-0 Pass",
            "MediaPodNotOnVpn media/sonarr-0 Pass",
        ], Rows(results));
        // The addresses were measured: they are the masquerading routers' public addresses, seen by the echo server.
        Assert.Equal($"egress {Vpn} = VPN {Vpn}", Row(results, VpnChecks.DownloadEgressIsVpn).Evidence);
        Assert.Equal($"egress {Vpn} ≠ cluster egress {Cluster} (from sonarr-0)", Row(results, VpnChecks.DownloadEgressDiffersFromCluster).Evidence);
        Assert.Equal(Cluster, Row(results, VpnChecks.MediaPodNotOnVpn, $"{Media}/jellyfin-0").ObservedIp);
        Assert.Equal("interface tun0", Row(results, VpnChecks.QBittorrentBoundToTunnel).Evidence);
        Assert.Equal(3, scene.Network.EchoRequests);
    }

    [RealRoutingFact]
    public async Task Download_pod_routed_around_the_gateway_is_a_leak_naming_the_pod_and_both_addresses()
    {
        await using var scene = await Scene();
        await scene.Network.RouteAroundTheGatewayAsync(Download);

        var results = await Check(scene);

        Assert.Equal(["DownloadEgressIsVpn media/qbittorrent-0", "DownloadEgressDiffersFromCluster media/qbittorrent-0"], Failures(results));
        var leak = Row(results, VpnChecks.DownloadEgressIsVpn);
        Assert.Equal($"egress {Cluster} ≠ VPN {Vpn}: traffic leaves outside the tunnel", leak.Evidence);
        Assert.Equal((Cluster, Vpn), (leak.ObservedIp, leak.VpnIp));
        Assert.Contains("leaks through the cluster's IP", Row(results, VpnChecks.DownloadEgressDiffersFromCluster).Evidence);
    }

    [RealRoutingFact]
    public async Task Gateway_down_with_no_fallback_route_is_no_egress_not_a_leak()
    {
        await using var scene = await Scene();
        await scene.Network.TunnelDownAsync(Download);
        scene.Gluetun.VpnStatus = "stopped";
        scene.Gluetun.PublicIp = ""; // Gluetun forgets its public IP when the tunnel drops

        var results = await Check(scene);

        Assert.Equal(["GluetunRunning gluetun", "DownloadEgressIsVpn media/qbittorrent-0"], Failures(results));
        var egress = Row(results, VpnChecks.DownloadEgressIsVpn);
        Assert.StartsWith("no egress: the pod reaches nothing outside (wget exited with 4", egress.Evidence);
        Assert.Null(egress.ObservedIp);
        Assert.DoesNotContain("leak", egress.Remediation, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(results, r => r.Check == VpnChecks.DownloadEgressDiffersFromCluster);
    }

    [RealRoutingFact]
    public async Task Gateway_down_with_a_fallback_route_is_a_leak()
    {
        await using var scene = await Scene();
        await scene.Network.AddFallbackRouteAsync(Download);
        await scene.Network.TunnelDownAsync(Download);
        scene.Gluetun.VpnStatus = "stopped";
        scene.Gluetun.PublicIp = "";

        var results = await Check(scene);

        Assert.Equal(["GluetunRunning gluetun", "DownloadEgressIsVpn media/qbittorrent-0", "DownloadEgressDiffersFromCluster media/qbittorrent-0"], Failures(results));
        var leak = Row(results, VpnChecks.DownloadEgressDiffersFromCluster);
        Assert.Equal(Cluster, leak.ObservedIp);
        Assert.Equal($"egress {Cluster} = cluster egress of sonarr-0: the download pod leaks through the cluster's IP", leak.Evidence);
    }

    [RealRoutingFact]
    public async Task Gateway_down_with_a_fallback_route_behind_the_kill_switch_is_no_egress()
    {
        // Gluetun's own way: the pod network's route stays, its firewall drops everything but the tunnel and the cluster.
        await using var scene = await Scene();
        await scene.Network.AddFallbackRouteAsync(Download);
        await scene.Network.KillSwitchAsync(Download);
        await scene.Network.TunnelDownAsync(Download);
        scene.Gluetun.VpnStatus = "stopped";
        scene.Gluetun.PublicIp = "";

        var results = await Check(scene, o => o with { EgressTimeout = TimeSpan.FromSeconds(2) });

        Assert.Equal(["GluetunRunning gluetun", "DownloadEgressIsVpn media/qbittorrent-0"], Failures(results));
        var egress = Row(results, VpnChecks.DownloadEgressIsVpn);
        // Dropped, not refused: both tools run into their timeout (wget 4, curl 28) instead of hanging for minutes.
        Assert.StartsWith("no egress: the pod reaches nothing outside (wget exited with 4; curl exited with 28", egress.Evidence);
        Assert.Equal(2, scene.Network.EchoRequests); // only the two media pods reached the echo server
    }

    [RealRoutingFact]
    public async Task A_fallback_route_is_unused_while_the_tunnel_is_up()
    {
        // The fallback scenario's control: the same routes pass while tun0 exists, so it is the tunnel going down that leaks.
        await using var scene = await Scene();
        await scene.Network.AddFallbackRouteAsync(Download);

        var results = await Check(scene);

        Assert.Empty(Failures(results));
        Assert.Equal(Vpn, Row(results, VpnChecks.DownloadEgressIsVpn).ObservedIp);
    }

    [RealRoutingFact]
    public async Task A_media_pod_routed_through_the_VPN_fails_its_check()
    {
        await using var scene = await Scene();
        await scene.Network.RouteThroughTheGatewayAsync("sonarr-0");

        var results = await Check(scene);

        Assert.Equal(["MediaPodNotOnVpn media/sonarr-0"], Failures(results));
        var media = Row(results, VpnChecks.MediaPodNotOnVpn, $"{Media}/sonarr-0");
        Assert.Equal($"egress {Vpn} = VPN {Vpn}: a media pod routes through the VPN", media.Evidence);
        // The reference for the download pod is then the media pod still off the VPN.
        Assert.Equal($"egress {Vpn} ≠ cluster egress {Cluster} (from jellyfin-0)", Row(results, VpnChecks.DownloadEgressDiffersFromCluster).Evidence);
    }

    [RealRoutingFact]
    public async Task qBittorrent_bound_to_eth0_instead_of_tun0_fails_the_binding_check()
    {
        await using var scene = await Scene(qbittorrentInterface: "eth0");

        var results = await Check(scene);

        Assert.Equal(["QBittorrentBoundToTunnel qbittorrent"], Failures(results));
        Assert.Equal("interface eth0 (tunnel: tun0|wg0)", Row(results, VpnChecks.QBittorrentBoundToTunnel).Evidence);
    }

    [RealRoutingFact]
    public async Task Gluetun_reporting_another_public_IP_than_the_pod_sees_fails()
    {
        await using var scene = await Scene();
        scene.Gluetun.PublicIp = "198.18.9.9";

        var results = await Check(scene);

        Assert.Equal(["DownloadEgressIsVpn media/qbittorrent-0"], Failures(results));
        Assert.Equal($"egress {Vpn} ≠ VPN 198.18.9.9: traffic leaves outside the tunnel", Row(results, VpnChecks.DownloadEgressIsVpn).Evidence);
    }
}
