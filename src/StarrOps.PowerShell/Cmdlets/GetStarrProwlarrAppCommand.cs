using System.Management.Automation;
using StarrOps.Core;
using StarrOps.Core.Arr;
using StarrOps.Core.Instances;
using StarrOps.Core.Prowlarr;
using StarrOps.Core.Services;
using StarrOps.PowerShell.Infrastructure;

namespace StarrOps.PowerShell.Cmdlets;

/// <summary>
/// Lists the Prowlarr applications: the links from Prowlarr to Sonarr, Radarr, Lidarr and Readarr. Given a Prowlarr
/// instance it lists that Prowlarr's applications; given an app (Get-StarrInstance sonarr | Get-StarrProwlarrApp) it
/// shows the application of the session's Prowlarr that links to that app.
/// </summary>
[Cmdlet(VerbsCommon.Get, "StarrProwlarrApp")]
[OutputType(typeof(StarrProvider))]
public sealed class GetStarrProwlarrAppCommand() : GetProviderCommandBase(ProviderKind.Application)
{
    protected override void ProcessRecord()
    {
        var apps = Instance?.Where(i => i.Kind.IsProwlarrTarget()).ToList() ?? [];
        if (apps.Count == 0)
        {
            base.ProcessRecord();
            return;
        }
        StarrInstance prowlarr;
        try
        {
            prowlarr = InstanceRegistry.Single(ServiceKind.Prowlarr);
        }
        catch (StarrException ex)
        {
            WriteError(ErrorMapper.ToErrorRecord(ex, apps[0].Name));
            return;
        }
        WriteFrom(prowlarr, async (client, token) =>
            ProviderService.Select(await client.GetProvidersAsync(ProviderKind.Application, token).ConfigureAwait(false), Name, Id)
                .Where(application => apps.Any(app => ProwlarrApplications.PointsAt(application, app.Url.AbsoluteUri)))
                .Select(StarrProvider.From).ToList());
        var prowlarrs = Instance!.Where(i => i.Kind == ServiceKind.Prowlarr).ToArray();
        if (prowlarrs.Length == 0) return;
        Instance = prowlarrs;
        base.ProcessRecord();
    }
}
