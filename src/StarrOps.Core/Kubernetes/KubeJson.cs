using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace StarrOps.Core.Kubernetes;

/// <summary>Lenient readers for Kubernetes JSON: a missing or differently typed field reads as null, never throws.</summary>
internal static class KubeJson
{
    public static string? String(JsonNode? node, string name) =>
        node is JsonObject obj && obj[name] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    public static int? Int(JsonNode? node, string name) =>
        node is JsonObject obj && obj[name] is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<int>(out var number) ? number : null;

    public static bool? Bool(JsonNode? node, string name) =>
        node is JsonObject obj && obj[name] is JsonValue value ? value.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => null,
        } : null;

    public static DateTimeOffset? Time(JsonNode? node, string name) =>
        String(node, name) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : null;

    public static IReadOnlyDictionary<string, string> StringMap(JsonNode? node, string name)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node is JsonObject obj && obj[name] is JsonObject values)
        {
            foreach (var (key, value) in values)
            {
                if (value is JsonValue v && v.GetValueKind() == JsonValueKind.String) map[key] = v.GetValue<string>();
            }
        }
        return map;
    }

    public static IEnumerable<JsonObject> Objects(JsonNode? node, string name) =>
        node is JsonObject obj && obj[name] is JsonArray array ? array.OfType<JsonObject>() : [];

    public static IReadOnlyList<string> Strings(JsonNode? node, string name) =>
        node is JsonObject obj && obj[name] is JsonArray array
            ? array.OfType<JsonValue>().Where(v => v.GetValueKind() == JsonValueKind.String).Select(v => v.GetValue<string>()).ToList()
            : [];

    /// <summary>A port or target port: a number or a named port, as text.</summary>
    public static string? IntOrString(JsonNode? node, string name) =>
        node is JsonObject obj && obj[name] is JsonValue value
            ? value.GetValueKind() == JsonValueKind.Number ? value.ToJsonString() : value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null
            : null;
}
