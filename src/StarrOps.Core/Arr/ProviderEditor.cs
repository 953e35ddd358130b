using System.Collections;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using StarrOps.Core.Instances;

namespace StarrOps.Core.Arr;

/// <summary>
/// Builds and edits provider resources the way the apps expect: a create starts from the
/// implementation's live /schema template, an update from the resource as fetched; fields are set by
/// exact name, select fields take an option's name or value, and the masked "********" is never sent
/// as a new value nor counted as drift.
/// </summary>
public static class ProviderEditor
{
    /// <summary>Finds the template of an implementation in a /schema answer, or explains which ones exist.</summary>
    public static ProviderResource FindTemplate(IReadOnlyList<ProviderResource> schema, ProviderKind kind, string implementation, string instance, string? templateName = null)
    {
        if (templateName is not null) return FindNamedTemplate(schema, kind, templateName, instance);
        var template = schema.FirstOrDefault(t => string.Equals(t.Implementation, implementation, StringComparison.Ordinal))
                       ?? schema.FirstOrDefault(t => string.Equals(t.Implementation, implementation, StringComparison.OrdinalIgnoreCase));
        if (template is not null) return template;
        var names = schema.Select(t => t.Implementation).Distinct().OrderBy(n => n, StringComparer.OrdinalIgnoreCase).ToList();
        throw new StarrFieldException(
            $"{instance} has no {kind.Describe()} implementation '{implementation}'. Valid implementations: {string.Join(", ", names)}.",
            implementation, "implementation", names);
    }

    /// <summary>A template by its name ("Generic Torznab"), else by definitionName (a Cardigann definition such as "1337x").</summary>
    public static ProviderResource FindNamedTemplate(IReadOnlyList<ProviderResource> schema, ProviderKind kind, string templateName, string instance)
    {
        if (TryFindNamedTemplate(schema, templateName) is { } template) return template;
        var names = TemplateNames(schema);
        var nearest = Nearest(templateName, names);
        // Prowlarr offers hundreds of definitions: name the nearest and a few, not all.
        var shown = names.Count <= 12 ? string.Join(", ", names) : $"{string.Join(", ", names.Take(12))} … ({names.Count} in all; Get-StarrSchema lists them)";
        throw new StarrFieldException(
            $"{instance} has no {kind.Describe()} definition '{templateName}'{(nearest is null ? "" : $" (did you mean '{nearest}'?)")}. Definitions: {shown}.",
            templateName, "definition", names);
    }

    public static ProviderResource? TryFindNamedTemplate(IReadOnlyList<ProviderResource> schema, string templateName) =>
        schema.FirstOrDefault(t => string.Equals(t.Name, templateName, StringComparison.OrdinalIgnoreCase))
        ?? schema.FirstOrDefault(t => string.Equals(t.DefinitionName, templateName, StringComparison.OrdinalIgnoreCase));

    /// <summary>The names a template can be chosen by: its name, and its definitionName where that differs.</summary>
    public static IReadOnlyList<string> TemplateNames(IReadOnlyList<ProviderResource> schema) =>
        schema.Select(t => t.Name).Where(n => n.Length > 0)
            .Concat(schema.Select(t => t.DefinitionName).OfType<string>())
            .Distinct(StringComparer.OrdinalIgnoreCase).OrderBy(n => n, StringComparer.OrdinalIgnoreCase).ToList();

    /// <summary>A new resource from the template with the desired settings applied (nothing is sent).</summary>
    public static ProviderResource NewFromTemplate(ProviderResource template, ProviderSettings desired)
    {
        var resource = template.Clone();
        resource.Json.Remove("id");
        resource.Json.Remove("presets");
        resource.Name = desired.Name;
        // Templates come disabled (Sonarr's download clients do); a provider someone declares is meant to work.
        if (desired.Enable is null && resource.Json.ContainsKey("enable")) resource.Json["enable"] = true;
        Apply(resource, desired, rotateSecrets: true);
        return resource;
    }

