using System.Management.Automation;
using StarrOps.Core.Arr;
using StarrOps.Core.Instances;
using StarrOps.PowerShell.Infrastructure;

namespace StarrOps.PowerShell.Cmdlets;

/// <summary>The app's /system/status: name, version, branch, URL base, start time.</summary>
[Cmdlet(VerbsCommon.Get, "StarrSystemStatus")]
[OutputType(typeof(SystemStatus))]
public sealed class GetStarrSystemStatusCommand : ArrCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [StarrInstanceTransformation]
    [ArgumentCompleter(typeof(StarrInstanceNameCompleter))]
    public StarrInstance[]? Instance { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var instance in InstancesOrAll(Instance))
            WriteFrom(instance, (client, token) => client.GetSystemStatusAsync(token));
    }
}
