using System.Text.Json;
using System.Text.Json.Nodes;

namespace StarrOps.Core.Http;

/// <summary>
/// Typed values of one JSON object, for the few documents every converged run reads (root folders, tags, app profiles,
/// Jellyseerr's public settings). Reading them from the parsed node rather than through <see cref="JsonSerializer"/>
/// spares each fresh CronJob process System.Text.Json's metadata for <c>bool</c>, <c>int?</c> and <c>long?</c>
/// properties: generic code that the framework's ReadyToRun image does not hold, so every run JIT-compiled it again,
/// 0.04 s of CPU per converged run (docs/decisions/0004-cronjob-cpu.md). The rules are the serializer's (Web defaults):
/// names match case-insensitively, a missing property keeps its default, and a value of the wrong kind is an error
/// naming the document and the property.
/// </summary>
internal readonly struct JsonFields
{
    private readonly JsonObject _object;
    private readonly string _document;

    private JsonFields(JsonObject obj, string document)
    {
        _object = obj;
        _document = document;
    }

    /// <summary>The fields of <paramref name="node"/>, which must be an object; <paramref name="document"/> names it in errors ("GET /api/v3/rootfolder").</summary>
    public static JsonFields Of(JsonNode? node, string document) =>
        node is JsonObject obj ? new JsonFields(obj, document) : throw new InvalidDataException($"{document} answered {Kind(node)} where an object was expected.");

    /// <summary>Each element of an array document, read by <paramref name="read"/>.</summary>
    public static List<T> List<T>(JsonNode? node, string document, Func<JsonFields, T> read) =>
        node is JsonArray array
            ? array.Select(item => read(Of(item, document))).ToList()
            : throw new InvalidDataException($"{document} answered {Kind(node)} where a list was expected.");

    public int Int(string name) => IntOrNull(name) ?? 0;

    public int? IntOrNull(string name) => Number(name, (JsonValue v, out int n) => v.TryGetValue(out n));

    public long? LongOrNull(string name) => Number(name, (JsonValue v, out long n) => v.TryGetValue(out n));

    public bool Bool(string name)
    {
        var value = Value(name);
        if (value is null) return false;
        return value.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw WrongKind(name, value, "true or false"),
        };
    }

    public string String(string name) => StringOrNull(name) ?? "";

    public string? StringOrNull(string name)
    {
        var value = Value(name);
        if (value is null) return null;
        return value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : throw WrongKind(name, value, "a string");
    }

    private delegate bool TryRead<T>(JsonValue value, out T result);

    private T? Number<T>(string name, TryRead<T> read) where T : struct
    {
        var value = Value(name);
        if (value is null) return null;
        return value.GetValueKind() == JsonValueKind.Number && read(value, out var number) ? number : throw WrongKind(name, value, "a whole number");
    }

    // Null and missing are alike: the property keeps its default, as a nullable one would be null.
    private JsonValue? Value(string name)
    {
        if (!_object.TryGetPropertyValue(name, out var node))
            node = _object.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
        return node switch
        {
            null => null,
            JsonValue value when value.GetValueKind() == JsonValueKind.Null => null,
            JsonValue value => value,
            _ => throw WrongKind(name, node, "a single value"),
        };
    }

    private InvalidDataException WrongKind(string name, JsonNode node, string expected) =>
        new($"{_document} answered {Kind(node)} for '{name}' where {expected} was expected; the app's API may have changed.");

    private static string Kind(JsonNode? node) => node is null ? "nothing" : node.GetValueKind() switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "true/false",
        _ => "null",
    };
}
