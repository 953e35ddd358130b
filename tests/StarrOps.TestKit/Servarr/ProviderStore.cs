using System.Text.Json.Nodes;
namespace StarrOps.TestKit;

/// <summary>
/// The saved definitions of one provider resource (thread-safe), plus its real schema templates and the
/// resource → definition mapping the apps do: every create/update is rebuilt from the implementation's
/// template, so the answer carries the template's field metadata (labels, selectOptions, privacy) with the
/// stored values, fields the client left out take the template default, unknown fields are dropped, and a
/// secret sent back as "********" keeps the stored value.
/// </summary>
internal sealed class ProviderStore
{
    public const string Mask = "********";

    private readonly object _gate = new();
    private readonly SortedDictionary<int, JsonObject> _items = new();
    private readonly Lazy<JsonArray> _schema;
    private readonly Lazy<IReadOnlyDictionary<string, PropertySpec>> _properties;
    private int _lastId;

    public ProviderStore(ProviderKind kind)
    {
        Kind = kind;
        _schema = new Lazy<JsonArray>(() => Fixtures.Array(kind.SchemaFixture));
        _properties = new Lazy<IReadOnlyDictionary<string, PropertySpec>>(BuildProperties);
    }

    public ProviderKind Kind { get; }

    public IReadOnlyDictionary<string, PropertySpec> Properties => _properties.Value;

    public JsonArray SchemaCopy() => (JsonArray)_schema.Value.DeepClone();

    public bool HasImplementation(string implementation) =>
        _schema.Value.OfType<JsonObject>().Any(t => t.GetString("implementation") == implementation);

    public bool HasConfigContract(string configContract) =>
        _schema.Value.OfType<JsonObject>().Any(t => t.GetString("configContract") == configContract);

    /// <summary>The template for an implementation; with several (Prowlarr's Newznab presets) the one named like the request, else "Generic …", else the first.</summary>
    public JsonObject? Template(string implementation, string? name = null)
    {
        var candidates = _schema.Value.OfType<JsonObject>().Where(t => t.GetString("implementation") == implementation).ToList();
        if (candidates.Count == 0) return null;
        var chosen = candidates.FirstOrDefault(t => name is not null && string.Equals(t.GetString("name"), name, StringComparison.OrdinalIgnoreCase))
            ?? candidates.FirstOrDefault(t => t.GetString("name")?.StartsWith("Generic ", StringComparison.Ordinal) == true)
            ?? candidates[0];
        return (JsonObject)chosen.DeepClone();
    }

    public List<JsonObject> All()
    {
        lock (_gate) return _items.Values.Select(v => (JsonObject)v.DeepClone()).ToList();
    }

    public JsonObject? Get(int id)
    {
        lock (_gate) return _items.TryGetValue(id, out var item) ? (JsonObject)item.DeepClone() : null;
    }

    public bool NameTaken(string name, int exceptId)
    {
        lock (_gate) return NameTakenLocked(name, exceptId);
    }

    /// <summary>Stores a new definition unless its name was taken meanwhile; assigns the id.</summary>
    public JsonObject? TryAdd(JsonObject definition)
    {
        lock (_gate)
        {
            if (NameTakenLocked(definition.GetString("name") ?? "", 0)) return null;
            var id = ++_lastId;
            definition["id"] = id;
            _items[id] = (JsonObject)definition.DeepClone();
            return definition;
        }
    }

    /// <summary>Replaces a definition unless it vanished or its new name clashes.</summary>
    public bool TryReplace(int id, JsonObject definition)
    {
        lock (_gate)
        {
            if (!_items.ContainsKey(id) || NameTakenLocked(definition.GetString("name") ?? "", id)) return false;
            definition["id"] = id;
            _items[id] = (JsonObject)definition.DeepClone();
            return true;
        }
    }

    public JsonObject? Remove(int id)
    {
        lock (_gate) return _items.Remove(id, out var removed) ? removed : null;
    }

    public void Clear()
    {
        lock (_gate) _items.Clear();
    }

    /// <summary>Builds the definition to store from a request body, its template and (on update) the stored one.</summary>
    public JsonObject Build(JsonObject request, JsonObject template, JsonObject? existing)
    {
        var result = new JsonObject();
        var nameWritten = false;
        foreach (var (key, templateValue) in template)
        {
            switch (key)
            {
                case "presets":
                case "id":
                    continue;
                case "name":
                    result["name"] = request.GetString("name") ?? "";
                    nameWritten = true;
                    continue;
                case "fields":
                    if (!nameWritten)
                    {
                        result["name"] = request.GetString("name") ?? "";
                        nameWritten = true;
                    }
                    result["fields"] = MergeFields(template["fields"] as JsonArray, request["fields"] as JsonArray, existing?["fields"] as JsonArray);
                    continue;
                case "implementationName":
                case "implementation":
                case "configContract":
                case "infoLink":
                    result[key] = templateValue?.DeepClone();
                    continue;
            }
            if (request.TryGetPropertyValue(key, out var sent)) result[key] = Normalize(key, sent);
            else if (existing is not null && existing.TryGetPropertyValue(key, out var stored)) result[key] = stored?.DeepClone();
            else result[key] = templateValue?.DeepClone();
        }
        if (!nameWritten) result["name"] = request.GetString("name") ?? "";
        if (!result.ContainsKey("tags")) result["tags"] = Normalize("tags", request["tags"]) ?? new JsonArray();
        if (result["tags"] is null) result["tags"] = new JsonArray();
        return result;
    }

