using System.Text.Json;
using System.Text.Json.Nodes;

namespace StarrOps.Core.Arr;

/// <summary>
/// One provider (indexer, download client, notification, import list, Prowlarr application) exactly
/// as the API returned it. The JSON is kept whole so an update changes only what was asked and PUTs
/// every other property back untouched. Typed properties read from that JSON.
/// </summary>
public sealed class ProviderResource
{
    /// <summary>The value every Servarr app returns for a stored secret; sending it back keeps the secret.</summary>
    public const string MaskedValue = Http.StarrHttpClient.MaskedValue;

    public ProviderResource(JsonObject json, ProviderKind kind, string instance)
    {
        Json = json;
        Kind = kind;
        Instance = instance;
    }

    public JsonObject Json { get; }
    public ProviderKind Kind { get; }
    /// <summary>The instance it was read from (binds to -Instance down the pipeline).</summary>
    public string Instance { get; }

    public int Id => Json["id"]?.GetValue<int>() ?? 0;
    public string Name
    {
        get => Json["name"]?.GetValue<string>() ?? "";
        set => Json["name"] = value;
    }
    public string Implementation => Json["implementation"]?.GetValue<string>() ?? "";
    public string ConfigContract => Json["configContract"]?.GetValue<string>() ?? "";
    /// <summary>Prowlarr indexers: the definition it was made from (Cardigann's yml id, or the implementation).</summary>
    public string? DefinitionName => Json["definitionName"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
    public bool? Enable => Json["enable"] is JsonValue v && v.TryGetValue<bool>(out var b) ? b : null;
    public IReadOnlyList<int> Tags => Json["tags"] is JsonArray tags ? tags.Select(t => t?.GetValue<int>() ?? 0).ToList() : [];

    public JsonArray Fields
    {
        get
        {
            if (Json["fields"] is JsonArray fields) return fields;
            var created = new JsonArray();
            Json["fields"] = created;
            return created;
        }
    }

    public JsonObject? Field(string name) =>
        Fields.OfType<JsonObject>().FirstOrDefault(f => string.Equals(f["name"]?.GetValue<string>(), name, StringComparison.Ordinal));

    /// <summary>A field's value, or null when the field is absent or has no value key (the apps omit null values).</summary>
    public JsonNode? FieldValue(string name) => Field(name)?["value"];

    /// <summary>Fields whose privacy is apiKey/password/userName-secret: their stored values are masked on GET.</summary>
    public static bool IsSecretField(JsonObject field) =>
        field["privacy"]?.GetValue<string>() is "apiKey" or "password"
        || field["type"]?.GetValue<string>() == "password";

    public static bool IsMasked(JsonNode? value) =>
        value is JsonValue v && v.TryGetValue<string>(out var s) && s == MaskedValue;

    /// <summary>A plain snapshot of fields for display: name → value, secrets shown as "(secret)".</summary>
    public IReadOnlyDictionary<string, object?> FieldTable()
    {
        var table = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var field in Fields.OfType<JsonObject>())
        {
            var name = field["name"]?.GetValue<string>();
            if (name is null) continue;
            var value = field["value"];
            table[name] = IsSecretField(field) && value is not null ? Instances.Secret.Display : ToPlain(value);
        }
        return table;
    }

    public ProviderResource Clone() => new((JsonObject)Json.DeepClone(), Kind, Instance);

    public override string ToString() => $"{Name} ({Implementation})";

    internal static object? ToPlain(JsonNode? node) => node switch
    {
        null => null,
        JsonArray array => array.Select(ToPlain).ToArray(),
        JsonObject obj => obj.ToJsonString(),
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number => value.TryGetValue<int>(out var i) ? (object)i : value.TryGetValue<long>(out var l) ? l : value.GetValue<double>(),
            _ => value.ToJsonString(),
        },
        _ => node.ToJsonString(),
    };
}
