using StarrOps.Core.Instances;

namespace StarrOps.Core.Config;

/// <summary>
/// Every key the YAML loader accepts, per kind of mapping. The names of the sets are the names of the
/// definitions in module/StarrOps.schema.json ("$defs"), and a test keeps the two equal.
/// </summary>
internal static class ConfigKeys
{
    public const string StandardWiring = "standardWiring";
    public const string Instances = "instances";

    public static readonly string[] Root = [StandardWiring, Instances];

    public static readonly string[] Instance = ["kind", "url", "internalUrl", "apiKey", "username", "password", "timeoutSeconds", "skipCertificateCheck"];

    public static readonly string[] ArrSection = [StandardWiring, "tags", "rootFolders", "downloadClients", "notifications", "deleteUnmanaged"];

    public static readonly string[] ProwlarrSection = [StandardWiring, "tags", "applications", "indexers", "indexerProxies", "downloadClients", "notifications", "deleteUnmanaged"];

    public static readonly string[] JellyseerrSection = [StandardWiring, "jellyfin", "sonarr", "radarr"];

    public static readonly string[] BazarrSection = [StandardWiring, "sonarr", "radarr"];

    public static readonly string[] RootFolder = ["path", "name", "qualityProfileId", "metadataProfileId"];

    /// <summary>Fixed keys of a download client or notification; any other key is a top-level property of the resource.</summary>
    public static readonly string[] Provider = ["name", "implementation", "enable", "tags", "fields"];

    /// <summary>Fixed keys of a Prowlarr indexer; any other key (priority …) is a top-level property.</summary>
    public static readonly string[] Indexer = ["name", "definition", "appProfile", "enable", "tags", "fields"];

    public static readonly string[] Application = ["app", "name", "implementation", "syncLevel", "syncCategories", "tags", "prowlarrUrl", "appUrl", "enable", "fields"];

    public static readonly string[] ArrDeleteUnmanaged = ["rootFolders", "downloadClients", "notifications", "ignore"];

    public static readonly string[] ProwlarrDeleteUnmanaged = ["applications", "indexers", "indexerProxies", "downloadClients", "notifications", "ignore"];

    public static readonly string[] JellyseerrServer = ["app", "name", "qualityProfile", "rootFolder", "is4k", "default"];

    /// <summary>Definition name → keys, as the schema test walks them.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> ByDefinition = new Dictionary<string, string[]>
    {
        ["root"] = Root,
        ["instance"] = Instance,
        ["arrSection"] = ArrSection,
        ["prowlarrSection"] = ProwlarrSection,
        ["jellyseerrSection"] = JellyseerrSection,
        ["bazarrSection"] = BazarrSection,
        ["rootFolder"] = RootFolder,
        ["provider"] = Provider,
        ["indexer"] = Indexer,
        ["application"] = Application,
        ["arrDeleteUnmanaged"] = ArrDeleteUnmanaged,
        ["prowlarrDeleteUnmanaged"] = ProwlarrDeleteUnmanaged,
        ["jellyseerrServer"] = JellyseerrServer,
    };

    /// <summary>The section keys an instance of <paramref name="kind"/> takes, or null when StarrOps configures nothing in it.</summary>
    public static string[]? SectionFor(ServiceKind kind) => kind switch
    {
        ServiceKind.Prowlarr => ProwlarrSection,
        ServiceKind.Sonarr or ServiceKind.Radarr or ServiceKind.Lidarr or ServiceKind.Readarr => ArrSection,
        ServiceKind.Jellyseerr => JellyseerrSection,
        ServiceKind.Bazarr => BazarrSection,
        _ => null,
    };

    /// <summary>Key names whose values are secrets wherever they appear (apiKey, password, token …).</summary>
    public static bool IsSecretKey(string key)
    {
        var lower = key.ToLowerInvariant();
        return lower.Contains("password") || lower.Contains("apikey") || lower.Contains("api_key") || lower.Contains("token")
               || lower.Contains("secret") || lower.Contains("passkey");
    }
}