    /// <summary>A copy for the API: secrets (privacy apiKey/password) with a value read back as "********".</summary>
    public static JsonObject Render(JsonObject definition)
    {
        var copy = (JsonObject)definition.DeepClone();
        if (copy["fields"] is not JsonArray fields) return copy;
        foreach (var field in fields.OfType<JsonObject>())
        {
            if (IsSecret(field) && field["value"] is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0)
                field["value"] = Mask;
        }
        return copy;
    }

    public static bool IsSecret(JsonObject field) =>
        field.GetString("privacy") is { } privacy &&
        (privacy.Equals("apiKey", StringComparison.OrdinalIgnoreCase) || privacy.Equals("password", StringComparison.OrdinalIgnoreCase));

    public static JsonObject? Field(JsonObject definition, string name) =>
        (definition["fields"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(f => f.GetString("name") == name);

    public static JsonNode? FieldValue(JsonObject definition, string name) => Field(definition, name)?["value"];

    public static void SetFieldValue(JsonObject definition, string name, JsonNode? value)
    {
        if (Field(definition, name) is { } field) SetValue(field, value);
    }

    private static JsonArray MergeFields(JsonArray? templateFields, JsonArray? requestFields, JsonArray? existingFields)
    {
        var merged = new JsonArray();
        if (templateFields is null) return merged;
        foreach (var templateField in templateFields.OfType<JsonObject>())
        {
            var name = templateField.GetString("name");
            var sent = requestFields?.OfType<JsonObject>().FirstOrDefault(f => string.Equals(f.GetString("name"), name, StringComparison.Ordinal));
            JsonNode? value = sent is not null
                ? sent["value"]?.DeepClone()
                : templateField["value"]?.DeepClone();
            if (IsSecret(templateField) && value is JsonValue masked && masked.TryGetValue<string>(out var text) && text == Mask)
            {
                var stored = existingFields?.OfType<JsonObject>().FirstOrDefault(f => f.GetString("name") == name);
                value = stored?["value"]?.DeepClone();
            }
            var field = (JsonObject)templateField.DeepClone();
            SetValue(field, value);
            merged.Add(field);
        }
        return merged;
    }

    /// <summary>Sets a field's value where the apps serialise it (after helpText, else label); null removes the key, as they omit nulls.</summary>
    private static void SetValue(JsonObject field, JsonNode? value)
    {
        var anchor = field.ContainsKey("helpText") ? "helpText" : "label";
        var entries = field.Where(p => p.Key != "value").Select(p => (p.Key, Value: p.Value?.DeepClone())).ToList();
        field.Clear();
        var written = false;
        foreach (var (key, item) in entries)
        {
            field[key] = item;
            if (key == anchor && value is not null)
            {
                field["value"] = value;
                written = true;
            }
        }
        if (!written && value is not null) field["value"] = value;
    }

    private JsonNode? Normalize(string key, JsonNode? value)
    {
        if (value is null || !Properties.TryGetValue(key, out var spec)) return value?.DeepClone();
        switch (spec.Kind)
        {
            case PropertyKind.Enum when value is JsonValue enumValue:
                if (enumValue.TryGetValue<string>(out var text)) return spec.Enum!.Canonical(text) is { } name ? JsonValue.Create(name) : value.DeepClone();
                return int.TryParse(enumValue.ToJsonString(), out var index) && index >= 0 && index < spec.Enum!.Names.Count
                    ? JsonValue.Create(spec.Enum.Names[index])
                    : value.DeepClone();
            case PropertyKind.Int when value is JsonValue intValue && intValue.TryGetValue<string>(out var digits) && int.TryParse(digits, out var number):
                return JsonValue.Create(number);
            case PropertyKind.IntSet:
                return new JsonArray(value.GetIntList().Distinct().Select(i => (JsonNode?)JsonValue.Create(i)).ToArray());
            default:
                return value.DeepClone();
        }
    }

    private bool NameTakenLocked(string name, int exceptId) =>
        _items.Values.Any(i => i.GetInt("id") != exceptId && string.Equals(i.GetString("name"), name, StringComparison.OrdinalIgnoreCase));

    private IReadOnlyDictionary<string, PropertySpec> BuildProperties()
    {
        var properties = new Dictionary<string, PropertySpec>(StringComparer.OrdinalIgnoreCase)
        {
            ["id"] = new("id", PropertyKind.Int, "System.Int32"),
            ["name"] = new("name", PropertyKind.String, "System.String"),
            ["implementation"] = new("implementation", PropertyKind.String, "System.String"),
            ["configContract"] = new("configContract", PropertyKind.String, "System.String"),
            ["tags"] = PropertySpec.Infer("tags", null),
            ["fields"] = new("fields", PropertyKind.Array, "System.Collections.Generic.List`1[Field]"),
        };
        foreach (var template in _schema.Value.OfType<JsonObject>())
        {
            foreach (var (key, value) in template)
            {
                if (properties.ContainsKey(key) || key == "presets") continue;
                properties[key] = Kind.Enums.TryGetValue(key, out var enumSpec)
                    ? new PropertySpec(key, PropertyKind.Enum, enumSpec.ClrType, enumSpec)
                    : PropertySpec.Infer(key, value);
            }
        }
        foreach (var (key, enumSpec) in Kind.Enums)
            properties[key] = new PropertySpec(key, PropertyKind.Enum, enumSpec.ClrType, enumSpec);
        return properties;
    }
}
