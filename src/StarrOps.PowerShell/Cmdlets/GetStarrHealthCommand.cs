using System.Management.Automation;
using StarrOps.Core.Arr;
using StarrOps.Core.Instances;
using StarrOps.PowerShell.Infrastructure;

namespace StarrOps.PowerShell.Cmdlets;

/// <summary>The app's own health items (/health): indexers or download clients unavailable, missing root folders, updates.</summary>
[Cmdlet(VerbsCommon.Get, "StarrHealth")]
[OutputType(typeof(HealthItem))]
public sealed class GetStarrHealthCommand : ArrCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [StarrInstanceTransformation]
    [ArgumentCompleter(typeof(StarrInstanceNameCompleter))]
    public StarrInstance[]? Instance { get; set; }

    /// <summary>Only items of these types (notice, warning, error).</summary>
    [Parameter]
    [ValidateSet("ok", "notice", "warning", "error")]
    public string[]? Type { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var instance in InstancesOrAll(Instance))
            WriteFrom(instance, async (client, token) => (await client.GetHealthAsync(token).ConfigureAwait(false))
                .Where(h => Type is not { Length: > 0 } || Type.Contains(h.Type, StringComparer.OrdinalIgnoreCase)).ToList());
    }
}
