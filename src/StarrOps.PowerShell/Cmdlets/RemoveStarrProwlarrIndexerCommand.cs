using System.Management.Automation;
using StarrOps.Core.Arr;
using StarrOps.PowerShell.Infrastructure;

namespace StarrOps.PowerShell.Cmdlets;

/// <summary>Removes Prowlarr indexers by id (from the pipeline) or by name; Prowlarr then removes them from the apps it synced them to (fullSync).</summary>
[Cmdlet(VerbsCommon.Remove, "StarrProwlarrIndexer", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = ByIdSet)]
[OutputType(typeof(void))]
public sealed class RemoveStarrProwlarrIndexerCommand() : RemoveProviderCommandBase(ProviderKind.Indexer, prowlarrOnly: true);
