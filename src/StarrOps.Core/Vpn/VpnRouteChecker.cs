using System.Net;
using StarrOps.Core.Gluetun;
using StarrOps.Core.Hosting;
using StarrOps.Core.Instances;
using StarrOps.Core.Kubernetes;
using StarrOps.Core.QBittorrent;

namespace StarrOps.Core.Vpn;

/// <summary>What <see cref="VpnRouteChecker"/> checks and where.</summary>
public sealed record VpnCheckOptions(string Namespace)
{
    public const string DefaultIpEchoUrl = "https://ipinfo.io/ip";
    public static readonly IReadOnlyList<string> DefaultTunnelInterfaces = ["tun0", "wg0"];
    public static readonly IReadOnlyList<string> DefaultDownloadApps = ["qbittorrent", "sabnzbd"];
    public static readonly IReadOnlyList<string> DefaultMediaApps = ["jellyfin", "sonarr", "radarr", "lidarr", "readarr", "prowlarr", "bazarr", "jellyseerr"];

    /// <summary>Gluetun's control server; null: discovered in the namespace (Service "gluetun" or GLUETUN_URL in the ConfigMap).</summary>
    public StarrInstance? Gluetun { get; init; }
    /// <summary>qBittorrent's WebUI; null: discovered like Gluetun. Its binding check is skipped when there is none.</summary>
    public StarrInstance? QBittorrent { get; init; }
    /// <summary>A URL that answers the caller's public IP as plain text.</summary>
    public string IpEchoUrl { get; init; } = DefaultIpEchoUrl;
    /// <summary>Interfaces that count as the tunnel for qBittorrent's binding.</summary>
    public IReadOnlyList<string> TunnelInterfaces { get; init; } = DefaultTunnelInterfaces;
    /// <summary>A pod whose egress is the cluster's ordinary one; null: the first media pod (Sonarr first).</summary>
    public string? ReferencePod { get; init; }
    /// <summary>
    /// How long wget/curl in a pod may take to get the echo URL's answer. Gluetun's kill switch drops packets silently, so
    /// without a bound a connect would hang for minutes (TCP's SYN retries) before telling "no egress".
    /// </summary>
    public TimeSpan EgressTimeout { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Apps (label values) whose pods must route through the VPN.</summary>
    public IReadOnlyList<string> DownloadApps { get; init; } = DefaultDownloadApps;
    /// <summary>Apps whose pods must not.</summary>
    public IReadOnlyList<string> MediaApps { get; init; } = DefaultMediaApps;
    public string SecretName { get; init; } = KubernetesDiscoveryOptions.DefaultSecretName;
    public string ConfigMapName { get; init; } = KubernetesDiscoveryOptions.DefaultConfigMapName;
}

/// <summary>
/// Verifies the VPN route of the download pods (FR006/FR016): Gluetun's VPN runs; the egress IP seen from inside each
/// download pod is Gluetun's public IP and not the cluster's ordinary egress; qBittorrent is bound to the tunnel
/// interface; no media-serving pod routes through the VPN. Egress IPs are measured by exec'ing <c>wget -t 1 -T S -qO- URL</c>
/// (falling back to <c>curl -fsS -m S URL</c>) in the pod. One result per check and target; failures are results, not exceptions.
/// </summary>
public sealed class VpnRouteChecker(KubernetesClient kubernetes, IStarrHost? host = null)
{
    private readonly IStarrHost _host = host ?? NullStarrHost.Instance;

