using System.Text.Json.Nodes;
using System.Text.Json;
namespace StarrOps.TestKit;

/// <summary>A .NET enum the real app binds a property to, with its camelCase JSON names in numeric order.</summary>
internal sealed record EnumSpec(string ClrType, IReadOnlyList<string> Names)
{
    // NzbDrone.Core.Indexers.DownloadProtocol: Unknown = 0, Usenet = 1, Torrent = 2.
    public static readonly EnumSpec DownloadProtocol = new("NzbDrone.Core.Indexers.DownloadProtocol", ["unknown", "usenet", "torrent"]);

    // Prowlarr: NzbDrone.Core.Applications.ApplicationSyncLevel: Disabled, AddOnly, FullSync.
    public static readonly EnumSpec ApplicationSyncLevel = new("NzbDrone.Core.Applications.ApplicationSyncLevel", ["disabled", "addOnly", "fullSync"]);

    // Prowlarr: NzbDrone.Core.Indexers.IndexerPrivacy: Public, SemiPrivate, Private.
    public static readonly EnumSpec IndexerPrivacy = new("NzbDrone.Core.Indexers.IndexerPrivacy", ["public", "semiPrivate", "private"]);

    public string? Canonical(string text)
    {
        foreach (var name in Names)
            if (string.Equals(name, text, StringComparison.OrdinalIgnoreCase)) return name;
        return int.TryParse(text, out var index) && index >= 0 && index < Names.Count ? Names[index] : null;
    }
}

internal enum PropertyKind { Bool, Int, String, Enum, IntSet, Array, Object, DateTime }

/// <summary>How one top-level property of a resource is typed in the real app (for the 400 problem-details check).</summary>
internal sealed record PropertySpec(string Name, PropertyKind Kind, string ClrType, EnumSpec? Enum = null)
{
    public static PropertySpec Infer(string name, JsonNode? sample)
    {
        if (name == "tags") return new(name, PropertyKind.IntSet, "System.Collections.Generic.HashSet`1[System.Int32]");
        if (name == "added") return new(name, PropertyKind.DateTime, "System.DateTime");
        return sample?.GetValueKind() switch
        {
            JsonValueKind.True or JsonValueKind.False => new(name, PropertyKind.Bool, "System.Boolean"),
            JsonValueKind.Number => new(name, PropertyKind.Int, "System.Int32"),
            JsonValueKind.Array => new(name, PropertyKind.Array, "System.Collections.Generic.List`1[System.Object]"),
            JsonValueKind.Object => new(name, PropertyKind.Object, "System.Object"),
            _ => new(name, PropertyKind.String, "System.String"),
        };
    }
}

/// <summary>
/// One provider resource of one app (Sonarr "downloadclient", Prowlarr "applications", ...). The typed shape of
/// its top-level properties is read from the real /schema fixture; only enums are declared by hand.
/// </summary>
internal sealed class ProviderKind
{
    public required string Resource { get; init; }

    /// <summary>Embedded fixture with the real GET /{resource}/schema answer.</summary>
    public required string SchemaFixture { get; init; }

    /// <summary>The controller's resource type, named in problem details when the body is not an object.</summary>
    public required string ResourceClrType { get; init; }

    /// <summary>The definition type, named in 404 messages ("DownloadClientDefinition with ID 7 does not exist").</summary>
    public required string DefinitionName { get; init; }

    public IReadOnlyDictionary<string, EnumSpec> Enums { get; init; } = new Dictionary<string, EnumSpec>();

    /// <summary>
    /// Whether a saved definition is "enabled" (only enabled providers are validated and live-tested), as the
    /// apps define <c>ProviderDefinition.Enable</c>: <c>enable</c> for download clients, applications and Prowlarr
    /// indexers; any of enableRss/AutomaticSearch/InteractiveSearch for *arr indexers; enableAutomaticAdd
    /// (Radarr: enabled) for import lists; any on* event for notifications.
    /// </summary>
    public static bool IsEnabled(JsonObject definition)
    {
        if (definition.GetBool("enable") is { } enable) return enable;
        if (definition.ContainsKey("enableRss") || definition.ContainsKey("enableAutomaticSearch") || definition.ContainsKey("enableInteractiveSearch"))
            return definition.GetBool("enableRss") == true || definition.GetBool("enableAutomaticSearch") == true || definition.GetBool("enableInteractiveSearch") == true;
        if (definition.GetBool("enableAutomaticAdd") is { } automaticAdd) return automaticAdd;
        if (definition.GetBool("enabled") is { } enabled) return enabled;
        foreach (var (key, value) in definition)
        {
            if (key.Length > 2 && key.StartsWith("on", StringComparison.Ordinal) && char.IsUpper(key[2]) &&
                value?.GetValueKind() == JsonValueKind.True) return true;
        }
        return false;
    }

    public static ProviderKind DownloadClient(string app, string apiNamespace, string fixture) => new()
    {
        Resource = "downloadclient",
        SchemaFixture = fixture,
        ResourceClrType = $"{app}.Api.{apiNamespace}.DownloadClient.DownloadClientResource",
        DefinitionName = "DownloadClientDefinition",
        Enums = new Dictionary<string, EnumSpec> { ["protocol"] = EnumSpec.DownloadProtocol },
    };

    public static ProviderKind Indexer(string app, string apiNamespace, string fixture, IReadOnlyDictionary<string, EnumSpec>? extraEnums = null)
    {
        var enums = new Dictionary<string, EnumSpec> { ["protocol"] = EnumSpec.DownloadProtocol };
        if (extraEnums is not null) foreach (var (key, value) in extraEnums) enums[key] = value;
        return new()
        {
            Resource = "indexer",
            SchemaFixture = fixture,
            ResourceClrType = $"{app}.Api.{apiNamespace}.Indexers.IndexerResource",
            DefinitionName = "IndexerDefinition",
            Enums = enums,
        };
    }

    public static ProviderKind Notification(string app, string apiNamespace, string fixture) => new()
    {
        Resource = "notification",
        SchemaFixture = fixture,
        ResourceClrType = $"{app}.Api.{apiNamespace}.Notifications.NotificationResource",
        DefinitionName = "NotificationDefinition",
    };

    public static ProviderKind ImportList(string app, string apiNamespace, string fixture) => new()
    {
        Resource = "importlist",
        SchemaFixture = fixture,
        ResourceClrType = $"{app}.Api.{apiNamespace}.ImportLists.ImportListResource",
        DefinitionName = "ImportListDefinition",
    };
}
