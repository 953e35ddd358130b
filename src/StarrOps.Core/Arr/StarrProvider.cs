using System.Text.Json.Nodes;

namespace StarrOps.Core.Arr;

/// <summary>
/// A provider as the user sees it: the headline properties and the fields by name with secrets
/// shown as "(secret)". <see cref="Instance"/>, <see cref="Id"/> and <see cref="Name"/> bind to the
/// next cmdlet in a pipeline (Get-StarrDownloadClient | Remove-StarrDownloadClient).
/// </summary>
public sealed record StarrProvider
{
    public string Instance { get; init; } = "";
    public ProviderKind Type { get; init; }
    public int Id { get; init; }
    public string Name { get; init; } = "";
    public string Implementation { get; init; } = "";
    public bool? Enable { get; init; }
    public string? Protocol { get; init; }
    public int? Priority { get; init; }
    /// <summary>Prowlarr applications only: disabled, addOnly, fullSync.</summary>
    public string? SyncLevel { get; init; }
    public IReadOnlyList<int> Tags { get; init; } = [];
    public IReadOnlyDictionary<string, object?> Fields { get; init; } = new Dictionary<string, object?>();

    public static StarrProvider From(ProviderResource resource) => new()
    {
        Instance = resource.Instance,
        Type = resource.Kind,
        Id = resource.Id,
        Name = resource.Name,
        Implementation = resource.Implementation,
        Enable = resource.Enable,
        Protocol = Text(resource.Json["protocol"]),
        Priority = resource.Json["priority"] is JsonValue p && p.TryGetValue<int>(out var priority) ? priority : null,
        SyncLevel = Text(resource.Json["syncLevel"]),
        Tags = resource.Tags,
        Fields = resource.FieldTable(),
    };

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}

/// <summary>One implementation offered by a provider collection's /schema, for discovery and tab completion.</summary>
public sealed record ProviderSchemaInfo
{
    public string Instance { get; init; } = "";
    public ProviderKind Type { get; init; }
    public string Implementation { get; init; } = "";
    public string ImplementationName { get; init; } = "";
    public string ConfigContract { get; init; } = "";
    public IReadOnlyList<SchemaField> Fields { get; init; } = [];

    public static ProviderSchemaInfo From(ProviderResource template) => new()
    {
        Instance = template.Instance,
        Type = template.Kind,
        Implementation = template.Implementation,
        ImplementationName = template.Json["implementationName"]?.GetValue<string>() ?? template.Implementation,
        ConfigContract = template.ConfigContract,
        Fields = template.Fields.OfType<JsonObject>().Select(SchemaField.From).ToList(),
    };
}

/// <summary>A field of a schema template: its exact name, type, default and, for selects, the options by name.</summary>
public sealed record SchemaField
{
    public string Name { get; init; } = "";
    public string? Label { get; init; }
    public string Type { get; init; } = "";
    public object? Default { get; init; }
    public bool Advanced { get; init; }
    public bool IsSecret { get; init; }
    public string? HelpText { get; init; }
    /// <summary>Select options as "Name=value".</summary>
    public IReadOnlyList<string> Options { get; init; } = [];

    internal static SchemaField From(JsonObject field) => new()
    {
        Name = field["name"]?.GetValue<string>() ?? "",
        Label = field["label"]?.GetValue<string>(),
        Type = field["type"]?.GetValue<string>() ?? "",
        Default = ProviderResource.ToPlain(field["value"]),
        Advanced = field["advanced"] is JsonValue a && a.TryGetValue<bool>(out var advanced) && advanced,
        IsSecret = ProviderResource.IsSecretField(field),
        HelpText = field["helpText"]?.GetValue<string>(),
        Options = field["selectOptions"] is JsonArray options
            ? options.OfType<JsonObject>().Select(o => $"{o["name"]}={o["value"]?.ToJsonString()}").ToList()
            : [],
    };
}