    public async Task<IReadOnlyList<VpnCheckResult>> CheckAsync(VpnCheckOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var ns = options.Namespace;
        var (gluetun, qbittorrent) = await ResolveInstancesAsync(options, cancellationToken).ConfigureAwait(false);
        var pods = await kubernetes.ListPodsAsync(ns, null, cancellationToken).ConfigureAwait(false);
        var running = pods.Where(p => p.Phase == "Running").ToList();
        var downloadPods = running.Where(p => AppOf(p, options.DownloadApps) is not null).ToList();
        var mediaPods = running.Where(p => AppOf(p, options.MediaApps) is not null).ToList();
        var namedReference = options.ReferencePod is { } named
            ? running.FirstOrDefault(p => p.Name == named) ?? await kubernetes.GetPodAsync(ns, named, cancellationToken).ConfigureAwait(false)
            : null;

        // Gluetun's state and every pod's egress are independent: measure them together.
        var vpnTask = GluetunStateAsync(gluetun, cancellationToken);
        var measured = downloadPods.Concat(mediaPods).Append(namedReference).OfType<KubePod>().DistinctBy(p => p.Name).ToList();
        var egressTasks = measured.ToDictionary(p => p.Name, p => MeasureEgressAsync(p, options, cancellationToken));
        var bindingTask = qbittorrent is null ? Task.FromResult<(string?, string?)>((null, null)) : BindingAsync(qbittorrent, cancellationToken);
        await Task.WhenAll(egressTasks.Values.Cast<Task>().Append(vpnTask).Append(bindingTask)).ConfigureAwait(false);
        var (vpnRunning, vpnIp, vpnEvidence) = await vpnTask.ConfigureAwait(false);
        Egress EgressOf(KubePod pod) => egressTasks[pod.Name].Result;

        var results = new List<VpnCheckResult>();
        VpnCheckResult Result(string check, string target, VpnCheckStatus status, string evidence, string? remediation = null, string? observed = null) =>
            new(check, target, status, evidence, status == VpnCheckStatus.Fail ? remediation : null) { Namespace = ns, ObservedIp = observed, VpnIp = vpnIp };

        results.Add(gluetun is null
            ? Result(VpnChecks.GluetunRunning, "gluetun", VpnCheckStatus.Fail, "no Gluetun instance found",
                $"Expose Gluetun's control server (port 8000) as a Service named gluetun in namespace {ns}, set GLUETUN_URL in the {options.ConfigMapName} ConfigMap, or pass -Gluetun.")
            : Result(VpnChecks.GluetunRunning, gluetun.Name, vpnRunning ? VpnCheckStatus.Pass : VpnCheckStatus.Fail, vpnEvidence,
                "Gluetun's VPN is not up: check its logs (kubectl logs POD -c gluetun) for the provider's authentication or server errors."));

        var referencePod = namedReference ?? ReferenceAmong(mediaPods, EgressOf, vpnIp);
        var reference = referencePod is null ? null : EgressOf(referencePod);
        if (downloadPods.Count == 0)
        {
            results.Add(Result(VpnChecks.DownloadEgressIsVpn, $"{ns}/(download pods)", VpnCheckStatus.Fail,
                $"no running pod labelled app or app.kubernetes.io/name = {string.Join('|', options.DownloadApps)}",
                "Label the download pods (app.kubernetes.io/name: qbittorrent) or check that they run."));
        }
        foreach (var pod in downloadPods)
        {
            var egress = EgressOf(pod);
            var target = $"{ns}/{pod.Name}";
            if (egress.Ip is null && egress.NoConnection)
            {
                // The tool ran and nothing answered: the pod has no way out. That is the kill switch holding, not a leak.
                results.Add(Result(VpnChecks.DownloadEgressIsVpn, target, VpnCheckStatus.Fail,
                    $"no egress: the pod reaches nothing outside ({egress.Problem}); no leak, the download client is offline",
                    "The tunnel is down and nothing routes around it (the kill switch holds): bring Gluetun's VPN up (see GluetunRunning; kubectl logs POD -c gluetun). If -IpEchoUrl is a host the VPN cannot reach, pass one it can."));
            }
            else if (egress.Ip is null)
            {
                results.Add(Result(VpnChecks.DownloadEgressIsVpn, target, VpnCheckStatus.Fail, $"egress not measured: {egress.Problem}",
                    "Make wget or curl available in the download container, or pass -IpEchoUrl with a URL the pod can reach."));
            }
            else if (vpnIp is null)
            {
                results.Add(Result(VpnChecks.DownloadEgressIsVpn, target, VpnCheckStatus.Fail, $"egress {egress.Ip}; Gluetun reported no public IP",
                    "Gluetun has no public IP: the tunnel is not up.", egress.Ip));
            }
            else
            {
                var same = SameIp(egress.Ip, vpnIp);
                results.Add(Result(VpnChecks.DownloadEgressIsVpn, target, same ? VpnCheckStatus.Pass : VpnCheckStatus.Fail,
                    same ? $"egress {egress.Ip} = VPN {vpnIp}" : $"egress {egress.Ip} ≠ VPN {vpnIp}: traffic leaves outside the tunnel",
                    "Run the download client in the same pod as Gluetun (sidecar) so it shares Gluetun's network namespace, and keep Gluetun's firewall (kill switch) on.",
                    egress.Ip));
            }

            if (egress.Ip is null) continue;
            if (reference?.Ip is null)
            {
                results.Add(Result(VpnChecks.DownloadEgressDiffersFromCluster, target, VpnCheckStatus.Skipped,
                    referencePod is null ? "no reference pod (pass -ReferencePod)" : $"reference pod {referencePod.Name}: {reference?.Problem}", observed: egress.Ip));
            }
            else
            {
                var leaks = SameIp(egress.Ip, reference.Ip);
                results.Add(Result(VpnChecks.DownloadEgressDiffersFromCluster, target, leaks ? VpnCheckStatus.Fail : VpnCheckStatus.Pass,
                    leaks ? $"egress {egress.Ip} = cluster egress of {referencePod!.Name}: the download pod leaks through the cluster's IP"
                          : $"egress {egress.Ip} ≠ cluster egress {reference.Ip} (from {referencePod!.Name})",
                    "The download pod's traffic bypasses the VPN: route it through Gluetun (sidecar, shared network namespace) and enable Gluetun's firewall.",
                    egress.Ip));
            }
        }

        if (qbittorrent is null)
        {
            results.Add(Result(VpnChecks.QBittorrentBoundToTunnel, "qbittorrent", VpnCheckStatus.Skipped, "no qBittorrent instance found (pass -QBittorrent)"));
        }
        else
        {
            var (bound, problem) = await bindingTask.ConfigureAwait(false);
            var tunnel = bound is not null && options.TunnelInterfaces.Contains(bound, StringComparer.Ordinal);
            results.Add(Result(VpnChecks.QBittorrentBoundToTunnel, qbittorrent.Name, tunnel ? VpnCheckStatus.Pass : VpnCheckStatus.Fail,
                bound is null ? $"preferences not read: {problem}"
                : bound.Length == 0 ? "bound to any interface (current_network_interface is empty)"
                : $"interface {bound}{(tunnel ? "" : $" (tunnel: {string.Join('|', options.TunnelInterfaces)})")}",
                $"In qBittorrent: Tools > Options > Advanced > Network interface = {options.TunnelInterfaces[0]} (preference current_network_interface), so torrents stop when the tunnel drops."));
        }

        foreach (var pod in mediaPods)
        {
            var egress = EgressOf(pod);
            var target = $"{ns}/{pod.Name}";
            if (egress.Ip is null)
                results.Add(Result(VpnChecks.MediaPodNotOnVpn, target, VpnCheckStatus.Skipped, $"{(egress.NoConnection ? "no egress" : "egress not measured")}: {egress.Problem}"));
            else if (vpnIp is null)
                results.Add(Result(VpnChecks.MediaPodNotOnVpn, target, VpnCheckStatus.Skipped, $"egress {egress.Ip}; Gluetun reported no public IP", observed: egress.Ip));
            else
            {
                var onVpn = SameIp(egress.Ip, vpnIp);
                results.Add(Result(VpnChecks.MediaPodNotOnVpn, target, onVpn ? VpnCheckStatus.Fail : VpnCheckStatus.Pass,
                    onVpn ? $"egress {egress.Ip} = VPN {vpnIp}: a media pod routes through the VPN" : $"egress {egress.Ip} ≠ VPN {vpnIp}",
                    "Media servers and *arr apps should not share Gluetun's network: move them out of the Gluetun pod (remote playback and metadata lookups break or slow down through the VPN).",
                    egress.Ip));
            }
        }
        return results;
    }

