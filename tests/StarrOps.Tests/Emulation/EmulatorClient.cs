using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using StarrOps.TestKit;

namespace StarrOps.Tests.Emulation;

/// <summary>A plain HttpClient against one emulated server, the way any API client would call it.</summary>
internal sealed class EmulatorClient : IDisposable
{
    private readonly HttpClient _http;

    public EmulatorClient(EmulatedServer server, string? apiKey = null, string keyHeader = "X-Api-Key")
    {
        _http = new HttpClient { BaseAddress = new Uri(server.BaseAddress + "/"), Timeout = TimeSpan.FromSeconds(30) };
        var key = apiKey ?? server.ApiKey;
        if (key.Length > 0) _http.DefaultRequestHeaders.Add(keyHeader, key);
        _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
    }

    public Task<Reply> GetAsync(string path) => SendAsync(HttpMethod.Get, path);

    public Task<Reply> PostAsync(string path, JsonNode? body) => SendAsync(HttpMethod.Post, path, body);

    public Task<Reply> PutAsync(string path, JsonNode? body) => SendAsync(HttpMethod.Put, path, body);

    public Task<Reply> DeleteAsync(string path) => SendAsync(HttpMethod.Delete, path);

    public Task<Reply> PostRawAsync(string path, string json) => SendRawAsync(HttpMethod.Post, path, json);

    public Task<Reply> SendAsync(HttpMethod method, string path, JsonNode? body = null) =>
        SendRawAsync(method, path, body?.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));

    public async Task<Reply> SendRawAsync(HttpMethod method, string path, string? json)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new Reply(response.StatusCode, text, response.Content.Headers.ContentType?.MediaType);
    }

    public void Dispose() => _http.Dispose();
}

internal sealed record Reply(HttpStatusCode Status, string Text, string? ContentType)
{
    public JsonNode Json => JsonNode.Parse(Text) ?? throw new InvalidOperationException("The body is JSON null.");

    public JsonObject Object => (JsonObject)Json;

    public JsonArray Array => (JsonArray)Json;

    public override string ToString() => $"{(int)Status} {Text}";
}

internal static class ProviderJson
{
    /// <summary>A create body built like a careful client does: the implementation's template from GET /schema, fields set by exact name.</summary>
    public static async Task<JsonObject> FromSchemaAsync(EmulatorClient client, string apiPath, string resource, string implementation, string name,
        IReadOnlyDictionary<string, JsonNode?>? fields = null, string? templateName = null)
    {
        var schema = (await client.GetAsync($"{apiPath}/{resource}/schema")).Array;
        var template = schema.OfType<JsonObject>().First(t =>
            (string?)t["implementation"] == implementation && (templateName is null || (string?)t["name"] == templateName));
        var body = (JsonObject)template.DeepClone();
        body.Remove("presets");
        body["name"] = name;
        foreach (var (field, value) in fields ?? new Dictionary<string, JsonNode?>())
        {
            var entry = body["fields"]!.AsArray().OfType<JsonObject>().Single(f => (string?)f["name"] == field);
            entry["value"] = value?.DeepClone();
        }
        return body;
    }

    public static JsonNode? Field(JsonObject provider, string name) =>
        provider["fields"]!.AsArray().OfType<JsonObject>().Single(f => (string?)f["name"] == name)["value"];
}
