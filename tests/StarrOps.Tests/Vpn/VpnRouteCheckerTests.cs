using System.Collections.Concurrent;
using System.Text;
using StarrOps.Core.Instances;
using StarrOps.Core.Kubernetes;
using StarrOps.Core.QBittorrent;
using StarrOps.Core.Vpn;
using StarrOps.TestKit;
using StarrOps.TestKit.Kubernetes;
using StarrOps.Tests.Clients;
using StarrOps.Tests.Kubernetes;
using Xunit.Abstractions;
using StarrOps.Tests.Support;

namespace StarrOps.Tests.Vpn;

/// <summary>
/// Test-StarrVpnRoute's core against the fake API server (exec answers each pod's configured egress IP), an emulated Gluetun
/// and the real qbittorrent-nox (its current_network_interface stands for the tunnel binding).
/// </summary>
public sealed class VpnRouteCheckerTests(QBittorrentNoxFixture qbittorrent, ITestOutputHelper output) : IClassFixture<QBittorrentNoxFixture>
{
    private const string Media = FakeMediaStack.Namespace;
    private const string VpnIp = "203.0.113.7";
    private const string ClusterIp = "198.51.100.20";
    private const string GluetunKey = "gluetun-control-key-4471";

    /// <summary>The seeded stack plus a Jellyfin pod; every pod answers <c>wget</c>/<c>curl</c> of the echo URL with its egress IP.</summary>
    private sealed class VpnScene : IAsyncDisposable
    {
        public required FakeCluster Cluster { get; init; }
        public required EmulatedGluetun Gluetun { get; init; }
        public ConcurrentDictionary<string, string> Egress { get; } = new();
        public ConcurrentDictionary<string, string[]> Tools { get; } = new();
        public ConcurrentQueue<ExecRequest> Execs { get; } = new();

        public async ValueTask DisposeAsync()
        {
            await Gluetun.DisposeAsync();
            await Cluster.DisposeAsync();
        }

        public StarrInstance GluetunInstance => new("gluetun", ServiceKind.Gluetun, Gluetun.Url, new Secret(GluetunKey));

        public void Handle(string pod)
        {
            Cluster.Server.SetExecHandler(Media, pod, async (request, _, stdout, stderr) =>
            {
                Execs.Enqueue(request);
                var tools = Tools.GetValueOrDefault(pod, ["wget", "curl"]);
                if (!tools.Contains(request.Command[0]))
                    throw new InvalidOperationException($"exec: \"{request.Command[0]}\": executable file not found in $PATH: unknown");
                if (!Egress.TryGetValue(pod, out var ip))
                {
                    await stderr.WriteAsync(Encoding.UTF8.GetBytes("wget: bad address 'ipinfo.io'\n"));
                    return 1;
                }
                await stdout.WriteAsync(Encoding.UTF8.GetBytes(ip + "\n"));
                return 0;
            });
        }
    }

    private static async Task<VpnScene> Scene()
    {
        var cluster = await FakeCluster.StartAsync();
        var jellyfin = new FakeContainerSpec("jellyfin", "jellyfin/jellyfin:10.11.11", [8096]);
        cluster.Server.Add(FakeKubernetesObjects.NewPod(Media, "jellyfin-0", new Dictionary<string, string> { ["app.kubernetes.io/name"] = "jellyfin" }, [jellyfin], podIp: "10.42.0.23"));
        var gluetun = new EmulatedGluetun(new EmulatedGluetunOptions { ApiKey = GluetunKey }) { PublicIp = VpnIp };
        await gluetun.StartAsync();
        var scene = new VpnScene { Cluster = cluster, Gluetun = gluetun };
        scene.Egress["qbittorrent-0"] = VpnIp;
        scene.Egress["sonarr-0"] = ClusterIp;
        scene.Egress["jellyfin-0"] = ClusterIp;
        foreach (var pod in (string[])["qbittorrent-0", "sonarr-0", "jellyfin-0"]) scene.Handle(pod);
        return scene;
    }

