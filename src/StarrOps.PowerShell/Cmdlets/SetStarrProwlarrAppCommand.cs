using System.Management.Automation;
using StarrOps.Core;
using StarrOps.Core.Arr;
using StarrOps.Core.Instances;
using StarrOps.Core.Prowlarr;
using StarrOps.Core.Services;
using StarrOps.PowerShell.Infrastructure;

namespace StarrOps.PowerShell.Cmdlets;

/// <summary>
/// Creates or updates the Prowlarr application that links Prowlarr to each piped Sonarr, Radarr,
/// Lidarr or Readarr instance. Prowlarr tests both directions when saving, so the URLs must be the
/// ones the two pods use to reach each other (in-cluster DNS names).
/// </summary>
[Cmdlet(VerbsCommon.Set, "StarrProwlarrApp", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(StarrProvider))]
public sealed class SetStarrProwlarrAppCommand : SetProviderCommandBase
{
    /// <summary>The app to link (Sonarr, Radarr, Lidarr, Readarr).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [StarrInstanceTransformation]
    [ArgumentCompleter(typeof(StarrInstanceNameCompleter))]
    public StarrInstance[] Instance { get; set; } = [];

    /// <summary>The Prowlarr instance; default: the only Prowlarr the session knows.</summary>
    [Parameter]
    [StarrInstanceTransformation]
    [ArgumentCompleter(typeof(StarrInstanceNameCompleter))]
    public StarrInstance? Prowlarr { get; set; }

    [Parameter]
    public SyncLevel SyncLevel { get => (SyncLevel)_syncLevel; set => _syncLevel = (int)value; }

    // Backed by its number, not the enum: see DependencyLoadContext (no core value type in a field of a public type).
    private int _syncLevel = (int)SyncLevel.FullSync;

    /// <summary>Name of the application in Prowlarr; default: the app instance's name.</summary>
    [Parameter]
    public string? Name { get; set; }

    /// <summary>How the app reaches Prowlarr; default: the Prowlarr instance's URL.</summary>
    [Parameter]
    public Uri? ProwlarrUrl { get; set; }

    /// <summary>How Prowlarr reaches the app; default: the app instance's URL.</summary>
    [Parameter]
    public Uri? AppUrl { get; set; }

    /// <summary>Newznab categories to sync (default: the app's own, e.g. 5000s for Sonarr).</summary>
    [Parameter]
    public int[]? SyncCategory { get; set; }

    [Parameter]
    public string[]? Tag { get; set; }

    private StarrInstance? _prowlarr;

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        try
        {
            _prowlarr = Prowlarr ?? InstanceRegistry.Single(ServiceKind.Prowlarr);
            if (_prowlarr.Kind != ServiceKind.Prowlarr)
                throw new StarrConfigurationException($"-Prowlarr {_prowlarr.Name} is a {_prowlarr.Kind} instance, not Prowlarr.");
        }
        catch (StarrException ex)
        {
            Fail(ex, Prowlarr?.Name);
        }
    }

    protected override void ProcessRecord()
    {
        foreach (var app in Instance)
        {
            if (!TryRun(app.Name, () => ProwlarrApplications.Desired(_prowlarr!, app, SyncLevel, Name, ProwlarrUrl, AppUrl, SyncCategory))) continue;
            Save(_prowlarr!, async (client, token) =>
            {
                var tags = Tag is null ? null : await TagService.ResolveAsync(client, Tag, Reporter, token).ConfigureAwait(false);
                return ProwlarrApplications.Desired(_prowlarr!, app, SyncLevel, Name, ProwlarrUrl, AppUrl, SyncCategory, tags);
            }, RotateSecret, ProwlarrApplications.SameTarget);
        }
    }
}
