using System.Text.Json.Nodes;
using StarrOps.Core.Http;
using StarrOps.Core.Instances;

namespace StarrOps.Core.Jellyseerr;

// Typed subsets of Jellyseerr/Overseerr/Seerr v1 answers. Each carries the instance it came from.

/// <summary>The two kinds of server entries Jellyseerr keeps under /settings/sonarr and /settings/radarr.</summary>
public enum JellyseerrServerKind
{
    Sonarr,
    Radarr,
}

public sealed record JellyseerrStatus
{
    public string Instance { get; init; } = "";
    public string Version { get; init; } = "";
    public string? CommitTag { get; init; }
    public bool UpdateAvailable { get; init; }
    public int CommitsBehind { get; init; }
    public bool RestartRequired { get; init; }
}

/// <summary>GET /settings/public (anonymous).</summary>
public sealed record JellyseerrPublicSettings
{
    public string Instance { get; init; } = "";
    /// <summary>True once the setup wizard finished (POST /settings/initialize).</summary>
    public bool Initialized { get; init; }
    public string ApplicationTitle { get; init; } = "";
    public string ApplicationUrl { get; init; } = "";
    /// <summary>1 Plex, 2 Jellyfin, 3 Emby, 4 not configured.</summary>
    public int MediaServerType { get; init; }
    public bool LocalLogin { get; init; }
    public bool MediaServerLogin { get; init; }

    internal static JellyseerrPublicSettings Read(JsonFields f) => new()
    {
        Initialized = f.Bool("initialized"),
        ApplicationTitle = f.String("applicationTitle"),
        ApplicationUrl = f.String("applicationUrl"),
        MediaServerType = f.Int("mediaServerType"),
        LocalLogin = f.Bool("localLogin"),
        MediaServerLogin = f.Bool("mediaServerLogin"),
    };
}

/// <summary>GET /settings/main: what StarrOps reads, and the whole document (API key masked) in <see cref="Raw"/>.</summary>
public sealed record JellyseerrMainSettings
{
    public string Instance { get; init; } = "";
    public string ApplicationTitle { get; init; } = "";
    public string ApplicationUrl { get; init; } = "";
    public int MediaServerType { get; init; }
    public bool LocalLogin { get; init; }
    public bool MediaServerLogin { get; init; }
    public JsonObject Raw { get; init; } = new();
}

/// <summary>Where Jellyseerr is and how far its first-time setup got.</summary>
public sealed record JellyseerrSetupState
{
    public string Instance { get; init; } = "";
    /// <summary>The wizard finished (public settings say initialized).</summary>
    public bool Initialized { get; init; }
    /// <summary>The API key opens /settings: an admin user exists (setup with Jellyfin done) and the key is right.</summary>
    public bool ApiKeyAccepted { get; init; }
}

/// <summary>First-time setup: the Jellyfin server Jellyseerr should use and the Jellyfin admin who becomes Jellyseerr's owner.</summary>
public sealed record JellyseerrJellyfinSetup
{
    /// <summary>Jellyfin host name as Jellyseerr reaches it (in a cluster, the Service name).</summary>
    public string Hostname { get; init; } = "";
    public int Port { get; init; } = 8096;
    public bool UseSsl { get; init; }
    public string UrlBase { get; init; } = "";
    public string UserName { get; init; } = "";
    public required Secret Password { get; init; }
    public string? Email { get; init; }
}

public sealed record JellyseerrUser
{
    public string Instance { get; init; } = "";
    public int Id { get; init; }
    public string? JellyfinUserName { get; init; }
    public string? JellyfinUserId { get; init; }
    public string? Email { get; init; }
    public long Permissions { get; init; }
}

/// <summary>GET /settings/jellyfin. Jellyseerr returns Jellyfin's API key in clear; here it is a <see cref="Secret"/>.</summary>
public sealed record JellyseerrJellyfinSettings
{
    public string Instance { get; init; } = "";
    public string Name { get; init; } = "";
    public string Ip { get; init; } = "";
    public int Port { get; init; }
    public bool UseSsl { get; init; }
    public string UrlBase { get; init; } = "";
    public string ExternalHostname { get; init; } = "";
    public string ServerId { get; init; } = "";
    public Secret? ApiKey { get; init; }
    public IReadOnlyList<JellyseerrLibrary> Libraries { get; init; } = [];
}

