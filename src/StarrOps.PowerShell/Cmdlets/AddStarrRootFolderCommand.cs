using System.Management.Automation;
using StarrOps.Core.Arr;
using StarrOps.Core.Instances;
using StarrOps.Core.Services;
using StarrOps.PowerShell.Infrastructure;

namespace StarrOps.PowerShell.Cmdlets;

/// <summary>
/// Adds root folders. The path must exist inside the app's pod. A folder that is already there is
/// left alone. Lidarr and Readarr also get a name and default profiles (the first ones, unless given).
/// </summary>
[Cmdlet(VerbsCommon.Add, "StarrRootFolder", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(RootFolder))]
public sealed class AddStarrRootFolderCommand : ArrCmdlet
{
    [Parameter(Mandatory = true, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [StarrInstanceTransformation]
    [ArgumentCompleter(typeof(StarrInstanceNameCompleter))]
    public StarrInstance[] Instance { get; set; } = [];

    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [];

    [Parameter]
    public string? Name { get; set; }

    [Parameter]
    public int QualityProfileId { get; set; }

    [Parameter]
    public int MetadataProfileId { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var bound = MyInvocation.BoundParameters;
        foreach (var instance in Instance)
            WithClient(instance, async (client, token) =>
            {
                var live = await client.GetRootFoldersAsync(token).ConfigureAwait(false);
                var results = new List<RootFolder>();
                foreach (var path in Path)
                {
                    var request = new RootFolderRequest(path)
                    {
                        Name = Name,
                        QualityProfileId = bound.ContainsKey(nameof(QualityProfileId)) ? QualityProfileId : null,
                        MetadataProfileId = bound.ContainsKey(nameof(MetadataProfileId)) ? MetadataProfileId : null,
                    };
                    var (folder, _) = await RootFolderService.EnsureAsync(client, request, Reporter, token, live).ConfigureAwait(false);
                    if (folder is not null) results.Add(folder);
                }
                return results;
            }, (_, folders) =>
            {
                if (PassThru) WriteObject(folders, enumerateCollection: true);
            });
    }
}
