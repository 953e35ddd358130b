using System.Management.Automation;
using System.Security.Cryptography.X509Certificates;
using StarrOps.Core;
using StarrOps.Core.Certificates;
using StarrOps.Core.Health;
using StarrOps.Core.Instances;
using StarrOps.Core.Kubernetes;
using StarrOps.Core.Scorecard;
using StarrOps.Core.Vpn;
using StarrOps.PowerShell.Infrastructure;

namespace StarrOps.PowerShell.Cmdlets;

/// <summary>The production-readiness scorecard: every check StarrOps has, one row each with Pass/Warn/Fail, the evidence and the fix.</summary>
[Cmdlet(VerbsDiagnostic.Test, "StarrStack")]
[OutputType(typeof(ScorecardRow), typeof(string))]
public sealed class TestStarrStackCommand : StarrCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [StarrInstanceTransformation]
    [ArgumentCompleter(typeof(StarrInstanceNameCompleter))]
    public StarrInstance[]? Instance { get; set; }

    /// <summary>Public HTTPS endpoints whose certificates to check.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public Uri[]? CertificateUri { get; set; }

    /// <summary>The namespace of the stack: its Ingresses' TLS hosts are checked, and the VPN route when Gluetun is configured.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Namespace { get; set; }

    /// <summary>The kubeconfig file (default: KUBECONFIG, ~/.kube/config, or the in-cluster service account).</summary>
    [Parameter]
    public string? Kubeconfig { get; set; }

    /// <summary>The kubeconfig context (default: the current one).</summary>
    [Parameter]
    public string? Context { get; set; }

    /// <summary>The backup store (Backup-StarrConfig's -Path): the newest backup of each instance must be younger than -MaxBackupAgeHours.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? BackupPath { get; set; }

    /// <summary>The oldest a newest backup may be.</summary>
    [Parameter]
    [ValidateRange(1, 8760)]
    public double MaxBackupAgeHours { get; set; } = 26;

    /// <summary>PEM or DER files of private root CAs to trust for the certificate checks.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? TrustedRootPath { get; set; }

    /// <summary>Seconds each probe may take.</summary>
    [Parameter]
    [ValidateRange(0.1, 300)]
    public double TimeoutSec { get; set; } = 2;

    /// <summary>Objects (default), or one Json or Markdown document.</summary>
    [Parameter]
    [ValidateSet("Object", "Json", "Markdown")]
    public string OutputFormat { get; set; } = "Object";

    private readonly List<StarrInstance> _instances = [];

    protected override void ProcessRecord()
    {
        if (Instance is { Length: > 0 }) _instances.AddRange(Instance);
    }

    protected override void EndProcessing()
    {
        var instances = _instances.Count > 0 ? _instances : AllInstances();
        var timeout = TimeSpan.FromSeconds(TimeoutSec);
        var certificateTargets = (CertificateUri ?? []).Select(u => new CertificateTarget(u)).ToList();
        KubernetesClient? kubernetes = null;
        try
        {
            if (Namespace is not null)
            {
                kubernetes = TryKubernetes();
                if (kubernetes is not null)
                {
                    try
                    {
                        certificateTargets.AddRange(Run(token => CertificateProbe.TargetsFromIngressesAsync(kubernetes, Namespace, null, token)));
                    }
                    catch (StarrException ex)
                    {
                        WriteWarning($"Could not list the Ingresses of '{Namespace}', so their certificates are not checked: {ex.Message}");
                    }
                }
            }
            var gluetun = instances.FirstOrDefault(i => i.Kind == ServiceKind.Gluetun);
            var options = new ScorecardOptions
            {
                Instances = instances,
                Health = new HealthProbeOptions { Timeout = timeout },
                Certificates = certificateTargets.DistinctBy(t => t.Uri.Authority, StringComparer.OrdinalIgnoreCase).ToList(),
                CertificateOptions = new CertificateCheckOptions
                {
                    Timeout = timeout,
                    TrustedRoots = (TrustedRootPath ?? []).Select(p => new X509Certificate2(GetUnresolvedProviderPathFromPSPath(p))).ToList(),
                },
                VpnCheck = gluetun is null || kubernetes is null || Namespace is null ? null : token =>
                    new VpnRouteChecker(kubernetes, Reporter).CheckAsync(new VpnCheckOptions(Namespace)
                    {
                        Gluetun = gluetun,
                        QBittorrent = instances.FirstOrDefault(i => i.Kind == ServiceKind.QBittorrent),
                    }, token),
                BackupStorePath = BackupPath is null ? null : GetUnresolvedProviderPathFromPSPath(BackupPath),
                MaxBackupAge = TimeSpan.FromHours(MaxBackupAgeHours),
            };
            if (gluetun is not null && Namespace is null)
                WriteWarning("Gluetun is configured but -Namespace is not: the VPN route check needs the cluster and is skipped.");
            var rows = Run(token => StackScorecard.RunAsync(options, Reporter, token));
            switch (OutputFormat)
            {
                case "Json": WriteObject(StackScorecard.ToJson(rows)); break;
                case "Markdown": WriteObject(StackScorecard.ToMarkdown(rows)); break;
                default: WriteObject(rows, enumerateCollection: true); break;
            }
            var failed = rows.Where(r => r.Result == ScorecardResult.Fail).ToList();
            if (failed.Count > 0)
            {
                // Non-terminating, after the whole scorecard is out: `pwsh -c Test-StarrStack` exits non-zero.
                var summary = string.Join("; ", failed.Select(r => $"{r.Check} ({r.Target})"));
                WriteError(new ErrorRecord(new InvalidOperationException($"{failed.Count} stack check(s) failed: {summary}"), "StarrStackCheckFailed",
                    ErrorCategory.InvalidResult, null));
            }
        }
        finally
        {
            kubernetes?.Dispose();
        }
    }

    private KubernetesClient? TryKubernetes()
    {
        try
        {
            return ConnectKubernetes(Kubeconfig, Context);
        }
        catch (StarrException ex)
        {
            WriteWarning($"No cluster access, so Ingress certificates and the VPN route are not checked: {ex.Message}");
            return null;
        }
    }

    private IReadOnlyList<StarrInstance> AllInstances()
    {
        try
        {
            return InstanceRegistry.All();
        }
        catch (StarrException ex)
        {
            Fail(ex, null);
            return [];
        }
    }
}
