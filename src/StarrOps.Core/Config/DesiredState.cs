using StarrOps.Core.Arr;
using StarrOps.Core.Instances;
using StarrOps.Core.Prowlarr;

namespace StarrOps.Core.Config;

// The desired state of a stack, as Invoke-StarrReconcile, Get-StarrDrift and Export-StarrConfig use it.
// It comes from two sources, merged (DesiredStateLoader):
//
//  1. the environment (what a Kubernetes Job gets from the starr-secrets Secret and the
//     starr-common-config ConfigMap): every *_URL / *_API_KEY pair of Get-StarrInstance is an
//     instance, and the "standard wiring" (StandardWiring.cs) says what to configure in it;
//  2. a YAML file (-Path or STARR_CONFIG), whose shape is (module/StarrOps.schema.json is the
//     JSON Schema of it, for editors):
//
//     standardWiring: true            # default true: add the standard wiring to every instance
//     instances:                      # connections; an instance the environment already defines needs none
//       sonarr-4k:                    # kind is taken from the name's first word when omitted
//         kind: Sonarr
//         url: http://sonarr-4k.media.svc.cluster.local:8989
//         internalUrl: http://sonarr-4k:8989   # how the other apps reach it (default: url)
//         apiKey: !file /run/secrets/sonarr4k  # or !env NAME; never inline
//         username: admin
//         password: !env NAME
//         timeoutSeconds: 30
//         skipCertificateCheck: false
//     prowlarr:                       # one section per instance, keyed by instance name
//       applications:
//         - app: sonarr               # an instance name: URL, key and implementation come from it
//           syncLevel: fullSync       # disabled | addOnly | fullSync
//           syncCategories: [5000, 5040]
//           tags: [4k]
//       indexers:                     # created before the indexer sync, so the same run pushes them into the apps
//         - name: My Torznab
//           definition: Generic Torznab   # the /indexer/schema template: its name, or a Cardigann definitionName
//           appProfile: Standard          # by name (default: the first)
//           priority: 25                  # any other key is a top-level property
//           tags: [anime]
//           fields: { baseUrl: "http://jackett:9117/api/v2.0/indexers/x/results/torznab", apiPath: /api, apiKey: !env MY_INDEXER_KEY }
//       indexerProxies:
//         - { name: FlareSolverr, implementation: FlareSolverr, tags: [cloudflare], fields: { host: "http://flaresolverr:8191/" } }
//     sonarr:
//       standardWiring: false         # this instance gets only what its section says
//       tags: [4k]
//       rootFolders: [/data/media/tv] # or { path, name, qualityProfileId, metadataProfileId } (Lidarr/Readarr)
//       downloadClients:
//         - name: qBittorrent
//           implementation: QBittorrent
//           enable: true
//           priority: 1               # any other key is a top-level property of the resource
//           tags: [4k]
//           fields: { host: qbittorrent, port: 8080, username: admin, password: !env QBITTORRENT_PASSWORD, tvCategory: tv-sonarr }
//       notifications:
//         - name: Pulsarr
//           implementation: Webhook
//           onGrab: true
//           onDownload: true
//           fields: { url: "http://pulsarr.media.svc.cluster.local:3003/v1/notifications/webhook", method: POST }
//       deleteUnmanaged: { downloadClients: true, notifications: false, rootFolders: false, ignore: ["Manual *"] }
//     jellyseerr:
//       jellyfin: jellyfin            # the Jellyfin instance it serves (default: the only one)
//       sonarr: [ { app: sonarr, qualityProfile: HD-1080p, rootFolder: /data/media/tv, default: true } ]
//       radarr: [ { app: radarr } ]
//     bazarr: { sonarr: sonarr, radarr: radarr }
//
// Merging: instances are matched by name (a YAML entry overrides what the environment said for it,
// key by key); within an instance, resources are matched by name (root folders by path,
// applications by app) and a YAML entry overrides the standard wiring's entry key by key (fields
// one by one). Nothing here is deleted unless deleteUnmanaged says so.

/// <summary>Everything a reconcile should make true: the instances and, per instance, its desired resources.</summary>
public sealed record DesiredState
{
    public DesiredState(IReadOnlyList<StarrInstance> instances, IReadOnlyList<InstanceConfig> configs)
    {
        Instances = instances;
        Configs = configs;
    }

