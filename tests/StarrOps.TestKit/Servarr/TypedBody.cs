using System.Text.Json.Nodes;
using System.Text.Json;
using System.Text;

namespace StarrOps.TestKit;

/// <summary>
/// Reads a request body the way ASP.NET's System.Text.Json input formatter does in the *arr apps: the first
/// property whose JSON value cannot be converted to its .NET type stops the read and becomes a 400 problem
/// details answer, e.g. (recorded in prowlarr applications/POST_400_syncLevel_full.json):
/// <c>{"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1","title":"One or more validation errors occurred.",
/// "status":400,"errors":{"$.syncLevel":["The JSON value could not be converted to NzbDrone.Core.Applications.ApplicationSyncLevel.
/// Path: $.syncLevel | LineNumber: 1 | BytePositionInLine: 21."]},"traceId":"00-…-00"}</c>.
/// Line numbers and byte positions are computed like System.Text.Json's (zero-based, position after the token).
/// </summary>
internal static class TypedBody
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    public static JsonObject ProblemDetails(string key, string message) => new()
    {
        ["type"] = "https://tools.ietf.org/html/rfc9110#section-15.5.1",
        ["title"] = "One or more validation errors occurred.",
        ["status"] = 400,
        ["errors"] = new JsonObject { [key] = new JsonArray(message) },
        ["traceId"] = JsonHttp.NewTraceId(),
    };

    /// <summary>Returns the body as a case-insensitive JsonObject, or the problem details to answer with.</summary>
    public static (JsonObject? Body, JsonObject? Problem) Parse(string? text, string resourceClrType, IReadOnlyDictionary<string, PropertySpec> properties)
    {
        if (string.IsNullOrWhiteSpace(text)) return (null, ProblemDetails("", "A non-empty request body is required."));
        var bytes = Encoding.UTF8.GetBytes(text);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        try
        {
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
                return (null, ProblemDetails("$", Message(resourceClrType, "$", bytes, reader.BytesConsumed)));
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == 0) break;
                if (reader.TokenType != JsonTokenType.PropertyName) continue;
                var name = reader.GetString() ?? "";
                reader.Read();
                if (!properties.TryGetValue(name, out var spec))
                {
                    reader.Skip();
                    continue;
                }
                if (Check(ref reader, spec, "$." + name, bytes) is { } problem) return (null, problem);
            }
        }
        catch (JsonException ex)
        {
            var message = ex.Message.Replace(" LineNumber:", " Path: $ | LineNumber:", StringComparison.Ordinal);
            return (null, ProblemDetails("$", message));
        }
        var node = JsonNode.Parse(text, JsonHttp.CaseInsensitive, DocumentOptions);
        return ((JsonObject)node!, null);
    }

    private static JsonObject? Check(ref Utf8JsonReader reader, PropertySpec spec, string path, byte[] bytes)
    {
        var token = reader.TokenType;
        var ok = spec.Kind switch
        {
            PropertyKind.Bool => token is JsonTokenType.True or JsonTokenType.False,
            PropertyKind.Int => token == JsonTokenType.Number ? reader.TryGetInt32(out _) : token == JsonTokenType.String && int.TryParse(reader.GetString(), out _),
            PropertyKind.String => token is JsonTokenType.String or JsonTokenType.Null,
            PropertyKind.Enum => token == JsonTokenType.String
                ? spec.Enum!.Canonical(reader.GetString() ?? "") is not null
                : token == JsonTokenType.Number && reader.TryGetInt32(out var value) && value >= 0 && value < spec.Enum!.Names.Count,
            PropertyKind.DateTime => token == JsonTokenType.String && DateTimeOffset.TryParse(reader.GetString(), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out _),
            PropertyKind.IntSet => token is JsonTokenType.StartArray or JsonTokenType.Null,
            PropertyKind.Array => token is JsonTokenType.StartArray or JsonTokenType.Null,
            PropertyKind.Object => token is JsonTokenType.StartObject or JsonTokenType.Null,
            _ => true,
        };
        if (!ok) return ProblemDetails(path, Message(spec.ClrType, path, bytes, reader.BytesConsumed));
        if (spec.Kind == PropertyKind.IntSet && token == JsonTokenType.StartArray)
        {
            var index = 0;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                var element = reader.TokenType == JsonTokenType.Number ? reader.TryGetInt32(out _)
                    : reader.TokenType == JsonTokenType.String && int.TryParse(reader.GetString(), out _);
                if (!element)
                {
                    var elementPath = $"{path}[{index}]";
                    return ProblemDetails(elementPath, Message("System.Int32", elementPath, bytes, reader.BytesConsumed));
                }
                index++;
            }
            return null;
        }
        if (spec.Kind == PropertyKind.Array && token == JsonTokenType.StartArray && spec.Name.Equals("fields", StringComparison.OrdinalIgnoreCase))
        {
            var index = 0;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    var elementPath = $"{path}[{index}]";
                    return ProblemDetails(elementPath, Message("Field", elementPath, bytes, reader.BytesConsumed));
                }
                reader.Skip();
                index++;
            }
            return null;
        }
        reader.Skip();
        return null;
    }

    private static string Message(string clrType, string path, byte[] bytes, long offset)
    {
        var line = 0;
        var lineStart = 0;
        for (var i = 0; i < offset && i < bytes.Length; i++)
        {
            if (bytes[i] != (byte)'\n') continue;
            line++;
            lineStart = i + 1;
        }
        return $"The JSON value could not be converted to {clrType}. Path: {path} | LineNumber: {line} | BytePositionInLine: {offset - lineStart}.";
    }
}
