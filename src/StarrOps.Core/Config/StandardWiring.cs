using StarrOps.Core.Arr;
using StarrOps.Core.Instances;
using StarrOps.Core.Prowlarr;

namespace StarrOps.Core.Config;

/// <summary>
/// What a stack needs when nobody said otherwise — the zero-config wiring, applied to every instance
/// whose URL is known:
/// <list type="bullet">
/// <item>Prowlarr: an application (fullSync) for every Sonarr, Radarr, Lidarr and Readarr;</item>
/// <item>each Sonarr/Radarr/Lidarr/Readarr: every qBittorrent and SABnzbd instance as a download client,
/// and its root folder: /data/media/tv, /data/media/movies, /data/media/music, /data/media/books, overridden by
/// <c>STARR_ROOT_TV</c>, <c>STARR_ROOT_MOVIES</c>, <c>STARR_ROOT_MUSIC</c>, <c>STARR_ROOT_BOOKS</c>, or per instance by
/// <c>{INSTANCE}_ROOT_FOLDER</c> (e.g. SONARR_4K_ROOT_FOLDER);</item>
/// <item>Jellyseerr: set up with Jellyfin (JELLYFIN_URL, JELLYFIN_USERNAME, JELLYFIN_PASSWORD), connected to
/// every Sonarr and Radarr (an instance whose name contains "4k" as the 4K server) with their first quality profile
/// and root folder;</item>
/// <item>Bazarr: connected to the Sonarr and the Radarr (the ones named "sonarr" and "radarr" when there are several).</item>
/// </list>
/// </summary>
public static class StandardWiring
{
    public static readonly IReadOnlyDictionary<ServiceKind, (string Variable, string Path)> RootFolders = new Dictionary<ServiceKind, (string, string)>
    {
        [ServiceKind.Sonarr] = ("STARR_ROOT_TV", "/data/media/tv"),
        [ServiceKind.Radarr] = ("STARR_ROOT_MOVIES", "/data/media/movies"),
        [ServiceKind.Lidarr] = ("STARR_ROOT_MUSIC", "/data/media/music"),
        [ServiceKind.Readarr] = ("STARR_ROOT_BOOKS", "/data/media/books"),
    };

    /// <summary>The standard wiring of one instance, given all instances of the stack.</summary>
    /// <param name="internalUrl">How the other apps reach an instance (its internalUrl, else its URL).</param>
    public static InstanceConfig For(StarrInstance instance, IReadOnlyList<StarrInstance> all, IReadOnlyDictionary<string, string> environment,
        Func<StarrInstance, Uri> internalUrl)
    {
        var config = new InstanceConfig(instance.Name, instance.Kind);
        switch (instance.Kind)
        {
            case ServiceKind.Sonarr or ServiceKind.Radarr or ServiceKind.Lidarr or ServiceKind.Readarr:
                return config with
                {
                    RootFolders = [new RootFolderSpec(RootFolderOf(instance, environment)) { Origin = ConfigOrigin.Standard($"{instance.Name}.rootFolders") }],
                    DownloadClients = all.Where(i => i.Kind is ServiceKind.QBittorrent or ServiceKind.Sabnzbd)
                        .Select(client => DownloadClient(instance, client, internalUrl(client))).ToList(),
                };
            case ServiceKind.Prowlarr:
                return config with
                {
                    Applications = all.Where(i => i.Kind.IsProwlarrTarget())
                        .Select(app => new ApplicationSpec { App = app.Name, SyncLevel = SyncLevel.FullSync, Origin = ConfigOrigin.Standard($"{instance.Name}.applications") })
                        .ToList(),
                };
            case ServiceKind.Jellyseerr:
                return config with { Jellyseerr = Jellyseerr(instance, all) };
            case ServiceKind.Bazarr:
                var sonarr = Preferred(all, ServiceKind.Sonarr);
                var radarr = Preferred(all, ServiceKind.Radarr);
                return sonarr is null && radarr is null
                    ? config
                    : config with { Bazarr = new BazarrSpec { Sonarr = sonarr?.Name, Radarr = radarr?.Name, Origin = ConfigOrigin.Standard($"{instance.Name}") } };
            default:
                return config;
        }
    }

