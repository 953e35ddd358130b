using System.Management.Automation;
using StarrOps.Core.Arr;
using StarrOps.PowerShell.Infrastructure;

namespace StarrOps.PowerShell.Cmdlets;

/// <summary>Removes Prowlarr applications (the link to an app; the indexers Prowlarr synced there stay until the app removes them) by id (from the pipeline) or by name.</summary>
[Cmdlet(VerbsCommon.Remove, "StarrProwlarrApp", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = ByIdSet)]
[OutputType(typeof(void))]
public sealed class RemoveStarrProwlarrAppCommand() : RemoveProviderCommandBase(ProviderKind.Application);
