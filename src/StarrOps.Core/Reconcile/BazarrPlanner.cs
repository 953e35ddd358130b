using StarrOps.Core.Arr;
using StarrOps.Core.Bazarr;
using StarrOps.Core.Instances;

namespace StarrOps.Core.Reconcile;

/// <summary>
/// Plans Bazarr's Sonarr and Radarr connections from one read of its settings. Applying goes through
/// <see cref="BazarrClient.ConnectAsync"/>, which writes the fields with the app disabled, checks that
/// Bazarr reaches the app, and only then enables it with a short timeout (Bazarr hangs when enabling an
/// unreachable app).
/// </summary>
internal static class BazarrPlanner
{
    internal const int Stage = 6;

    public static async Task PlanAsync(ReconcileSession session, InstanceSession target, InstancePlanBuilder plan, CancellationToken cancellationToken)
    {
        var spec = target.Config.Bazarr;
        if (spec is null) return;
        var client = target.Bazarr ??= new BazarrClient(target.Instance, session.Relay.Host);
        var settings = await client.GetSettingsAsync(cancellationToken).ConfigureAwait(false);
        foreach (var (link, appName) in new[] { (BazarrTarget.Sonarr, spec.Sonarr), (BazarrTarget.Radarr, spec.Radarr) })
        {
            if (appName is null) continue;
            var type = link == BazarrTarget.Sonarr ? StarrResourceType.BazarrSonarr : StarrResourceType.BazarrRadarr;
            try
            {
                plan.Add(PlanLink(session, target, settings, link, appName, type, spec.Origin.ToString()));
            }
            catch (StarrException ex)
            {
                plan.Problem(ex, type, appName, spec.Origin);
            }
        }
    }

    public static async Task<bool> PingAsync(ReconcileSession session, InstanceSession target, CancellationToken cancellationToken)
    {
        var client = target.Bazarr ??= new BazarrClient(target.Instance, session.Relay.Host);
        await client.GetStatusAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    private static ReconcileChange PlanLink(ReconcileSession session, InstanceSession target, BazarrSettings settings, BazarrTarget link, string appName,
        StarrResourceType type, string origin)
    {
        var app = session.State.FindInstance(appName) ?? throw new StarrConfigurationException($"'{appName}' is not a known instance.");
        if (app.ApiKey is not { IsEmpty: false } apiKey)
            throw new StarrConfigurationException($"{app.Name} has no API key; Bazarr needs it. Set {Config.InstanceNaming.EnvironmentStem(app.Name)}_API_KEY.");
        var url = session.State.InternalUrl(app);
        var desired = new BazarrConnection
        {
            Ip = url.Host,
            Port = url.Port,
            BaseUrl = JellyseerrPlanner.UrlBase(url),
            Ssl = url.Scheme == Uri.UriSchemeHttps,
            ApiKey = apiKey,
        };

        var current = settings.ConnectionOf(link);
        var changes = BazarrClient.Compare(settings, link, desired).Changes
            .Select(c => new FieldChange(c.Setting, c.OldValue, c.NewValue, c.IsSecret)).ToList();

        var action = changes.Count == 0 ? ChangeAction.NoChange
            : !settings.Uses(link) && string.IsNullOrEmpty(current.Ip) ? ChangeAction.Create
            : ChangeAction.Update;
        return new ReconcileChange(target.Name, type, app.Name, action, changes)
        {
            Stage = Stage,
            DependsOn = app.Name,
            Origin = origin,
            Execute = action == ChangeAction.NoChange ? null : async (context, token) =>
            {
                // Approved already: the client's own ShouldProcess gets a yes.
                using var approved = new BazarrClient(target.Instance, context.Session.Relay.ApprovedHost);
                try
                {
                    await approved.ConnectAsync(link, desired, null, token).ConfigureAwait(false);
                }
                catch (StarrConnectionException ex) when (ex.InnerException is null or StarrConnectionException && !ex.Message.Contains("is unreachable (", StringComparison.Ordinal))
                {
                    // Bazarr answered but could not reach the app (or hung enabling it): that is the app's connection failing, not Bazarr being down.
                    throw new StarrDependencyException(ex.Message, ex) { RecommendedAction = ex.RecommendedAction };
                }
            },
        };
    }
}
