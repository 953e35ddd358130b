using System.Management.Automation;
using StarrOps.Core;
using StarrOps.Core.Backup;
using StarrOps.Core.Metrics;
using StarrOps.Core.Instances;
using StarrOps.Core.Kubernetes;
using StarrOps.PowerShell.Infrastructure;

namespace StarrOps.PowerShell.Cmdlets;

/// <summary>
/// Backs up each instance into a backup store: an *arr through its own Backup command (the zip read from its config
/// volume by Kubernetes exec, or through the web UI login with -Credential), other services as a tar of their config
/// volume. Every backup is written atomically, verified, and optionally followed by retention.
/// </summary>
[Cmdlet(VerbsData.Backup, "StarrConfig", SupportsShouldProcess = true)]
[OutputType(typeof(StarrBackup))]
public sealed class BackupStarrConfigCommand : ArrCmdlet
{
    private KubernetesClient? _kubernetes;

    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [StarrInstanceTransformation]
    [ArgumentCompleter(typeof(StarrInstanceNameCompleter))]
    public StarrInstance[]? Instance { get; set; }

    /// <summary>The backup store: a folder or a mounted volume.</summary>
    [Parameter(Mandatory = true)]
    public string Path { get; set; } = "";

    [Parameter]
    public string? Namespace { get; set; }

    [Parameter]
    public string? Kubeconfig { get; set; }

    [Parameter]
    public string? Context { get; set; }

    [Parameter]
    public string? PodSelector { get; set; }

    [Parameter]
    public string ConfigPath { get; set; } = "/config";

    /// <summary>Web UI user: fetch the *arr's zip through its login instead of Kubernetes.</summary>
    [Parameter]
    [Credential]
    public PSCredential? Credential { get; set; }

    [Parameter]
    public SwitchParameter IncludeVolume { get; set; }

    [Parameter]
    public string[] Exclude { get; set; } = [];

    [Parameter]
    [ValidateRange(0, 3650)]
    public int? KeepDaily { get; set; }

    [Parameter]
    [ValidateRange(0, 520)]
    public int? KeepWeekly { get; set; }

    [Parameter]
    [ValidateRange(0, 240)]
    public int? KeepMonthly { get; set; }

    private readonly List<StarrBackup> _made = [];

    /// <summary>Write the results as Prometheus metrics to this .prom file (node-exporter textfile collector).</summary>
    [Parameter]
    public string? MetricsPath { get; set; }

    /// <summary>Push the results as Prometheus metrics to this Pushgateway.</summary>
    [Parameter]
    public Uri? PushgatewayUrl { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var instance in Instance is { Length: > 0 } given ? given : InstancesOrAll(null))
        {
            if (!ShouldProcess(instance.Name, $"Back up into {Path}")) continue;
            TryRun(instance.Name, () =>
            {
                var options = new BackupOptions
                {
                    StorePath = GetUnresolvedProviderPathFromPSPath(Path),
                    Volume = NeedsKubernetes(instance) ? new ConfigVolumeOptions { Kubernetes = KubernetesClientFor(), Namespace = Namespace, PodSelector = PodSelector, ConfigPath = ConfigPath } : null,
                    UserName = Credential?.UserName,
                    Password = Credential is null ? null : new Secret(Credential.GetNetworkCredential().Password),
                    IncludeVolume = IncludeVolume,
                    Exclude = Exclude,
                };
                foreach (var backup in Run(token => BackupService.BackupAsync(instance, options, Reporter, token)))
                {
                    if (backup.Verified != true)
                        WriteError(ErrorMapper.ToErrorRecord(new BackupException($"{instance.Name}: {System.IO.Path.GetFileName(backup.Path)} failed verification: {string.Join("; ", backup.Verification?.FailedChecks ?? [])}", "StarrBackupCorrupt"), instance.Name));
                    WriteObject(backup);
                    _made.Add(backup);
                }
                if (KeepDaily is not null || KeepWeekly is not null || KeepMonthly is not null)
                {
                    var policy = new RetentionPolicy(KeepDaily ?? 0, KeepWeekly ?? 0, KeepMonthly ?? 0);
                    var deleted = Run(token => BackupRetention.PruneAsync(new BackupStore(options.StorePath), policy, [instance.Name], Reporter, token));
                    foreach (var gone in deleted) WriteVerbose($"Deleted {gone.Path} (retention).");
                }
            });
        }
    }

    protected override void EndProcessing()
    {
        // Age, size and verification of the newest backup made per instance; other instances' samples in the file stay.
        var fresh = _made.GroupBy(b => b.Instance).Select(g => g.MaxBy(b => b.Created)!)
            .SelectMany(b => BackupMetrics.For(b.Instance, b.Created, b.Size, b.Verified)).ToList();
        if (fresh.Count > 0) PublishMetrics(MetricsPath, PushgatewayUrl, "backup", previous => MetricSamples.Merge(previous, fresh));
        _kubernetes?.Dispose();
    }

    private bool NeedsKubernetes(StarrInstance instance) =>
        Credential is null || IncludeVolume || !instance.Kind.IsArr() || Namespace is not null || Kubeconfig is not null || Context is not null;

    private KubernetesClient KubernetesClientFor() =>
        _kubernetes ??= ConnectKubernetes(Kubeconfig, Context);
}