    /// <summary>
    /// Applies the desired settings onto <paramref name="resource"/> in place and returns what changed.
    /// A field whose live value is masked counts as unchanged unless <paramref name="rotateSecrets"/>.
    /// </summary>
    public static IReadOnlyList<FieldChange> Apply(ProviderResource resource, ProviderSettings desired, bool rotateSecrets)
    {
        var changes = new List<FieldChange>();
        if (!string.Equals(resource.Name, desired.Name, StringComparison.Ordinal))
        {
            changes.Add(new FieldChange("name", resource.Name, desired.Name, false));
            resource.Name = desired.Name;
        }
        // Notifications have no "enable" (the app derives it from their on* events): only providers that carry it are compared.
        if (desired.Enable is { } enable && resource.Json.ContainsKey("enable") && resource.Enable != enable)
        {
            changes.Add(new FieldChange("enable", resource.Enable, enable, false));
            resource.Json["enable"] = enable;
        }
        if (desired.Tags is { } tags && !SameSet(resource.Tags, tags))
        {
            changes.Add(new FieldChange("tags", resource.Tags.ToArray(), tags.ToArray(), false));
            resource.Json["tags"] = new JsonArray(tags.Select(t => (JsonNode?)JsonValue.Create(t)).ToArray());
        }

        foreach (var (name, value) in WithUnlistedEventsOff(resource, desired))
        {
            var key = ResolvePropertyName(resource, name);
            var current = resource.Json[key];
            var wanted = ConvertLike(current, value, key, resource);
            if (!ValuesEqual(current, wanted))
            {
                changes.Add(new FieldChange(key, ProviderResource.ToPlain(current), ProviderResource.ToPlain(wanted), false));
                resource.Json[key] = wanted;
            }
        }

        foreach (var (name, value) in desired.Fields)
        {
            var field = ResolveField(resource, name);
            var isSecret = ProviderResource.IsSecretField(field);
            if (value is string s && s == ProviderResource.MaskedValue) continue; // never send the mask as a value
            var current = field["value"];
            var wanted = ConvertField(field, value, resource);
            var masked = ProviderResource.IsMasked(current);
            if (masked && !rotateSecrets) continue; // the stored secret can't be compared
            if (ValuesEqual(current, wanted)) continue;
            changes.Add(new FieldChange(name, isSecret ? null : ProviderResource.ToPlain(current), isSecret ? null : ProviderResource.ToPlain(wanted), isSecret) { IsRotation = masked });
            field["value"] = wanted;
        }
        return changes;
    }

    /// <summary>
    /// With <see cref="ProviderSettings.ExclusiveEvents"/>, every on* event flag the resource has and the settings do not
    /// list is wanted off, so "-On Grab, Download" means exactly those events.
    /// </summary>
    private static IEnumerable<KeyValuePair<string, object?>> WithUnlistedEventsOff(ProviderResource resource, ProviderSettings desired)
    {
        if (!desired.ExclusiveEvents) return desired.Properties;
        var listed = new HashSet<string>(desired.Properties.Keys, StringComparer.OrdinalIgnoreCase);
        var unlisted = resource.Json
            .Where(p => IsEventFlag(p.Key) && p.Value?.GetValueKind() is JsonValueKind.True or JsonValueKind.False && !listed.Contains(p.Key))
            .Select(p => new KeyValuePair<string, object?>(p.Key, false));
        return desired.Properties.Concat(unlisted);
    }

    private static bool IsEventFlag(string name) => name.Length > 2 && name.StartsWith("on", StringComparison.Ordinal) && char.IsUpper(name[2]);

    /// <summary>The field names a resource (or template) has, for messages and tab completion.</summary>
    public static IReadOnlyList<string> FieldNames(ProviderResource resource) =>
        resource.Fields.OfType<JsonObject>().Select(f => f["name"]?.GetValue<string>()).OfType<string>().ToList();

    private static JsonObject ResolveField(ProviderResource resource, string name)
    {
        var field = resource.Field(name);
        if (field is not null) return field;
        var names = FieldNames(resource);
        var nearest = Nearest(name, names); // a name that differs only in case is at distance 0
        throw new StarrFieldException(
            $"{resource.Implementation} has no field '{name}'{(nearest is null ? "" : $" (did you mean '{nearest}'?)")}. Field names are case-sensitive. Valid fields: {string.Join(", ", names)}.",
            resource.Implementation, name, names);
    }