    // The *arr apps make ordinary outbound calls; Jellyfin last. A media pod that is itself on the VPN (reported by its own
    // check) would make every download pod look like a leak, so the first one measured off the VPN is taken.
    private static readonly string[] ReferencePreference = ["sonarr", "radarr", "lidarr", "readarr", "prowlarr", "bazarr", "jellyseerr", "jellyfin"];

    private static KubePod? ReferenceAmong(IReadOnlyList<KubePod> mediaPods, Func<KubePod, Egress> egressOf, string? vpnIp)
    {
        var ordered = mediaPods.OrderBy(p => AppOf(p, ReferencePreference) is { } app ? Array.IndexOf(ReferencePreference, app) : ReferencePreference.Length).ToList();
        return ordered.FirstOrDefault(p => egressOf(p).Ip is { } ip && (vpnIp is null || !SameIp(ip, vpnIp)))
               ?? ordered.FirstOrDefault(p => egressOf(p).Ip is not null);
    }

    private async Task<(StarrInstance? Gluetun, StarrInstance? QBittorrent)> ResolveInstancesAsync(VpnCheckOptions options, CancellationToken cancellationToken)
    {
        if (options.Gluetun is not null && options.QBittorrent is not null) return (options.Gluetun, options.QBittorrent);
        var discovered = await KubernetesInstanceSource.DiscoverAsync(kubernetes,
            new KubernetesDiscoveryOptions(options.Namespace) { SecretName = options.SecretName, ConfigMapName = options.ConfigMapName }, _host, cancellationToken)
            .ConfigureAwait(false);
        return (options.Gluetun ?? discovered.FirstOrDefault(i => i.Kind == ServiceKind.Gluetun),
            options.QBittorrent ?? discovered.FirstOrDefault(i => i.Kind == ServiceKind.QBittorrent));
    }

