using System.Net;
using StarrOps.Core.Arr;
using StarrOps.Core.Config;
using StarrOps.Core.Instances;
using StarrOps.Core.Jellyseerr;
using StarrOps.Core.Services;

namespace StarrOps.Core.Reconcile;

/// <summary>
/// Plans Jellyseerr: its first-time setup with a Jellyfin admin login when it has none, its Jellyfin
/// connection, and one Sonarr/Radarr entry per app (matched by host, port and URL base, else name).
/// Profiles and root folders are resolved when the entry is saved, through Jellyseerr's own test of
/// the app, so root folders created earlier in the same run are there to choose from.
/// </summary>
internal static class JellyseerrPlanner
{
    internal const int SetupStage = 6;
    internal const int SettingsStage = 7;

    public static async Task PlanAsync(ReconcileSession session, InstanceSession target, InstancePlanBuilder plan, CancellationToken cancellationToken)
    {
        var spec = target.Config.Jellyseerr;
        if (spec is null) return;
        var client = target.Jellyseerr ??= new JellyseerrClient(target.Instance, session.Relay.Host);

        // Anonymous: tells whether the wizard finished. Until the setup made an admin, the key gets 403 on /settings.
        var status = await client.GetPublicSettingsAsync(cancellationToken).ConfigureAwait(false);
        var needsSetup = false;
        JellyseerrJellyfinSettings? jellyfin = null;
        if (spec.Jellyfin is not null || !status.Initialized)
        {
            try
            {
                jellyfin = await client.GetJellyfinSettingsAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (StarrApiException ex) when (ex.StatusCode == HttpStatusCode.Forbidden && !status.Initialized)
            {
                needsSetup = true;
            }
        }

        if (needsSetup)
        {
            if (!PlanSetup(session, target, client, spec, plan)) return; // nothing else can be read or written before the setup
        }
        else if (!status.Initialized)
        {
            plan.Add(new ReconcileChange(target.Name, StarrResourceType.JellyseerrSetup, "initialize", ChangeAction.Update, [new FieldChange("initialized", false, true, false)])
            {
                Stage = SetupStage,
                Origin = spec.Origin.ToString(),
                Execute = (_, token) => client.InitializeAsync(token),
            });
        }

        if (spec.Jellyfin is not null && jellyfin is not null) PlanJellyfin(session, target, client, spec, jellyfin, plan);

        foreach (var (kind, servers) in new[] { (JellyseerrServerKind.Sonarr, spec.Sonarr), (JellyseerrServerKind.Radarr, spec.Radarr) })
        {
            if (servers.Count == 0) continue;
            var existing = needsSetup ? [] : await client.GetServersAsync(kind, cancellationToken).ConfigureAwait(false);
            var defaults = new HashSet<bool>(existing.Where(e => e.IsDefault).Select(e => e.Is4k));
            foreach (var server in servers)
            {
                try
                {
                    plan.Add(PlanServer(session, target, client, kind, server, existing, defaults));
                }
                catch (StarrException ex)
                {
                    plan.Problem(ex, Type(kind), server.Name ?? server.App, server.Origin);
                }
            }
        }
    }

    public static async Task<bool> PingAsync(ReconcileSession session, InstanceSession target, CancellationToken cancellationToken)
    {
        var client = target.Jellyseerr ??= new JellyseerrClient(target.Instance, session.Relay.Host);
        await client.GetStatusAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    private static bool PlanSetup(ReconcileSession session, InstanceSession target, JellyseerrClient client, JellyseerrSpec spec, InstancePlanBuilder plan)
    {
        var jellyfin = spec.Jellyfin is null ? null : session.State.FindInstance(spec.Jellyfin);
        if (jellyfin is null || jellyfin.UserName is not { Length: > 0 } user || jellyfin.Password is not { IsEmpty: false } password)
        {
            plan.Problem(new StarrConfigurationException(
                    $"{target.Name} is not set up yet, and its setup needs a Jellyfin admin login: set JELLYFIN_URL, JELLYFIN_USERNAME and JELLYFIN_PASSWORD " +
                    "(or the Jellyfin instance's url, username and password in the configuration file)."),
                StarrResourceType.JellyseerrSetup, "setup", spec.Origin);
            return false;
        }
        var url = session.State.InternalUrl(jellyfin);
        var setup = new JellyseerrJellyfinSetup
        {
            Hostname = url.Host,
            Port = url.Port,
            UseSsl = url.Scheme == Uri.UriSchemeHttps,
            UrlBase = UrlBase(url),
            UserName = user,
            Password = password,
        };
        var shown = new List<FieldChange>
        {
            new("hostname", null, setup.Hostname, false), new("port", null, setup.Port, false), new("useSsl", null, setup.UseSsl, false),
            new("username", null, user, false), new("password", null, null, true),
        };
        if (setup.UrlBase.Length > 0) shown.Insert(3, new FieldChange("urlBase", null, setup.UrlBase, false));
        plan.Add(new ReconcileChange(target.Name, StarrResourceType.JellyseerrSetup, jellyfin.Name, ChangeAction.Create, shown)
        {
            Stage = SetupStage,
            Origin = spec.Origin.ToString(),
            Execute = async (_, token) =>
            {
                try
                {
                    await client.SetupWithJellyfinAsync(setup, token).ConfigureAwait(false);
                }
                catch (StarrApiException ex) when (ex.ApiMessage?.Contains("INVALID_URL", StringComparison.Ordinal) == true)
                {
                    throw new StarrDependencyException($"{target.Name}: {ex.ApiMessage}. Check that Jellyfin answers at {url} from Jellyseerr's pod.", ex);
                }
                await client.InitializeAsync(token).ConfigureAwait(false);
            },
        });
        return true;
    }

    private static void PlanJellyfin(ReconcileSession session, InstanceSession target, JellyseerrClient client, JellyseerrSpec spec, JellyseerrJellyfinSettings current,
        InstancePlanBuilder plan)
    {
        var jellyfin = session.State.FindInstance(spec.Jellyfin!);
        if (jellyfin is null) return;
        var url = session.State.InternalUrl(jellyfin);
        var changes = new List<FieldChange>();
        var connection = new JellyseerrJellyfinConnection();
        if (!string.Equals(current.Ip, url.Host, StringComparison.OrdinalIgnoreCase))
        {
            changes.Add(new FieldChange("ip", current.Ip, url.Host, false));
            connection = connection with { Ip = url.Host };
        }
        if (current.Port != url.Port)
        {
            changes.Add(new FieldChange("port", current.Port, url.Port, false));
            connection = connection with { Port = url.Port };
        }
        var ssl = url.Scheme == Uri.UriSchemeHttps;
        if (current.UseSsl != ssl)
        {
            changes.Add(new FieldChange("useSsl", current.UseSsl, ssl, false));
            connection = connection with { UseSsl = ssl };
        }
        if (!string.Equals(current.UrlBase.TrimEnd('/'), UrlBase(url), StringComparison.Ordinal))
        {
            changes.Add(new FieldChange("urlBase", current.UrlBase, UrlBase(url), false));
            connection = connection with { UrlBase = UrlBase(url) };
        }
        plan.Add(new ReconcileChange(target.Name, StarrResourceType.JellyseerrJellyfin, jellyfin.Name, changes.Count == 0 ? ChangeAction.NoChange : ChangeAction.Update, changes)
        {
            Stage = SettingsStage,
            Origin = spec.Origin.ToString(),
            Execute = changes.Count == 0 ? null : async (_, token) =>
            {
                try
                {
                    await client.SetJellyfinSettingsAsync(connection, token).ConfigureAwait(false);
                }
                catch (StarrApiException ex) when (ex.ApiMessage?.Contains("INVALID_URL", StringComparison.Ordinal) == true)
                {
                    throw new StarrDependencyException($"{target.Name}: Jellyseerr cannot reach Jellyfin at {url} (INVALID_URL); its settings were not changed.", ex);
                }
            },
        });
    }

    private static ReconcileChange PlanServer(ReconcileSession session, InstanceSession target, JellyseerrClient client, JellyseerrServerKind kind, JellyseerrServerSpec spec,
        IReadOnlyList<JellyseerrServer> existing, HashSet<bool> defaults)
    {
        var app = session.State.FindInstance(spec.App) ?? throw new StarrConfigurationException($"'{spec.App}' is not a known instance.");
        if (app.ApiKey is not { IsEmpty: false } apiKey)
            throw new StarrConfigurationException($"{app.Name} has no API key; Jellyseerr needs it. Set {InstanceNaming.EnvironmentStem(app.Name)}_API_KEY.");
        var url = session.State.InternalUrl(app);
        var hostname = url.Host;
        var port = url.Port;
        var useSsl = url.Scheme == Uri.UriSchemeHttps;
        var baseUrl = UrlBase(url);
        var match = existing.FirstOrDefault(e => string.Equals(e.Hostname, hostname, StringComparison.OrdinalIgnoreCase) && e.Port == port
                                                 && string.Equals((e.BaseUrl ?? "").TrimEnd('/'), baseUrl, StringComparison.Ordinal))
                    ?? existing.FirstOrDefault(e => string.Equals(e.Name, spec.Name ?? StandardWiring.DisplayName(app), StringComparison.OrdinalIgnoreCase));
        var declaredName = spec.Origin.IsStandardWiring ? null : spec.Name;
        var name = declaredName ?? match?.Name ?? spec.Name ?? StandardWiring.DisplayName(app);
        var is4k = spec.Is4k ?? match?.Is4k ?? false;
        // The first entry of its class (4K or not) is the default one, unless the configuration says otherwise.
        var isDefault = spec.IsDefault ?? match?.IsDefault ?? defaults.Add(is4k);
        var preferredFolder = spec.RootFolder ?? session.State.FindConfig(app.Name)?.RootFolders.FirstOrDefault()?.Path;
        var type = Type(kind);

        if (match is null)
        {
            var shown = new List<FieldChange>
            {
                new("name", null, name, false), new("hostname", null, hostname, false), new("port", null, port, false), new("useSsl", null, useSsl, false),
                new("apiKey", null, null, true), new("is4k", null, is4k, false), new("isDefault", null, isDefault, false),
                new("activeProfileName", null, spec.QualityProfile ?? "(first profile)", false),
                new("activeDirectory", null, preferredFolder ?? "(first root folder)", false),
            };
            if (baseUrl.Length > 0) shown.Insert(4, new FieldChange("baseUrl", null, baseUrl, false));
            return new ReconcileChange(target.Name, type, name, ChangeAction.Create, shown)
            {
                Stage = SettingsStage,
                DependsOn = app.Name,
                Origin = spec.Origin.ToString(),
                Execute = async (_, token) =>
                {
                    var (profile, folder) = await ResolveAsync(client, kind, app, hostname, port, apiKey, useSsl, baseUrl, spec.QualityProfile, preferredFolder, spec.RootFolder is not null, token).ConfigureAwait(false);
                    await client.AddServerAsync(new JellyseerrServer
                    {
                        Kind = kind, Name = name, Hostname = hostname, Port = port, ApiKey = apiKey, UseSsl = useSsl, BaseUrl = baseUrl,
                        ActiveProfileId = profile.Id, ActiveProfileName = profile.Name, ActiveDirectory = folder, Is4k = is4k, IsDefault = isDefault,
                        EnableSeasonFolders = kind == JellyseerrServerKind.Sonarr ? true : null,
                        MinimumAvailability = kind == JellyseerrServerKind.Radarr ? "released" : null,
                    }, token).ConfigureAwait(false);
                },
            };
        }

        var changes = new List<FieldChange>();
        if (!string.Equals(match.Name, name, StringComparison.Ordinal)) changes.Add(new FieldChange("name", match.Name, name, false));
        if (!string.Equals(match.Hostname, hostname, StringComparison.OrdinalIgnoreCase)) changes.Add(new FieldChange("hostname", match.Hostname, hostname, false));
        if (match.Port != port) changes.Add(new FieldChange("port", match.Port, port, false));
        if (match.UseSsl != useSsl) changes.Add(new FieldChange("useSsl", match.UseSsl, useSsl, false));
        if (!string.Equals((match.BaseUrl ?? "").TrimEnd('/'), baseUrl, StringComparison.Ordinal)) changes.Add(new FieldChange("baseUrl", match.BaseUrl, baseUrl, false));
        var rotateKey = !apiKey.Equals(match.ApiKey);
        if (rotateKey) changes.Add(new FieldChange("apiKey", null, null, true));
        if (match.Is4k != is4k) changes.Add(new FieldChange("is4k", match.Is4k, is4k, false));
        if (match.IsDefault != isDefault) changes.Add(new FieldChange("isDefault", match.IsDefault, isDefault, false));
        var profileChanges = spec.QualityProfile is { } profileWanted && !ProfileMatches(match, profileWanted);
        if (profileChanges) changes.Add(new FieldChange("activeProfileName", match.ActiveProfileName, spec.QualityProfile, false));
        var folderChanges = spec.RootFolder is { } folderWanted && !RootFolderService.SamePath(match.ActiveDirectory, folderWanted);
        if (folderChanges) changes.Add(new FieldChange("activeDirectory", match.ActiveDirectory, spec.RootFolder, false));

        return new ReconcileChange(target.Name, type, name, changes.Count == 0 ? ChangeAction.NoChange : ChangeAction.Update, changes)
        {
            Stage = SettingsStage,
            DependsOn = app.Name,
            Origin = spec.Origin.ToString(),
            Execute = changes.Count == 0 ? null : async (_, token) =>
            {
                var updated = match with { Name = name, Hostname = hostname, Port = port, UseSsl = useSsl, BaseUrl = baseUrl, Is4k = is4k, IsDefault = isDefault, ApiKey = apiKey };
                if (profileChanges || folderChanges)
                {
                    var (profile, folder) = await ResolveAsync(client, kind, app, hostname, port, apiKey, useSsl, baseUrl, spec.QualityProfile, spec.RootFolder, true, token).ConfigureAwait(false);
                    if (profileChanges) updated = updated with { ActiveProfileId = profile.Id, ActiveProfileName = profile.Name };
                    if (folderChanges) updated = updated with { ActiveDirectory = folder };
                }
                await client.UpdateServerAsync(updated, token).ConfigureAwait(false);
            },
        };
    }

    /// <summary>Asks Jellyseerr for the app's profiles and root folders (its own test) and picks the wanted or first ones.</summary>
    private static async Task<(JellyseerrProfile Profile, string Folder)> ResolveAsync(JellyseerrClient client, JellyseerrServerKind kind, StarrInstance app,
        string hostname, int port, Secret apiKey, bool useSsl, string baseUrl, string? wantedProfile, string? wantedFolder, bool folderRequired, CancellationToken cancellationToken)
    {
        JellyseerrServerTest test;
        try
        {
            test = await client.TestServerAsync(kind, hostname, port, apiKey, useSsl, baseUrl, cancellationToken).ConfigureAwait(false);
        }
        catch (StarrApiException ex) when (ex.StatusCode == HttpStatusCode.InternalServerError)
        {
            throw new StarrDependencyException($"{client.Instance.Name}: Jellyseerr cannot connect to {app.Name} at {(useSsl ? "https" : "http")}://{hostname}:{port}{baseUrl} ({ex.ApiMessage}).", ex);
        }
        var profile = wantedProfile is null
            ? test.Profiles.FirstOrDefault()
            : test.Profiles.FirstOrDefault(p => string.Equals(p.Name, wantedProfile, StringComparison.OrdinalIgnoreCase) || p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) == wantedProfile);
        if (profile is null)
            throw new StarrConfigurationException(wantedProfile is null
                ? $"{app.Name} has no quality profile for Jellyseerr to use."
                : $"{app.Name} has no quality profile '{wantedProfile}'. Profiles: {string.Join(", ", test.Profiles.Select(p => p.Name))}.");
        var folder = wantedFolder is null ? null : test.RootFolders.FirstOrDefault(f => RootFolderService.SamePath(f.Path, wantedFolder))?.Path;
        if (folder is null && wantedFolder is not null && folderRequired)
            throw new StarrConfigurationException($"{app.Name} has no root folder '{wantedFolder}'. Root folders: {string.Join(", ", test.RootFolders.Select(f => f.Path))}.");
        folder ??= test.RootFolders.FirstOrDefault()?.Path
                   ?? throw new StarrConfigurationException($"{app.Name} has no root folder yet; Jellyseerr needs one (add rootFolders to {app.Name}).");
        return (profile, folder);
    }

    private static bool ProfileMatches(JellyseerrServer server, string wanted) =>
        string.Equals(server.ActiveProfileName, wanted, StringComparison.OrdinalIgnoreCase)
        || server.ActiveProfileId.ToString(System.Globalization.CultureInfo.InvariantCulture) == wanted;

    private static StarrResourceType Type(JellyseerrServerKind kind) => kind == JellyseerrServerKind.Sonarr ? StarrResourceType.JellyseerrSonarr : StarrResourceType.JellyseerrRadarr;

    /// <summary>"/sonarr" for http://host/sonarr, "" without a URL base.</summary>
    internal static string UrlBase(Uri url) => url.AbsolutePath.TrimEnd('/') is { Length: > 0 } path ? path : "";
}
