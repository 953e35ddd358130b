using System.Management.Automation;
using StarrOps.Core.Arr;
using StarrOps.PowerShell.Infrastructure;

namespace StarrOps.PowerShell.Cmdlets;

/// <summary>Lists the download clients (qBittorrent, SABnzbd …).</summary>
[Cmdlet(VerbsCommon.Get, "StarrDownloadClient")]
[OutputType(typeof(StarrProvider))]
public sealed class GetStarrDownloadClientCommand() : GetProviderCommandBase(ProviderKind.DownloadClient);