    private async Task<(bool Running, string? PublicIp, string Evidence)> GluetunStateAsync(StarrInstance? gluetun, CancellationToken cancellationToken)
    {
        if (gluetun is null) return (false, null, "");
        using var client = new GluetunClient(gluetun, _host);
        GluetunVpnStatus status;
        try
        {
            status = await client.GetVpnStatusAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (StarrException ex)
        {
            return (false, null, $"control server did not answer: {ex.Message}");
        }
        string? ip = null;
        var ipProblem = "";
        try
        {
            var publicIp = await client.GetPublicIpAsync(cancellationToken).ConfigureAwait(false);
            ip = string.IsNullOrWhiteSpace(publicIp.PublicIp) ? null : publicIp.PublicIp.Trim();
            if (ip is null) ipProblem = "; no public IP yet";
            else if (publicIp.Country is { Length: > 0 } country) ipProblem = $" ({country})";
        }
        catch (StarrException ex)
        {
            ipProblem = $"; public IP not read: {ex.Message}";
        }
        var running = status.IsRunning;
        return (running, ip, $"VPN {status.Status}{(ip is null ? "" : $", public IP {ip}")}{ipProblem}");
    }

    private async Task<(string? Interface, string? Problem)> BindingAsync(StarrInstance qbittorrent, CancellationToken cancellationToken)
    {
        try
        {
            using var client = new QBittorrentClient(qbittorrent, _host);
            var preferences = await client.GetPreferencesAsync(cancellationToken).ConfigureAwait(false);
            return (preferences.CurrentNetworkInterface, null);
        }
        catch (StarrException ex)
        {
            return (null, ex.Message);
        }
    }

    /// <summary><see cref="NoConnection"/>: a tool ran but could not connect (no route, refused, timed out), as opposed to no tool at all.</summary>
    private sealed record Egress(string? Ip, string? Problem, bool NoConnection = false);

    // GNU wget exits 4 on a network failure or timeout; curl 6 (host not resolved), 7 (could not connect), 28 (timed out).
    // BusyBox wget exits 1 for everything, so its message tells.
    private static bool IsConnectionFailure(string tool, int? exitCode, string stderr) => tool switch
    {
        "wget" => exitCode == 4 || (exitCode == 1 && (stderr.Contains("unreachable", StringComparison.OrdinalIgnoreCase)
            || stderr.Contains("No route to host", StringComparison.OrdinalIgnoreCase) || stderr.Contains("timed out", StringComparison.OrdinalIgnoreCase)
            || stderr.Contains("Connection refused", StringComparison.OrdinalIgnoreCase))),
        "curl" => exitCode is 6 or 7 or 28,
        _ => false,
    };

    /// <summary>The public IP the pod's traffic leaves with: <c>wget -t 1 -T S -qO- URL</c>, else <c>curl -fsS -m S URL</c> (images carry one or the other; BusyBox wget takes -T and ignores -t).</summary>
    private async Task<Egress> MeasureEgressAsync(KubePod pod, VpnCheckOptions options, CancellationToken cancellationToken)
    {
        var container = ContainerToMeasure(pod, options);
        var seconds = Math.Max(1, (int)Math.Ceiling(options.EgressTimeout.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        string[][] commands = [["wget", "-t", "1", "-T", seconds, "-qO-", options.IpEchoUrl], ["curl", "-fsS", "-m", seconds, options.IpEchoUrl]];
        var problems = new List<string>();
        var noConnection = false;
        foreach (var command in commands)
        {
            try
            {
                var result = await kubernetes.ExecAsync(pod.Namespace ?? options.Namespace, pod.Name, container, command, null, cancellationToken).ConfigureAwait(false);
                var text = result.Stdout.Trim();
                if (result.Succeeded && IPAddress.TryParse(text, out var address))
                {
                    _host.WriteVerbose($"VPN check: {pod.Name} egress {address} ({command[0]})");
                    return new Egress(address.ToString(), null);
                }
                if (!result.Succeeded && IsConnectionFailure(command[0], result.ExitCode, result.Stderr)) noConnection = true;
                problems.Add(result.Succeeded
                    ? $"{command[0]} answered '{Truncate(text)}', not an IP address"
                    : $"{command[0]} exited with {result.ExitCode}{(result.Stderr.Trim().Length == 0 ? "" : ": " + Truncate(result.Stderr.Trim()))}");
            }
            catch (KubernetesException ex) when (ex.Failure == KubernetesFailure.CommandFailed)
            {
                problems.Add($"{command[0]} could not run");
            }
        }
        return new Egress(null, string.Join("; ", problems), noConnection);
    }

    // Containers of a pod share its network namespace: any works; prefer the app's own (the Gluetun sidecar has neither tool, usually).
    private static string? ContainerToMeasure(KubePod pod, VpnCheckOptions options)
    {
        if (pod.Containers.Count <= 1) return pod.Containers.FirstOrDefault()?.Name;
        var app = AppOf(pod, options.DownloadApps.Concat(options.MediaApps).ToList());
        return (pod.Containers.FirstOrDefault(c => app is not null && c.Name.Contains(app, StringComparison.OrdinalIgnoreCase))
                ?? pod.Containers.FirstOrDefault(c => !c.Name.Contains("gluetun", StringComparison.OrdinalIgnoreCase))
                ?? pod.Containers[0]).Name;
    }

    private static string? AppOf(KubePod pod, IReadOnlyList<string> apps)
    {
        foreach (var label in (string[])["app.kubernetes.io/name", "app"])
        {
            if (pod.Metadata.Labels.TryGetValue(label, out var value) && apps.Contains(value, StringComparer.OrdinalIgnoreCase)) return value.ToLowerInvariant();
        }
        return null;
    }

    private static bool SameIp(string a, string b) =>
        IPAddress.TryParse(a, out var x) && IPAddress.TryParse(b, out var y) ? x.Equals(y) : string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    private static string Truncate(string text) => text.Length <= 120 ? text : text[..120] + "…";
}
