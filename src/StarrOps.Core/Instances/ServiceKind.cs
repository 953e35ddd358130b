namespace StarrOps.Core.Instances;

/// <summary>The services StarrOps knows. The names are what users type (-Kind Sonarr) and what the environment prefixes are built from.</summary>
public enum ServiceKind
{
    Sonarr,
    Radarr,
    Lidarr,
    Readarr,
    Prowlarr,
    Bazarr,
    Jellyseerr,
    Jellyfin,
    QBittorrent,
    Sabnzbd,
    Gluetun,
}

public static class ServiceKinds
{
    /// <summary>The *arr applications that share the Servarr API (provider resources, /schema, commands).</summary>
    public static bool IsArr(this ServiceKind kind) =>
        kind is ServiceKind.Sonarr or ServiceKind.Radarr or ServiceKind.Lidarr or ServiceKind.Readarr or ServiceKind.Prowlarr;

    /// <summary>Apps that Prowlarr can link to as an application.</summary>
    public static bool IsProwlarrTarget(this ServiceKind kind) =>
        kind is ServiceKind.Sonarr or ServiceKind.Radarr or ServiceKind.Lidarr or ServiceKind.Readarr;

    /// <summary>The environment variable prefix, e.g. SONARR for SONARR_URL / SONARR_4K_URL.</summary>
    public static string EnvironmentPrefix(this ServiceKind kind) => kind.ToString().ToUpperInvariant();

    /// <summary>Default port of each service, used when a URL is built from a Kubernetes Service.</summary>
    public static int DefaultPort(this ServiceKind kind) => kind switch
    {
        ServiceKind.Sonarr => 8989,
        ServiceKind.Radarr => 7878,
        ServiceKind.Lidarr => 8686,
        ServiceKind.Readarr => 8787,
        ServiceKind.Prowlarr => 9696,
        ServiceKind.Bazarr => 6767,
        ServiceKind.Jellyseerr => 5055,
        ServiceKind.Jellyfin => 8096,
        ServiceKind.QBittorrent => 8080,
        ServiceKind.Sabnzbd => 8080,
        ServiceKind.Gluetun => 8000,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static bool TryParse(string? text, out ServiceKind kind) =>
        Enum.TryParse(text, ignoreCase: true, out kind) && Enum.IsDefined(kind);
}
