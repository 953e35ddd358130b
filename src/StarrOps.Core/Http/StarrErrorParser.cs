using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using StarrOps.Core.Instances;

namespace StarrOps.Core.Http;

/// <summary>
/// Turns an error answer into a <see cref="StarrApiException"/>. The shapes seen on real servers:
/// a bare array of {propertyName, errorMessage, isWarning, severity, detailedDescription} (Servarr 400);
/// ASP.NET problem details {title, errors: {"$.field": [..]}} (wrong enum/JSON type);
/// {message, description: stack trace} (Servarr 500); {message, errors:[{path, message}]} (Jellyseerr 400);
/// a bare JSON string (Bazarr 406); and an empty body (401 wrong key).
/// </summary>
public static class StarrErrorParser
{
    public static StarrApiException Parse(string instance, string method, string path, HttpStatusCode status, string? body)
    {
        var failures = new List<StarrValidationFailure>();
        string? message = null;
        string? debugDetail = null;
        JsonNode? node = null;
        if (!string.IsNullOrWhiteSpace(body))
        {
            try { node = JsonNode.Parse(body); }
            catch (JsonException) { debugDetail = body; message = FirstLine(body); }
        }

        switch (node)
        {
            case JsonArray array:
                foreach (var item in array.OfType<JsonObject>()) failures.Add(FromServarr(item));
                break;
            case JsonObject obj:
                message = Text(obj, "message") ?? Text(obj, "title") ?? Text(obj, "error");
                if (obj["errors"] is JsonObject problemErrors)
                {
                    foreach (var (key, value) in problemErrors)
                    {
                        var field = key.StartsWith("$.", StringComparison.Ordinal) ? key[2..] : key;
                        foreach (var text in Messages(value)) failures.Add(new StarrValidationFailure(field, text));
                    }
                }
                else if (obj["errors"] is JsonArray errorList)
                {
                    foreach (var item in errorList.OfType<JsonObject>())
                        failures.Add(new StarrValidationFailure(Text(item, "path") ?? Text(item, "propertyName") ?? "", Text(item, "message") ?? Text(item, "errorMessage") ?? item.ToJsonString()));
                }
                debugDetail = Text(obj, "description") ?? Text(obj, "stack") ?? (message is null ? body : null);
                break;
            case JsonValue value when value.TryGetValue<string>(out var text):
                message = text;
                break;
        }

        if (message is null && failures.Count == 0 && status != HttpStatusCode.Unauthorized && debugDetail is not null)
            message = FirstLine(debugDetail);
        return new StarrApiException(instance, method, path, status, message is null ? null : SecretRegistry.Redact(message), failures, debugDetail);
    }

    /// <summary>One entry of a Servarr failure array (validation rule or provider test; severity or isWarning).</summary>
    internal static StarrValidationFailure FromServarr(JsonObject item)
    {
        var isWarning = item["isWarning"]?.GetValueKind() == JsonValueKind.True
                        || string.Equals(Text(item, "severity"), "warning", StringComparison.OrdinalIgnoreCase);
        return new StarrValidationFailure(
            Text(item, "propertyName") ?? "",
            SecretRegistry.Redact(Text(item, "errorMessage") ?? ""),
            isWarning,
            SecretRegistry.Redact(Text(item, "detailedDescription") ?? "") is { Length: > 0 } detail ? detail : null);
    }

    private static IEnumerable<string> Messages(JsonNode? value) => value switch
    {
        JsonArray array => array.Select(v => v?.ToString() ?? "").Where(s => s.Length > 0),
        null => [],
        _ => [value.ToString()],
    };

    private static string? Text(JsonObject obj, string name) =>
        obj[name] is JsonValue value && value.TryGetValue<string>(out var text) && !string.IsNullOrWhiteSpace(text) ? text : null;

    private static string FirstLine(string text)
    {
        var line = text.Split('\n', 2)[0].Trim();
        return line.Length > 300 ? line[..300] + "…" : line;
    }
}
