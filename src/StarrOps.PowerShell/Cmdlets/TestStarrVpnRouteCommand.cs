using System.Management.Automation;
using StarrOps.Core;
using StarrOps.Core.Instances;
using StarrOps.Core.Kubernetes;
using StarrOps.Core.Metrics;
using StarrOps.Core.Vpn;
using StarrOps.PowerShell.Infrastructure;

namespace StarrOps.PowerShell.Cmdlets;

/// <summary>
/// Checks that the download pods (qBittorrent, SABnzbd) leave through Gluetun's VPN and nothing else does: one result per check;
/// after writing them all, an error record when any check failed (so <c>pwsh -c Test-StarrVpnRoute</c> exits 1).
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "StarrVpnRoute")]
[OutputType(typeof(VpnCheckResult))]
public sealed class TestStarrVpnRouteCommand : StarrCmdlet
{
    /// <summary>The namespace of the stack; default: the kubeconfig context's (or the pod's own) namespace.</summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    public string? Namespace { get; set; }

    /// <summary>Gluetun's control server; default: GLUETUN_URL/GLUETUN_API_KEY, else discovered in the namespace.</summary>
    [Parameter]
    [StarrInstanceTransformation]
    [ArgumentCompleter(typeof(StarrInstanceNameCompleter))]
    public StarrInstance? Gluetun { get; set; }

    /// <summary>qBittorrent's WebUI, to check its interface binding; default: QBITTORRENT_URL…, else discovered.</summary>
    [Parameter]
    [StarrInstanceTransformation]
    [ArgumentCompleter(typeof(StarrInstanceNameCompleter))]
    public StarrInstance? QBittorrent { get; set; }

    /// <summary>A URL that answers the caller's public IP as plain text.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string IpEchoUrl { get; set; } = VpnCheckOptions.DefaultIpEchoUrl;

    /// <summary>The interface(s) qBittorrent must be bound to (default tun0, wg0).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[] TunnelInterface { get; set; } = [.. VpnCheckOptions.DefaultTunnelInterfaces];

    /// <summary>A pod with the cluster's ordinary egress; default: the Sonarr pod (or the first media pod).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ReferencePod { get; set; }

    [Parameter]
    public string? Kubeconfig { get; set; }

    [Parameter]
    public string? Context { get; set; }

    /// <summary>Write the results as Prometheus metrics to this .prom file (node-exporter textfile collector).</summary>
    [Parameter]
    public string? MetricsPath { get; set; }

    /// <summary>Push the results as Prometheus metrics to this Pushgateway.</summary>
    [Parameter]
    public Uri? PushgatewayUrl { get; set; }

    protected override void ProcessRecord()
    {
        if (!Uri.TryCreate(IpEchoUrl, UriKind.Absolute, out var echo) || (echo.Scheme != Uri.UriSchemeHttp && echo.Scheme != Uri.UriSchemeHttps))
        {
            Fail(new StarrConfigurationException($"-IpEchoUrl must be an absolute http(s) URL, not '{IpEchoUrl}'."), IpEchoUrl);
            return;
        }
        IReadOnlyList<VpnCheckResult> results = [];
        var ok = TryRun(Namespace, () =>
        {
            using var client = ConnectKubernetes(Kubeconfig, Context);
            var options = new VpnCheckOptions(Namespace ?? client.DefaultNamespace)
            {
                Gluetun = Gluetun ?? Registered(ServiceKind.Gluetun),
                QBittorrent = QBittorrent ?? Registered(ServiceKind.QBittorrent),
                IpEchoUrl = IpEchoUrl,
                TunnelInterfaces = TunnelInterface,
                ReferencePod = ReferencePod,
            };
            results = Run(token => new VpnRouteChecker(client, Reporter).CheckAsync(options, token));
        });
        if (!ok) return;
        WriteObject(results, enumerateCollection: true);
        PublishMetrics(MetricsPath, PushgatewayUrl, "vpn",
            _ => VpnMetrics.For(results.Select(r => (r.Check, r.Status == VpnCheckStatus.Skipped ? (bool?)null : r.Status == VpnCheckStatus.Pass))).ToList());
        var failed = results.Where(r => r.Status == VpnCheckStatus.Fail).ToList();
        if (failed.Count > 0)
        {
            var message = $"VPN route check failed: {string.Join("; ", failed.Select(f => $"{f.Check} on {f.Target}: {f.Evidence}"))}";
            WriteError(new ErrorRecord(new InvalidOperationException(SecretRegistry.Redact(message)), "StarrVpnRouteFailed", ErrorCategory.SecurityError, failed[0].Target)
            {
                ErrorDetails = new ErrorDetails(SecretRegistry.Redact(message)) { RecommendedAction = SecretRegistry.Redact(failed[0].Remediation ?? "") },
            });
        }
    }

    // The one instance of a kind the session or environment describes; none or several: left to discovery.
    private static StarrInstance? Registered(ServiceKind kind)
    {
        var matches = InstanceRegistry.All().Where(i => i.Kind == kind).ToList();
        return matches.Count == 1 ? matches[0] : null;
    }
}
