using System.Management.Automation;
using StarrOps.Core.Arr;
using StarrOps.PowerShell.Infrastructure;

namespace StarrOps.PowerShell.Cmdlets;

/// <summary>Lists the indexers (Torznab/Newznab, including those Prowlarr syncs as 'X (Prowlarr)').</summary>
[Cmdlet(VerbsCommon.Get, "StarrIndexer")]
[OutputType(typeof(StarrProvider))]
public sealed class GetStarrIndexerCommand() : GetProviderCommandBase(ProviderKind.Indexer);