    private async Task BindQBittorrentTo(string networkInterface)
    {
        using var client = new QBittorrentClient(qbittorrent.NewInstance());
        await client.SetPreferencesAsync(new Dictionary<string, object?> { ["current_network_interface"] = networkInterface }, CancellationToken.None);
        Assert.Equal(networkInterface, (await client.GetPreferencesAsync(CancellationToken.None)).CurrentNetworkInterface);
    }

    private async Task<IReadOnlyList<VpnCheckResult>> Check(VpnScene scene, RecordingHost? host = null, Func<VpnCheckOptions, VpnCheckOptions>? configure = null)
    {
        using var client = scene.Cluster.Client(host: host);
        var options = new VpnCheckOptions(Media) { Gluetun = scene.GluetunInstance, QBittorrent = qbittorrent.NewInstance() };
        var results = await new VpnRouteChecker(client, host).CheckAsync(configure?.Invoke(options) ?? options, CancellationToken.None);
        foreach (var result in results) output.WriteLine($"{result.Check} {result.Target} {result.Status}: {result.Evidence}");
        return results;
    }

    private static string[] Failures(IReadOnlyList<VpnCheckResult> results) =>
        results.Where(r => r.Status == VpnCheckStatus.Fail).Select(r => $"{r.Check} {r.Target}").ToArray();

    private bool Skipped()
    {
        if (qbittorrent.SkipReason is null) return false;
        output.WriteLine(qbittorrent.SkipReason);
        return true;
    }

    [Fact]
    public async Task Every_check_passes_when_only_the_download_pod_leaves_through_the_VPN()
    {
        if (Skipped()) return;
        await using var scene = await Scene();
        await BindQBittorrentTo("tun0");
        var host = new RecordingHost();

        var results = await Check(scene, host);

        Assert.Equal(
        [
            "GluetunRunning gluetun Pass",
            "DownloadEgressIsVpn media/qbittorrent-0 Pass",
            "DownloadEgressDiffersFromCluster media/qbittorrent-0 Pass",
            "QBittorrentBoundToTunnel qbittorrent Pass",
            "MediaPodNotOnVpn media/jellyfin-0 Pass",
            "MediaPodNotOnVpn media/sonarr-0 Pass",
        ], results.Select(r => $"{r.Check} {r.Target} {r.Status}"));
        Assert.Equal($"egress {VpnIp} = VPN {VpnIp}", results[1].Evidence);
        Assert.Equal($"egress {VpnIp} ≠ cluster egress {ClusterIp} (from sonarr-0)", results[2].Evidence);
        Assert.Equal("interface tun0", results[3].Evidence);
        Assert.All(results, r => Assert.Null(r.Remediation));
        // The download pod is measured in the qBittorrent container (not the Gluetun sidecar), with the default echo URL.
        var qbitExec = Assert.Single(scene.Execs, e => e.Pod == "qbittorrent-0");
        Assert.Equal("qbittorrent", qbitExec.Container);
        Assert.Equal(["wget", "-t", "1", "-T", "10", "-qO-", "https://ipinfo.io/ip"], qbitExec.Command);
        var everything = string.Join("\n", results.Select(r => r.ToString()).Concat(host.Messages));
        Assert.DoesNotContain(GluetunKey, everything);
        Assert.DoesNotContain(qbittorrent.Server!.Password, everything);
    }

    [Fact]
    public async Task A_stopped_VPN_fails_the_Gluetun_check()
    {
        if (Skipped()) return;
        await using var scene = await Scene();
        await BindQBittorrentTo("tun0");
        scene.Gluetun.VpnStatus = "stopped";

        var results = await Check(scene);

        Assert.Equal(["GluetunRunning gluetun"], Failures(results));
        var gluetun = results.Single(r => r.Check == VpnChecks.GluetunRunning);
        Assert.StartsWith("VPN stopped", gluetun.Evidence);
        Assert.Contains("kubectl logs", gluetun.Remediation);
    }