    public IReadOnlyList<StarrInstance> Instances { get; }
    /// <summary>One entry per instance, in the order of <see cref="Instances"/>.</summary>
    public IReadOnlyList<InstanceConfig> Configs { get; }
    /// <summary>Where the state came from: "environment", the YAML file's path.</summary>
    public IReadOnlyList<string> Sources { get; init; } = [];

    public StarrInstance? FindInstance(string name) =>
        Instances.FirstOrDefault(i => string.Equals(i.Name, name, StringComparison.OrdinalIgnoreCase));

    public InstanceConfig? FindConfig(string name) =>
        Configs.FirstOrDefault(c => string.Equals(c.Instance, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The URL other services use to reach an instance (its internalUrl, else its url).</summary>
    public Uri InternalUrl(StarrInstance instance) => FindConfig(instance.Name)?.InternalUrl ?? instance.Url;
}

/// <summary>Where a desired item was declared, for messages: a YAML file line, or the standard wiring.</summary>
public sealed record ConfigOrigin(string Source, int Line, int Column, string YamlPath)
{
    public static ConfigOrigin Standard(string what) => new("standard wiring", 0, 0, what);

    public bool IsStandardWiring => Line == 0;

    public override string ToString() => IsStandardWiring
        ? $"standard wiring ({YamlPath})"
        : $"{System.IO.Path.GetFileName(Source)}:{Line}:{Column}{(YamlPath.Length == 0 ? "" : " " + YamlPath)}";
}

/// <summary>What one instance should have. Empty lists mean "nothing declared", never "delete everything".</summary>
public sealed record InstanceConfig(string Instance, ServiceKind Kind)
{
    /// <summary>How the other apps reach this instance, when it differs from its URL.</summary>
    public Uri? InternalUrl { get; init; }
    /// <summary>Tags (labels) that must exist; tags used by resources are added on their own.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];
    public IReadOnlyList<RootFolderSpec> RootFolders { get; init; } = [];
    public IReadOnlyList<ProviderSpec> DownloadClients { get; init; } = [];
    public IReadOnlyList<ProviderSpec> Notifications { get; init; } = [];
    /// <summary>Prowlarr only: its links to the apps.</summary>
    public IReadOnlyList<ApplicationSpec> Applications { get; init; } = [];
    /// <summary>Prowlarr only: its indexers (<see cref="ProviderSpec.Implementation"/> holds the definition).</summary>
    public IReadOnlyList<ProviderSpec> Indexers { get; init; } = [];
    /// <summary>Prowlarr only: FlareSolverr and HTTP/SOCKS proxies for indexers.</summary>
    public IReadOnlyList<ProviderSpec> IndexerProxies { get; init; } = [];
    public UnmanagedPolicy DeleteUnmanaged { get; init; } = UnmanagedPolicy.None;
    public JellyseerrSpec? Jellyseerr { get; init; }
    public BazarrSpec? Bazarr { get; init; }

    public bool IsEmpty =>
        Tags.Count == 0 && RootFolders.Count == 0 && DownloadClients.Count == 0 && Notifications.Count == 0
        && Applications.Count == 0 && Indexers.Count == 0 && IndexerProxies.Count == 0 && !DeleteUnmanaged.Any && Jellyseerr is null && Bazarr is null;
}

/// <summary>A root folder by path. Lidarr and Readarr also take a name and default profile ids (else the first profiles).</summary>
public sealed record RootFolderSpec(string Path)
{
    public string? Name { get; init; }
    public int? QualityProfileId { get; init; }
    public int? MetadataProfileId { get; init; }
    public ConfigOrigin Origin { get; init; } = ConfigOrigin.Standard("rootFolders");
}

/// <summary>
/// A download client, notification, indexer proxy or Prowlarr indexer: name, implementation and only the fields and
/// properties the user declared. Secret values are <see cref="Secret"/>s. For an indexer, Implementation is its
/// definition: the /schema template's name ("Generic Torznab") or a Cardigann definitionName.
/// </summary>
public sealed record ProviderSpec(ProviderKind Kind, string Name, string Implementation)
{
    /// <summary>Indexers: the Prowlarr app profile by name (default: the first profile, on create).</summary>
    public string? AppProfile { get; init; }
    public bool? Enable { get; init; }
    /// <summary>Entries of "fields" by exact name; values are string, bool, long, double, Secret, lists or maps.</summary>
    public IReadOnlyDictionary<string, object?> Fields { get; init; } = new Dictionary<string, object?>(StringComparer.Ordinal);
    /// <summary>Other top-level properties (priority, onGrab …).</summary>
    public IReadOnlyDictionary<string, object?> Properties { get; init; } = new Dictionary<string, object?>(StringComparer.Ordinal);
    /// <summary>Tag labels; null leaves the resource's tags alone.</summary>
    public IReadOnlyList<string>? Tags { get; init; }
    /// <summary>
    /// For the standard wiring: an existing resource of the same implementation pointing at the same
    /// host:port is the same resource whatever it was named by hand, and keeps its name.
    /// </summary>
    public bool MatchByTarget { get; init; }
    public ConfigOrigin Origin { get; init; } = ConfigOrigin.Standard("provider");
}

/// <summary>A Prowlarr application: usually <see cref="App"/> names an instance and everything else follows from it.</summary>
public sealed record ApplicationSpec
{
    /// <summary>The Sonarr/Radarr/Lidarr/Readarr instance this application links to.</summary>
    public string? App { get; init; }
    /// <summary>Name in Prowlarr; default: an existing link to the same app keeps its name, else the app's display name.</summary>
    public string? Name { get; init; }
    /// <summary>Only for an app that is not one of the instances (then fields.baseUrl and fields.apiKey are needed).</summary>
    public string? Implementation { get; init; }
    public SyncLevel? SyncLevel { get; init; }
    public IReadOnlyList<int>? SyncCategories { get; init; }
    public IReadOnlyList<string>? Tags { get; init; }
    /// <summary>How the app reaches Prowlarr (default: Prowlarr's internal URL).</summary>
    public Uri? ProwlarrUrl { get; init; }
    /// <summary>How Prowlarr reaches the app (default: the app's internal URL).</summary>
    public Uri? AppUrl { get; init; }
    public bool? Enable { get; init; }
    public IReadOnlyDictionary<string, object?> Fields { get; init; } = new Dictionary<string, object?>(StringComparer.Ordinal);
    public IReadOnlyDictionary<string, object?> Properties { get; init; } = new Dictionary<string, object?>(StringComparer.Ordinal);
    public ConfigOrigin Origin { get; init; } = ConfigOrigin.Standard("applications");

    /// <summary>The key entries are merged and matched by: the app instance, else the name.</summary>
    public string Key => App ?? Name ?? "";
}

/// <summary>Opt-in deletion of resources the configuration does not declare. Names matching <see cref="Ignore"/> (wildcards) are kept.</summary>
public sealed record UnmanagedPolicy
{
    public static readonly UnmanagedPolicy None = new();

    public bool RootFolders { get; init; }
    public bool DownloadClients { get; init; }
    public bool Notifications { get; init; }
    public bool Applications { get; init; }
    public bool Indexers { get; init; }
    public bool IndexerProxies { get; init; }
    public IReadOnlyList<string> Ignore { get; init; } = [];

    public bool Any => RootFolders || DownloadClients || Notifications || Applications || Indexers || IndexerProxies;
}

/// <summary>Jellyseerr: its Jellyfin server and its Sonarr/Radarr servers.</summary>
public sealed record JellyseerrSpec
{
    /// <summary>The Jellyfin instance to set Jellyseerr up with and connect it to (null: none).</summary>
    public string? Jellyfin { get; init; }
    public IReadOnlyList<JellyseerrServerSpec> Sonarr { get; init; } = [];
    public IReadOnlyList<JellyseerrServerSpec> Radarr { get; init; } = [];
    public ConfigOrigin Origin { get; init; } = ConfigOrigin.Standard("jellyseerr");
}

/// <summary>One Sonarr/Radarr server in Jellyseerr. Profile and root folder default to the app's first ones.</summary>
public sealed record JellyseerrServerSpec(string App)
{
    public string? Name { get; init; }
    /// <summary>Quality profile name or id.</summary>
    public string? QualityProfile { get; init; }
    public string? RootFolder { get; init; }
    public bool? Is4k { get; init; }
    public bool? IsDefault { get; init; }
    public ConfigOrigin Origin { get; init; } = ConfigOrigin.Standard("jellyseerr");
}

/// <summary>Bazarr: the Sonarr and Radarr instances it takes subtitles for.</summary>
public sealed record BazarrSpec
{
    public string? Sonarr { get; init; }
    public string? Radarr { get; init; }
    public ConfigOrigin Origin { get; init; } = ConfigOrigin.Standard("bazarr");
}
