using System.Management.Automation;
using System.Security.Cryptography.X509Certificates;
using StarrOps.Core.Certificates;
using StarrOps.Core.Kubernetes;
using StarrOps.Core.Metrics;
using StarrOps.PowerShell.Infrastructure;

namespace StarrOps.PowerShell.Cmdlets;

/// <summary>Checks the TLS certificates of public HTTPS endpoints (given, or the cluster's Ingresses) and that plain HTTP redirects to HTTPS.</summary>
[Cmdlet(VerbsDiagnostic.Test, "StarrCertificate", DefaultParameterSetName = UriSet)]
[OutputType(typeof(CertificateCheck))]
public sealed class TestStarrCertificateCommand : StarrCmdlet
{
    private const string UriSet = "Uri";
    private const string IngressSet = "Ingress";

    /// <summary>The endpoints: https://host or https://host:port.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = UriSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public Uri[] Uri { get; set; } = [];

    /// <summary>Check the TLS hosts of the Ingresses in this namespace.</summary>
    [Parameter(Mandatory = true, ParameterSetName = IngressSet)]
    [ValidateNotNullOrEmpty]
    public string Namespace { get; set; } = "";

    /// <summary>Only Ingresses with these labels (a Kubernetes label selector).</summary>
    [Parameter(ParameterSetName = IngressSet)]
    public string? LabelSelector { get; set; }

    /// <summary>The kubeconfig file (default: KUBECONFIG, ~/.kube/config, or the in-cluster service account).</summary>
    [Parameter(ParameterSetName = IngressSet)]
    public string? Kubeconfig { get; set; }

    /// <summary>The kubeconfig context (default: the current one).</summary>
    [Parameter(ParameterSetName = IngressSet)]
    public string? Context { get; set; }

    /// <summary>Warn when a certificate expires within this many days.</summary>
    [Parameter]
    [ValidateRange(0, 3650)]
    public int WarningDays { get; set; } = 30;

    /// <summary>Seconds each handshake and redirect check may take.</summary>
    [Parameter]
    [ValidateRange(0.1, 300)]
    public double TimeoutSec { get; set; } = 2;

    /// <summary>Do not check that plain HTTP redirects to HTTPS.</summary>
    [Parameter]
    public SwitchParameter SkipRedirectCheck { get; set; }

    /// <summary>PEM or DER files of private root CAs to trust instead of the system store.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? TrustedRootPath { get; set; }

    /// <summary>Write the results as Prometheus metrics to this file (for the node-exporter textfile collector).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? MetricsPath { get; set; }

    /// <summary>Push the results as Prometheus metrics to this Pushgateway.</summary>
    [Parameter]
    [ValidateNotNull]
    public Uri? PushgatewayUrl { get; set; }

    private readonly List<CertificateCheck> _results = [];

    protected override void ProcessRecord()
    {
        IReadOnlyList<CertificateTarget> targets;
        if (ParameterSetName == IngressSet)
        {
            try
            {
                targets = Run(async token =>
                {
                    using var kubernetes = ConnectKubernetes(Kubeconfig, Context);
                    return await CertificateProbe.TargetsFromIngressesAsync(kubernetes, Namespace, LabelSelector, token).ConfigureAwait(false);
                });
            }
            catch (StarrOps.Core.StarrException ex)
            {
                Fail(ex, Namespace); // without the Ingress list there is nothing to check
                return;
            }
            if (targets.Count == 0) WriteWarning($"No Ingress in namespace '{Namespace}' declares TLS hosts.");
        }
        else
        {
            targets = Uri.Select(u => new CertificateTarget(u)).ToList();
        }
        var options = new CertificateCheckOptions
        {
            WarningDays = WarningDays,
            Timeout = TimeSpan.FromSeconds(TimeoutSec),
            CheckHttpRedirect = !SkipRedirectCheck,
            TrustedRoots = (TrustedRootPath ?? []).Select(p => new X509Certificate2(GetUnresolvedProviderPathFromPSPath(p))).ToList(),
        };
        var results = Run(token => CertificateProbe.CheckAllAsync(targets, Reporter, options, token));
        _results.AddRange(results);
        WriteObject(results, enumerateCollection: true);
    }

    protected override void EndProcessing()
    {
        if (_results.Count == 0) return;
        PublishMetrics(MetricsPath, PushgatewayUrl, "certificates", _ => CertificateMetrics.From(_results).ToList());
    }
}
