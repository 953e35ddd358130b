using System.Management.Automation;
using StarrOps.Core.Arr;
using StarrOps.Core.Instances;
using StarrOps.Core.Services;
using StarrOps.PowerShell.Infrastructure;

namespace StarrOps.PowerShell.Cmdlets;

/// <summary>Lists root folders (where the app keeps media, e.g. /data/media/tv) with accessibility and free space.</summary>
[Cmdlet(VerbsCommon.Get, "StarrRootFolder")]
[OutputType(typeof(RootFolder))]
public sealed class GetStarrRootFolderCommand : ArrCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [StarrInstanceTransformation]
    [ArgumentCompleter(typeof(StarrInstanceNameCompleter))]
    public StarrInstance[]? Instance { get; set; }

    [Parameter(Position = 1)]
    [SupportsWildcards]
    public string[]? Path { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var instance in InstancesOrAll(Instance, i => i.Kind.IsProwlarrTarget()))
            WriteFrom(instance, async (client, token) => (await client.GetRootFoldersAsync(token).ConfigureAwait(false))
                .Where(r => Path is not { Length: > 0 } || Path.Any(p => Wildcard.IsMatch(r.Path, p))).ToList());
    }
}