    /// <summary>{INSTANCE}_ROOT_FOLDER, else STARR_ROOT_{TV|MOVIES|MUSIC|BOOKS}, else /data/media/….</summary>
    public static string RootFolderOf(StarrInstance instance, IReadOnlyDictionary<string, string> environment)
    {
        var (variable, path) = RootFolders[instance.Kind];
        if (environment.TryGetValue(YamlStem(instance.Name) + "_ROOT_FOLDER", out var own) && own.Length > 0) return own;
        if (environment.TryGetValue(variable, out var shared) && shared.Length > 0) return shared;
        return path;
    }

    /// <summary>The download client of <paramref name="app"/> that points at <paramref name="client"/> (qBittorrent or SABnzbd).</summary>
    public static ProviderSpec DownloadClient(StarrInstance app, StarrInstance client, Uri clientUrl)
    {
        var fields = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["host"] = clientUrl.Host,
            ["port"] = (long)clientUrl.Port,
            ["useSsl"] = clientUrl.Scheme == Uri.UriSchemeHttps,
        };
        var urlBase = clientUrl.AbsolutePath.Trim('/');
        if (urlBase.Length > 0) fields["urlBase"] = urlBase;
        string implementation;
        if (client.Kind == ServiceKind.QBittorrent)
        {
            implementation = "QBittorrent";
            if (client.UserName is { Length: > 0 } user) fields["username"] = user;
            if (client.Password is { IsEmpty: false } password) fields["password"] = password;
        }
        else
        {
            implementation = "Sabnzbd";
            if (client.ApiKey is { IsEmpty: false } key) fields["apiKey"] = key;
            if (client.UserName is { Length: > 0 } user) fields["username"] = user;
            if (client.Password is { IsEmpty: false } password) fields["password"] = password;
        }
        return new ProviderSpec(ProviderKind.DownloadClient, DisplayName(client), implementation)
        {
            Fields = fields,
            MatchByTarget = true,
            Origin = ConfigOrigin.Standard($"{app.Name}.downloadClients"),
        };
    }

    /// <summary>"qBittorrent" for the instance named like its kind, else "qBittorrent (qbittorrent-vpn)"; "Sonarr", "Sonarr (sonarr-4k)".</summary>
    public static string DisplayName(StarrInstance instance)
    {
        var kindName = instance.Kind switch
        {
            ServiceKind.QBittorrent => "qBittorrent",
            ServiceKind.Sabnzbd => "SABnzbd",
            _ => instance.Kind.ToString(),
        };
        return string.Equals(instance.Name, instance.Kind.ToString(), StringComparison.OrdinalIgnoreCase) ? kindName : $"{kindName} ({instance.Name})";
    }

    private static JellyseerrSpec? Jellyseerr(StarrInstance jellyseerr, IReadOnlyList<StarrInstance> all)
    {
        var jellyfin = Preferred(all, ServiceKind.Jellyfin);
        JellyseerrServerSpec Server(StarrInstance app) => new(app.Name)
        {
            Is4k = app.Name.Contains("4k", StringComparison.OrdinalIgnoreCase),
            Origin = ConfigOrigin.Standard($"{jellyseerr.Name}.{app.Kind.ToString().ToLowerInvariant()}"),
        };
        var sonarr = all.Where(i => i.Kind == ServiceKind.Sonarr).Select(Server).ToList();
        var radarr = all.Where(i => i.Kind == ServiceKind.Radarr).Select(Server).ToList();
        if (jellyfin is null && sonarr.Count == 0 && radarr.Count == 0) return null;
        return new JellyseerrSpec { Jellyfin = jellyfin?.Name, Sonarr = sonarr, Radarr = radarr, Origin = ConfigOrigin.Standard(jellyseerr.Name) };
    }

    /// <summary>The instance named exactly like its kind when there are several, else the first.</summary>
    private static StarrInstance? Preferred(IReadOnlyList<StarrInstance> all, ServiceKind kind) =>
        all.FirstOrDefault(i => i.Kind == kind && string.Equals(i.Name, kind.ToString(), StringComparison.OrdinalIgnoreCase))
        ?? all.FirstOrDefault(i => i.Kind == kind);

    private static string YamlStem(string instance) => InstanceNaming.EnvironmentStem(instance);
}

/// <summary>Naming rules shared by the loader, the standard wiring and the exporter, without touching YAML code.</summary>
public static class InstanceNaming
{
    /// <summary>SONARR_4K for "sonarr-4k": the stem of the instance's environment variables.</summary>
    public static string EnvironmentStem(string instance) => instance.ToUpperInvariant().Replace('-', '_');
}
