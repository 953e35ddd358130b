using System.Management.Automation;
using StarrOps.Core.Arr;
using StarrOps.PowerShell.Infrastructure;

namespace StarrOps.PowerShell.Cmdlets;

/// <summary>Lists the Prowlarr applications: the links from Prowlarr to Sonarr, Radarr, Lidarr and Readarr.</summary>
[Cmdlet(VerbsCommon.Get, "StarrProwlarrApp")]
[OutputType(typeof(StarrProvider))]
public sealed class GetStarrProwlarrAppCommand() : GetProviderCommandBase(ProviderKind.Application);
