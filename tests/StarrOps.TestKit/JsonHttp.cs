using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text.Json;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace StarrOps.TestKit;

/// <summary>Small helpers the emulators share for reading and writing JSON over HTTP.</summary>
internal static class JsonHttp
{
    public const string JsonContentType = "application/json; charset=utf-8";

    /// <summary>Servarr binds request bodies case-insensitively (PropertyNameCaseInsensitive = true).</summary>
    public static readonly JsonNodeOptions CaseInsensitive = new() { PropertyNameCaseInsensitive = true };

    public static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };

    public static Task WriteJsonAsync(this HttpContext context, int status, JsonNode? node, string contentType = JsonContentType)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        var text = node is null ? "null" : node.ToJsonString(Compact);
        return context.Response.WriteAsync(text, context.RequestAborted);
    }

    public static Task WriteRawJsonAsync(this HttpContext context, int status, string json)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = JsonContentType;
        return context.Response.WriteAsync(json, context.RequestAborted);
    }

    /// <summary>A status with no body at all (Content-Length: 0), as the *arr apps send for a 401.</summary>
    public static Task WriteEmptyAsync(this HttpContext context, int status)
    {
        context.Response.StatusCode = status;
        context.Response.ContentLength = 0;
        return Task.CompletedTask;
    }

    public static async Task<string> ReadBodyTextAsync(this HttpContext context)
    {
        context.Request.EnableBuffering();
        context.Request.Body.Position = 0;
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
        var text = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
        context.Request.Body.Position = 0;
        return text;
    }

    public static int? RouteInt(this HttpContext context, string name) =>
        context.Request.RouteValues.TryGetValue(name, out var value) && int.TryParse(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture), out var id) ? id : null;

    public static bool QueryFlag(this HttpContext context, string name) =>
        context.Request.Query.TryGetValue(name, out var values) && bool.TryParse(values.ToString(), out var flag) && flag;

    /// <summary>A W3C trace id like ASP.NET puts in problem details: <c>00-{32 hex}-{16 hex}-00</c>.</summary>
    public static string NewTraceId() =>
        $"00-{RandomHex(16)}-{RandomHex(8)}-00";

    /// <summary>32 lower-case hex characters, the shape of an *arr API key.</summary>
    public static string NewApiKey() => RandomHex(16);

    /// <summary>Random bytes as lower-case hex, the shape of the apps' keys, ids and tokens.</summary>
    public static string RandomHex(int bytes) => Convert.ToHexString(RandomNumberGenerator.GetBytes(bytes)).ToLowerInvariant();

    public static string? GetString(this JsonObject obj, string name) =>
        obj.TryGetPropertyValue(name, out var node) && node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    public static int? GetInt(this JsonObject obj, string name)
    {
        if (!obj.TryGetPropertyValue(name, out var node) || node is not JsonValue value) return null;
        if (value.TryGetValue<int>(out var number)) return number;
        if (value.TryGetValue<long>(out var big) && big is >= int.MinValue and <= int.MaxValue) return (int)big;
        if (value.TryGetValue<double>(out var real) && real == Math.Floor(real) && real is >= int.MinValue and <= int.MaxValue) return (int)real;
        if (value.TryGetValue<string>(out var text) && int.TryParse(text, out number)) return number;
        if (value.GetValueKind() == JsonValueKind.Number && int.TryParse(value.ToJsonString(), out number)) return number;
        return null;
    }

    public static bool? GetBool(this JsonObject obj, string name) =>
        obj.TryGetPropertyValue(name, out var node) && node is JsonValue value && value.GetValueKind() is JsonValueKind.True or JsonValueKind.False
            ? value.GetValueKind() == JsonValueKind.True
            : null;

    /// <summary>Integers of a JSON array (numbers or numeric strings); other items are skipped.</summary>
    public static List<int> GetIntList(this JsonNode? node)
    {
        var list = new List<int>();
        if (node is not JsonArray array) return list;
        foreach (var item in array)
        {
            if (item is not JsonValue value) continue;
            if (value.GetValueKind() == JsonValueKind.Number && int.TryParse(value.ToJsonString(), out var n)) list.Add(n);
            else if (value.TryGetValue<string>(out var s) && int.TryParse(s, out n)) list.Add(n);
        }
        return list;
    }

    public static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
