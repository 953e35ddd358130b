using System.Management.Automation;
using StarrOps.Core;
using StarrOps.Core.Arr;
using StarrOps.Core.Instances;
using StarrOps.Core.Prowlarr;
using StarrOps.PowerShell.Infrastructure;

namespace StarrOps.PowerShell.Cmdlets;

/// <summary>
/// Pushes Prowlarr's indexers into every linked app now (the ApplicationIndexerSync command) and waits
/// for it to finish. The apps get Torznab/Newznab indexers named "X (Prowlarr)".
/// </summary>
[Cmdlet(VerbsData.Sync, "StarrProwlarrIndexer", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(CommandStatus))]
public sealed class SyncStarrProwlarrIndexerCommand : ArrCmdlet
{
    /// <summary>The Prowlarr instance; default: the only Prowlarr the session knows.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Instance")]
    [StarrInstanceTransformation]
    [ArgumentCompleter(typeof(StarrInstanceNameCompleter))]
    public StarrInstance? Prowlarr { get; set; }

    [Parameter]
    [ValidateRange(1, 3600)]
    public int TimeoutSec { get; set; } = 120;

    protected override void ProcessRecord()
    {
        StarrInstance prowlarr;
        try
        {
            prowlarr = Prowlarr ?? InstanceRegistry.Single(ServiceKind.Prowlarr);
        }
        catch (StarrException ex)
        {
            Fail(ex, null);
            return;
        }
        if (prowlarr.Kind != ServiceKind.Prowlarr)
        {
            WriteError(ErrorMapper.ToErrorRecord(new StarrConfigurationException($"{prowlarr.Name} is {prowlarr.Kind}, not Prowlarr."), prowlarr.Name));
            return;
        }
        if (!ShouldProcess($"{prowlarr.Name}: every linked application", "Sync indexers (ApplicationIndexerSync)")) return;
        WriteFrom(prowlarr, (client, token) => ((ProwlarrClient)client).SyncIndexersAsync(TimeSpan.FromSeconds(TimeoutSec), token));
    }
}
