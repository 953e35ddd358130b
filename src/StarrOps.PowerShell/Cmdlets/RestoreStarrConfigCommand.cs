using System.Management.Automation;
using StarrOps.Core;
using StarrOps.Core.Backup;
using StarrOps.Core.Instances;
using StarrOps.Core.Kubernetes;
using StarrOps.PowerShell.Infrastructure;

namespace StarrOps.PowerShell.Cmdlets;

/// <summary>
/// Restores a verified backup into its instance: an app zip through the app's restore upload and a restart, a volume
/// tar by scaling the workload to zero and unpacking into the volume from a helper pod. Waits until the app answers.
/// </summary>
[Cmdlet(VerbsData.Restore, "StarrConfig", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(RestoreResult))]
public sealed class RestoreStarrConfigCommand : StarrCmdlet
{
    private KubernetesClient? _kubernetes;

    /// <summary>The archive; Get-StarrBackup output binds by its Path property.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    public string Path { get; set; } = "";

    /// <summary>Where to restore; default: the instance named in the backup's manifest.</summary>
    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    [StarrInstanceTransformation]
    [ArgumentCompleter(typeof(StarrInstanceNameCompleter))]
    public StarrInstance? Instance { get; set; }

    /// <summary>Restore a backup made by a newer app version than the running one.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

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

    [Parameter]
    public string HelperImage { get; set; } = "busybox:1.36";

    [Parameter]
    [ValidateRange(10, 3600)]
    public int TimeoutSeconds { get; set; } = 300;

    protected override void ProcessRecord()
    {
        var backup = BackupStore.Open(GetUnresolvedProviderPathFromPSPath(Path));
        TryRun(Path, () =>
        {
            var instance = Instance ?? (backup.Instance.Length > 0 ? InstanceRegistry.Resolve(backup.Instance)
                : throw new StarrConfigurationException($"{Path} has no readable manifest naming its instance; pass -Instance."));
            var options = new RestoreOptions
            {
                Force = Force,
                HelperImage = HelperImage,
                WaitTimeout = TimeSpan.FromSeconds(TimeoutSeconds),
                Volume = backup.Source == BackupSources.Volume
                    ? new ConfigVolumeOptions { Kubernetes = _kubernetes ??= ConnectKubernetes(Kubeconfig, Context), Namespace = Namespace, PodSelector = PodSelector, ConfigPath = ConfigPath }
                    : null,
            };
            var result = Run(token => RestoreService.RestoreAsync(backup, instance, options, Reporter, token));
            if (result.Restored) WriteObject(result);
        });
    }

    protected override void EndProcessing() => _kubernetes?.Dispose();
}