    private static readonly HashSet<string> ReservedProperties = new(StringComparer.OrdinalIgnoreCase)
        { "id", "fields", "implementation", "configContract", "implementationName", "infoLink", "message", "presets" };

    private static string ResolvePropertyName(ProviderResource resource, string name)
    {
        var keys = resource.Json.Select(p => p.Key).Where(k => !ReservedProperties.Contains(k)).ToList();
        var key = keys.FirstOrDefault(k => string.Equals(k, name, StringComparison.Ordinal))
                  ?? keys.FirstOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase));
        if (key is not null) return key;
        // A field given where a property was expected (or the other way round) is still clear to the user.
        var nearest = Nearest(name, keys);
        throw new StarrFieldException(
            $"{resource.Implementation} has no property '{name}'{(nearest is null ? "" : $" (did you mean '{nearest}'?)")}. Valid properties: {string.Join(", ", keys)}; fields: {string.Join(", ", FieldNames(resource))}.",
            resource.Implementation, name, keys);
    }

    /// <summary>Converts a user value (PowerShell or YAML scalar, list) into the JSON the field expects.</summary>
    internal static JsonNode? ConvertField(JsonObject field, object? value, ProviderResource resource)
    {
        var name = field["name"]?.GetValue<string>() ?? "?";
        var type = field["type"]?.GetValue<string>() ?? "textbox";
        if (value is Secret secret) return JsonValue.Create(secret.Reveal());
        if (value is null) return null;
        if (field["selectOptions"] is JsonArray options && options.Count > 0)
        {
            if (value is string or not IEnumerable)
                return IsArray(field["value"]) ? new JsonArray(SelectValue(options, value, name, resource)) : SelectValue(options, value, name, resource);
            return new JsonArray(((IEnumerable)value).Cast<object?>().Select(v => SelectValue(options, v, name, resource)).ToArray());
        }
        return type switch
        {
            "checkbox" => JsonValue.Create(ToBool(value, name, resource)),
            "number" => ToNumber(value, field["isFloat"]?.GetValue<bool>() == true, name, resource),
            "tag" or "textbox" when IsArray(field["value"]) || (value is IEnumerable and not string) => ToArray(value),
            _ => ConvertLike(field["value"], value, name, resource),
        };
    }

    /// <summary>Converts a value to the JSON kind of the current value (a port stays a number, a flag a bool).</summary>
    private static JsonNode? ConvertLike(JsonNode? current, object? value, string name, ProviderResource resource)
    {
        if (value is null) return null;
        var kind = current?.GetValueKind();
        return kind switch
        {
            JsonValueKind.Number => ToNumber(value, IsFloat(current!), name, resource),
            JsonValueKind.True or JsonValueKind.False => JsonValue.Create(ToBool(value, name, resource)),
            JsonValueKind.Array => ToArray(value),
            JsonValueKind.String => JsonValue.Create(Convert.ToString(value, CultureInfo.InvariantCulture)),
            _ => ToNode(value),
        };
    }

    private static JsonNode? SelectValue(JsonArray options, object? value, string field, ProviderResource resource)
    {
        foreach (var option in options.OfType<JsonObject>())
        {
            var optionValue = option["value"];
            var optionName = option["name"]?.GetValue<string>();
            if (value is string text && string.Equals(optionName, text, StringComparison.OrdinalIgnoreCase)) return optionValue?.DeepClone();
            if (optionValue is not null && Convert.ToString(ProviderResource.ToPlain(optionValue), CultureInfo.InvariantCulture)
                    == Convert.ToString(value, CultureInfo.InvariantCulture)) return optionValue.DeepClone();
        }
        var valid = options.OfType<JsonObject>().Select(o => $"{o["name"]} ({o["value"]?.ToJsonString()})");
        throw new StarrFieldException(
            $"'{value}' is not an option of {resource.Implementation} field '{field}'. Valid options: {string.Join(", ", valid)}.",
            resource.Implementation, field, options.OfType<JsonObject>().Select(o => o["name"]?.GetValue<string>() ?? "").ToList());
    }

    private static bool ToBool(object value, string field, ProviderResource resource) => value switch
    {
        bool b => b,
        string s when bool.TryParse(s, out var b) => b,
        string s when s is "1" or "yes" or "on" => true,
        string s when s is "0" or "no" or "off" => false,
        int i => i != 0,
        _ => throw new StarrFieldException($"{resource.Implementation} field '{field}' takes true or false, not '{value}'.", resource.Implementation, field, []),
    };

    private static JsonNode ToNumber(object value, bool isFloat, string field, ProviderResource resource)
    {
        var text = Convert.ToString(value, CultureInfo.InvariantCulture);
        if (!isFloat && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var whole))
            return whole is >= int.MinValue and <= int.MaxValue ? JsonValue.Create((int)whole) : JsonValue.Create(whole);
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real)) return JsonValue.Create(real);
        throw new StarrFieldException($"{resource.Implementation} field '{field}' takes a number, not '{value}'.", resource.Implementation, field, []);
    }

    private static JsonArray ToArray(object value) => value is IEnumerable items and not string
        ? new JsonArray(items.Cast<object?>().Select(ToNode).ToArray())
        : new JsonArray(ToNode(value));

    internal static JsonNode? ToNode(object? value) => value switch
    {
        null => null,
        JsonNode node => node.DeepClone(),
        Secret secret => JsonValue.Create(secret.Reveal()),
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        int i => JsonValue.Create(i),
        long l => JsonValue.Create(l),
        double d => JsonValue.Create(d),
        decimal m => JsonValue.Create(m),
        IDictionary dictionary => new JsonObject(dictionary.Keys.Cast<object>().Select(k =>
            new KeyValuePair<string, JsonNode?>(Convert.ToString(k, CultureInfo.InvariantCulture)!, ToNode(dictionary[k])))),
        IEnumerable items => new JsonArray(items.Cast<object?>().Select(ToNode).ToArray()),
        _ => JsonValue.Create(Convert.ToString(value, CultureInfo.InvariantCulture)),
    };

    /// <summary>Equality as the apps mean it: numbers by value, lists of scalars as sets, a missing value equals null or "".</summary>
    public static bool ValuesEqual(JsonNode? a, JsonNode? b)
    {
        if (IsBlank(a) && IsBlank(b)) return true;
        if (a is null || b is null) return false;
        if (a is JsonArray left && b is JsonArray right)
        {
            if (left.Count != right.Count) return false;
            var l = left.Select(n => n?.ToJsonString() ?? "null").OrderBy(s => s, StringComparer.Ordinal);
            var r = right.Select(n => n?.ToJsonString() ?? "null").OrderBy(s => s, StringComparer.Ordinal);
            return l.SequenceEqual(r);
        }
        if (a.GetValueKind() == JsonValueKind.Number && b.GetValueKind() == JsonValueKind.Number)
            return double.Parse(a.ToJsonString(), CultureInfo.InvariantCulture) == double.Parse(b.ToJsonString(), CultureInfo.InvariantCulture);
        return JsonNode.DeepEquals(a, b);
    }

    private static bool IsBlank(JsonNode? node) =>
        node is null || (node is JsonValue v && v.GetValueKind() == JsonValueKind.Null) || (node is JsonValue s && s.TryGetValue<string>(out var t) && t.Length == 0);

    private static bool IsArray(JsonNode? node) => node is JsonArray;
    private static bool IsFloat(JsonNode node) => node.ToJsonString().Contains('.');
    private static bool SameSet(IReadOnlyList<int> a, IReadOnlyList<int> b) => a.Count == b.Count && a.Order().SequenceEqual(b.Order());

    /// <summary>The candidate closest to <paramref name="name"/> by edit distance, if any is close enough to be a typo.</summary>
    public static string? Nearest(string name, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = Levenshtein(name.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance < bestDistance) (best, bestDistance) = (candidate, distance);
        }
        return bestDistance <= Math.Max(2, name.Length / 3) ? best : null;
    }

    private static int Levenshtein(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