public sealed record JellyseerrLibrary(string Id, string Name, bool Enabled);

/// <summary>The Jellyfin connection fields POST /settings/jellyfin merges; null leaves a field as it is.</summary>
public sealed record JellyseerrJellyfinConnection
{
    public string? Ip { get; init; }
    public int? Port { get; init; }
    public bool? UseSsl { get; init; }
    public string? UrlBase { get; init; }
    public string? ExternalHostname { get; init; }
    public Secret? ApiKey { get; init; }
}

/// <summary>
/// One Sonarr or Radarr entry in Jellyseerr. On input <see cref="ApiKey"/> is the key to store (null keeps the stored one on
/// update); on output it is the stored key as a <see cref="Secret"/>. An entry read from Jellyseerr remembers the whole
/// document it came from, so that an update PUTs it back with only the changed properties different.
/// </summary>
public sealed record JellyseerrServer
{
    public string Instance { get; init; } = "";
    public JellyseerrServerKind Kind { get; init; }
    /// <summary>Jellyseerr's id (0, 1, …); null for an entry not created yet.</summary>
    public int? Id { get; init; }
    public string Name { get; init; } = "";
    public string Hostname { get; init; } = "";
    public int Port { get; init; }
    public Secret? ApiKey { get; init; }
    public bool UseSsl { get; init; }
    public string? BaseUrl { get; init; }
    public int ActiveProfileId { get; init; }
    public string ActiveProfileName { get; init; } = "";
    public string ActiveDirectory { get; init; } = "";
    public bool Is4k { get; init; }
    public bool IsDefault { get; init; }
    /// <summary>Sonarr only (required there).</summary>
    public bool? EnableSeasonFolders { get; init; }
    /// <summary>Radarr only (required there): announced, inCinemas, released.</summary>
    public string? MinimumAvailability { get; init; }
    public bool? SyncEnabled { get; init; }
    public bool? PreventSearch { get; init; }
    public string? ExternalUrl { get; init; }
    public IReadOnlyList<int>? Tags { get; init; }
    /// <summary>Sonarr only.</summary>
    public int? ActiveLanguageProfileId { get; init; }
    public int? ActiveAnimeProfileId { get; init; }
    public string? ActiveAnimeProfileName { get; init; }
    public string? ActiveAnimeDirectory { get; init; }
    public int? ActiveAnimeLanguageProfileId { get; init; }
    public IReadOnlyList<int>? AnimeTags { get; init; }

    /// <summary>The entry as Jellyseerr returned it, properties StarrOps does not model included.</summary>
    internal JsonObject? Fetched { get; init; }

    public override string ToString() => $"{Kind} '{Name}' ({(UseSsl ? "https" : "http")}://{Hostname}:{Port}{BaseUrl})";
}

/// <summary>What POST /settings/{sonarr|radarr}/test returns: the app's profiles, root folders and tags.</summary>
public sealed record JellyseerrServerTest
{
    public string Instance { get; init; } = "";
    public JellyseerrServerKind Kind { get; init; }
    public IReadOnlyList<JellyseerrProfile> Profiles { get; init; } = [];
    public IReadOnlyList<JellyseerrRootFolder> RootFolders { get; init; } = [];
    public IReadOnlyList<JellyseerrTag> Tags { get; init; } = [];
    /// <summary>Sonarr v3 language profiles, when the app has them.</summary>
    public IReadOnlyList<JellyseerrProfile> LanguageProfiles { get; init; } = [];
    public string? UrlBase { get; init; }
}

public sealed record JellyseerrProfile(int Id, string Name);
public sealed record JellyseerrRootFolder(int Id, string Path);
public sealed record JellyseerrTag(int Id, string Label);
