using System.Management.Automation;
using StarrOps.Core;
using StarrOps.Core.Instances;
using StarrOps.Core.Services;
using StarrOps.PowerShell.Infrastructure;

namespace StarrOps.PowerShell.Cmdlets;

/// <summary>Removes root folders by id (from the pipeline) or path. The media on disk is not touched.</summary>
[Cmdlet(VerbsCommon.Remove, "StarrRootFolder", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = ByIdSet)]
[OutputType(typeof(void))]
public sealed class RemoveStarrRootFolderCommand : ArrCmdlet
{
    private const string ByIdSet = "ById";
    private const string ByPathSet = "ByPath";

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [StarrInstanceTransformation]
    [ArgumentCompleter(typeof(StarrInstanceNameCompleter))]
    public StarrInstance Instance { get; set; } = null!;

    [Parameter(Mandatory = true, ParameterSetName = ByIdSet, ValueFromPipelineByPropertyName = true)]
    public int[] Id { get; set; } = [];

    [Parameter(Mandatory = true, Position = 1, ParameterSetName = ByPathSet)]
    public string[] Path { get; set; } = [];

    protected override void ProcessRecord() =>
        WithClient(Instance, (client, token) => client.GetRootFoldersAsync(token), (client, live) =>
        {
            var matches = ParameterSetName == ByIdSet
                ? live.Where(r => Id.Contains(r.Id)).ToList()
                : live.Where(r => Path.Any(p => RootFolderService.SamePath(r.Path, p))).ToList();
            if (matches.Count == 0)
            {
                WriteError(ErrorMapper.ToErrorRecord(new StarrNotFoundException(
                    $"{Instance.Name} has no root folder {(ParameterSetName == ByIdSet ? "with id " + string.Join(", ", Id) : string.Join(", ", Path))}. It has: {string.Join(", ", live.Select(r => $"{r.Path} (id {r.Id})"))}."), Instance.Name));
                return;
            }
            foreach (var folder in matches)
            {
                if (!ShouldProcess($"{Instance.Name}: root folder {folder.Path} (id {folder.Id})", "Remove")) continue;
                Run(token => client.RemoveRootFolderAsync(folder.Id, token));
            }
        });
}
