using System.Management.Automation;
using StarrOps.Core.Arr;
using StarrOps.PowerShell.Infrastructure;

namespace StarrOps.PowerShell.Cmdlets;

/// <summary>Removes download clients by id (from the pipeline) or by name.</summary>
[Cmdlet(VerbsCommon.Remove, "StarrDownloadClient", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = ByIdSet)]
[OutputType(typeof(void))]
public sealed class RemoveStarrDownloadClientCommand() : RemoveProviderCommandBase(ProviderKind.DownloadClient);