    [Fact]
    public async Task A_download_pod_leaving_through_the_cluster_IP_fails_both_egress_checks()
    {
        if (Skipped()) return;
        await using var scene = await Scene();
        await BindQBittorrentTo("tun0");
        scene.Egress["qbittorrent-0"] = ClusterIp;

        var results = await Check(scene);

        Assert.Equal(["DownloadEgressIsVpn media/qbittorrent-0", "DownloadEgressDiffersFromCluster media/qbittorrent-0"], Failures(results));
        var leak = results.Single(r => r.Check == VpnChecks.DownloadEgressIsVpn);
        Assert.Equal(ClusterIp, leak.ObservedIp);
        Assert.Equal(VpnIp, leak.VpnIp);
        Assert.Contains("Gluetun", leak.Remediation);
    }

    [Fact]
    public async Task qBittorrent_bound_to_another_interface_fails_the_binding_check()
    {
        if (Skipped()) return;
        await using var scene = await Scene();
        await BindQBittorrentTo("lo");

        var results = await Check(scene);

        Assert.Equal(["QBittorrentBoundToTunnel qbittorrent"], Failures(results));
        Assert.Equal("interface lo (tunnel: tun0|wg0)", results.Single(r => r.Check == VpnChecks.QBittorrentBoundToTunnel).Evidence);
    }

    [Fact]
    public async Task A_configured_tunnel_interface_is_accepted()
    {
        if (Skipped()) return;
        await using var scene = await Scene();
        await BindQBittorrentTo("lo");

        var results = await Check(scene, configure: o => o with { TunnelInterfaces = ["lo"] });

        Assert.Empty(Failures(results));
    }

    [Fact]
    public async Task A_media_pod_routed_through_the_VPN_fails_its_check()
    {
        if (Skipped()) return;
        await using var scene = await Scene();
        await BindQBittorrentTo("tun0");
        scene.Egress["jellyfin-0"] = VpnIp;

        var results = await Check(scene);

        Assert.Equal(["MediaPodNotOnVpn media/jellyfin-0"], Failures(results));
    }

    [Fact]
    public async Task Curl_is_used_where_wget_is_missing_and_the_echo_url_is_configurable()
    {
        if (Skipped()) return;
        await using var scene = await Scene();
        await BindQBittorrentTo("tun0");
        scene.Tools["qbittorrent-0"] = ["curl"];

        var results = await Check(scene, configure: o => o with { IpEchoUrl = "http://ifconfig.me/ip" });

        Assert.Empty(Failures(results));
        Assert.Equal(["wget -t 1 -T 10 -qO- http://ifconfig.me/ip", "curl -fsS -m 10 http://ifconfig.me/ip"],
            scene.Execs.Where(e => e.Pod == "qbittorrent-0").Select(e => e.CommandLine));
    }

    [Fact]
    public async Task A_download_pod_whose_egress_cannot_be_measured_fails()
    {
        if (Skipped()) return;
        await using var scene = await Scene();
        await BindQBittorrentTo("tun0");
        scene.Tools["qbittorrent-0"] = [];

        var results = await Check(scene);

        Assert.Equal(["DownloadEgressIsVpn media/qbittorrent-0"], Failures(results));
        Assert.Equal("egress not measured: wget could not run; curl could not run", results.Single(r => r.Check == VpnChecks.DownloadEgressIsVpn).Evidence);
    }

    [Fact]
    public async Task A_download_pod_that_reaches_nothing_is_no_egress_not_a_leak()
    {
        if (Skipped()) return;
        await using var scene = await Scene();
        await BindQBittorrentTo("tun0");
        // The kill switch holding: the tools run, and every connection fails (GNU wget exits 4, curl 7).
        scene.Cluster.Server.SetExecHandler(Media, "qbittorrent-0", async (request, _, _, stderr) =>
        {
            if (request.Command[0] == "wget") return 4;
            await stderr.WriteAsync(Encoding.UTF8.GetBytes("curl: (7) Failed to connect to ipinfo.io port 443: Network is unreachable\n"));
            return 7;
        });

        var results = await Check(scene);

        Assert.Equal(["DownloadEgressIsVpn media/qbittorrent-0"], Failures(results));
        var egress = results.Single(r => r.Check == VpnChecks.DownloadEgressIsVpn);
        Assert.Equal("no egress: the pod reaches nothing outside (wget exited with 4; curl exited with 7: curl: (7) Failed to connect to ipinfo.io port 443: Network is unreachable); no leak, the download client is offline",
            egress.Evidence);
        Assert.Contains("kill switch", egress.Remediation);
        Assert.DoesNotContain(results, r => r.Check == VpnChecks.DownloadEgressDiffersFromCluster);
    }

