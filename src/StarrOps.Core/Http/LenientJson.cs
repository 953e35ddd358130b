using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace StarrOps.Core.Http;

/// <summary>
/// Reads values from apps that mix JSON types freely (SABnzbd, Bazarr, Jellyseerr): ports and flags arrive
/// as numbers or strings, flags as booleans, 0/1 or "true". One set of readers for every client.
/// </summary>
public static class LenientJson
{
    public static string? OptionalText(JsonNode? node) => node switch
    {
        null => null,
        JsonValue value when value.TryGetValue<string>(out var s) => s,
        JsonValue value when value.GetValueKind() == JsonValueKind.Null => null,
        _ => node.ToJsonString(),
    };

    public static string Text(JsonNode? node) => OptionalText(node) ?? "";

    public static int Int(JsonNode? node) =>
        int.TryParse(Text(node), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n
        : double.TryParse(Text(node), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? (int)d : 0;

    public static bool Bool(JsonNode? node) => node?.GetValueKind() switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => Text(node) is "1" or "true" or "True",
    };
}