    [Fact]
    public async Task The_reference_pod_can_be_named()
    {
        if (Skipped()) return;
        await using var scene = await Scene();
        await BindQBittorrentTo("tun0");
        scene.Cluster.Server.Add(FakeKubernetesObjects.NewPod(Media, "netshoot", new Dictionary<string, string> { ["run"] = "netshoot" },
            [new FakeContainerSpec("netshoot", "nicolaka/netshoot")]));
        scene.Egress["netshoot"] = VpnIp; // a reference that is itself on the VPN makes the download pod look like the cluster
        scene.Handle("netshoot");

        var results = await Check(scene, configure: o => o with { ReferencePod = "netshoot" });

        Assert.Equal(["DownloadEgressDiffersFromCluster media/qbittorrent-0"], Failures(results));
        Assert.Contains("netshoot", results.Single(r => r.Check == VpnChecks.DownloadEgressDiffersFromCluster).Evidence);
    }

    [Fact]
    public async Task Without_a_Gluetun_the_check_fails_and_says_how_to_provide_one()
    {
        if (Skipped()) return;
        await using var scene = await Scene();
        await BindQBittorrentTo("tun0");

        var results = await Check(scene, configure: o => o with { Gluetun = null });

        Assert.Contains("GluetunRunning gluetun", Failures(results));
        Assert.Contains("GLUETUN_URL", results.Single(r => r.Check == VpnChecks.GluetunRunning).Remediation);
    }

    [Fact]
    public async Task A_rejected_Gluetun_key_fails_the_Gluetun_check_without_showing_the_key()
    {
        if (Skipped()) return;
        const string wrongKey = "not-the-gluetun-key-9931";
        await using var scene = await Scene();
        await BindQBittorrentTo("tun0");
        var host = new RecordingHost();

        var results = await Check(scene, host, o => o with { Gluetun = new StarrInstance("gluetun", ServiceKind.Gluetun, scene.Gluetun.Url, new Secret(wrongKey)) });

        var gluetun = results.Single(r => r.Check == VpnChecks.GluetunRunning);
        Assert.Equal(VpnCheckStatus.Fail, gluetun.Status);
        Assert.Contains("401", gluetun.Evidence);
        // Without Gluetun's IP the download pod cannot be shown to be on the VPN.
        Assert.Equal(VpnCheckStatus.Fail, results.Single(r => r.Check == VpnChecks.DownloadEgressIsVpn).Status);
        Assert.DoesNotContain(wrongKey, string.Join("\n", results.Select(r => r.ToString()).Concat(host.Messages)));
    }

    [Fact]
    public async Task Allocations_of_a_VPN_check_and_of_instance_discovery_are_reported()
    {
        if (Skipped()) return;
        await using var scene = await Scene();
        await BindQBittorrentTo("tun0");
        await Check(scene); // JIT and connection warm-up
        using var client = scene.Cluster.Client();
        var options = new VpnCheckOptions(Media) { Gluetun = scene.GluetunInstance, QBittorrent = qbittorrent.NewInstance() };

        var before = GC.GetTotalAllocatedBytes(precise: true);
        await new VpnRouteChecker(client).CheckAsync(options, CancellationToken.None);
        var check = GC.GetTotalAllocatedBytes(precise: true) - before;
        before = GC.GetTotalAllocatedBytes(precise: true);
        await KubernetesInstanceSource.DiscoverAsync(client, new KubernetesDiscoveryOptions(Media), null, CancellationToken.None);
        var discovery = GC.GetTotalAllocatedBytes(precise: true) - before;

        // Process-wide: includes the in-process fake API server, Gluetun emulator and the exec sessions' buffers on both ends.
        output.WriteLine($"VPN check: {check / 1024.0:0} KiB allocated; instance discovery: {discovery / 1024.0:0} KiB allocated");
        Assert.InRange(check, 1, 64L * 1024 * 1024);
        Assert.InRange(discovery, 1, 16L * 1024 * 1024);
    }
}
