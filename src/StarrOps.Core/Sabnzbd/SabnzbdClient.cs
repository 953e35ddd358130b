using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using StarrOps.Core.Hosting;
using StarrOps.Core.Http;
using static StarrOps.Core.Http.LenientJson;
using StarrOps.Core.Instances;

namespace StarrOps.Core.Sabnzbd;

/// <summary>
/// SABnzbd's <c>/api?mode=…&amp;output=json&amp;apikey=…</c>. The key travels in the query string, so the path that
/// logs and errors show is built without it. SABnzbd reports a bad key either as 200 <c>{"status":false,"error":"API Key Incorrect"}</c>
/// or as 403 with that text (newer versions); both become a <see cref="StarrApiException"/> with 401.
/// </summary>
public sealed class SabnzbdClient : IDisposable
{
    private readonly StarrHttpClient _http;

    public SabnzbdClient(StarrInstance instance, IStarrHost? host = null)
    {
        ArgumentNullException.ThrowIfNull(instance);
        instance.EnsureKind(ServiceKind.Sabnzbd, "SABnzbd");
        _http = new StarrHttpClient(instance, host);
    }

    public StarrInstance Instance => _http.Instance;

    /// <summary>The version ("4.3.2"); SABnzbd answers this one without a key.</summary>
    public async Task<string> GetVersionAsync(CancellationToken cancellationToken)
    {
        var node = await CallAsync("version", requireKey: false, cancellationToken).ConfigureAwait(false);
        return Text(node?["version"]);
    }

    public async Task<SabnzbdQueue> GetQueueAsync(CancellationToken cancellationToken)
    {
        var node = await CallAsync("queue", requireKey: true, cancellationToken).ConfigureAwait(false);
        var queue = node?["queue"] as JsonObject ?? throw Unexpected("queue", "a 'queue' object");
        return new SabnzbdQueue
        {
            Instance = Instance.Name,
            Status = Text(queue["status"]),
            Paused = Bool(queue["paused"]),
            KilobytesPerSecond = double.TryParse(Text(queue["kbpersec"]), NumberStyles.Float, CultureInfo.InvariantCulture, out var speed) ? speed : 0,
            SpeedLimit = Text(queue["speedlimit"]),
            TimeLeft = Text(queue["timeleft"]),
            SizeLeft = Text(queue["sizeleft"]),
            TotalSlots = Int(queue["noofslots_total"] ?? queue["noofslots"]),
            Items = queue["slots"] is JsonArray slots
                ? slots.OfType<JsonObject>().Select(slot => new SabnzbdQueueItem
                {
                    Id = Text(slot["nzo_id"]),
                    Name = Text(slot["filename"]),
                    Category = Text(slot["cat"]),
                    Status = Text(slot["status"]),
                    Percentage = Text(slot["percentage"]),
                    TimeLeft = Text(slot["timeleft"]),
                    SizeMegabytes = Text(slot["mb"]),
                    LeftMegabytes = Text(slot["mbleft"]),
                }).ToList()
                : [],
        };
    }

    public async Task<SabnzbdConfig> GetConfigAsync(CancellationToken cancellationToken)
    {
        var node = await CallAsync("get_config", requireKey: true, cancellationToken).ConfigureAwait(false);
        var config = node?["config"] as JsonObject ?? throw Unexpected("get_config", "a 'config' object");
        var misc = config["misc"] as JsonObject ?? new JsonObject();
        return new SabnzbdConfig
        {
            Instance = Instance.Name,
            CompleteDir = Text(misc["complete_dir"]),
            DownloadDir = Text(misc["download_dir"]),
            Host = Text(misc["host"]),
            Port = Text(misc["port"]),
            UrlBase = Text(misc["url_base"]),
            Categories = (config["categories"] as JsonArray ?? []).OfType<JsonObject>().Select(c => new SabnzbdCategory
            {
                Name = Text(c["name"]),
                Dir = Text(c["dir"]),
                PostProcessing = Text(c["pp"]),
                Script = Text(c["script"]),
                Priority = Int(c["priority"]),
            }).ToList(),
            Servers = (config["servers"] as JsonArray ?? []).OfType<JsonObject>().Select(s => new SabnzbdServer
            {
                Name = Text(s["name"]),
                DisplayName = Text(s["displayname"]),
                Host = Text(s["host"]),
                Port = Int(s["port"]),
                Ssl = Bool(s["ssl"]),
                Enabled = Bool(s["enable"]),
                Connections = Int(s["connections"]),
            }).ToList(),
            // get_config returns api_key and nzb_key in clear.
            Raw = StarrHttpClient.MaskSecrets(config) as JsonObject ?? new JsonObject(),
        };
    }

    /// <summary>Category names, "*" (the default category) included.</summary>
    public async Task<IReadOnlyList<string>> GetCategoriesAsync(CancellationToken cancellationToken)
    {
        var node = await CallAsync("get_cats", requireKey: true, cancellationToken).ConfigureAwait(false);
        return node?["categories"] is JsonArray names ? names.Select(Text).Where(n => n.Length > 0).ToList() : [];
    }

    public void Dispose() => _http.Dispose();

    private async Task<JsonNode?> CallAsync(string mode, bool requireKey, CancellationToken cancellationToken)
    {
        // What logs and exceptions show: never the key.
        var label = $"api?mode={mode}";
        var key = Instance.ApiKey is { IsEmpty: false } secret ? secret.Reveal() : null;
        if (requireKey && key is null)
            throw new StarrConfigurationException($"{Instance.Name} (SABnzbd) has no API key: set {Instance.Kind.EnvironmentPrefix()}_API_KEY (Config > General > Security > API Key in SABnzbd).");
        var query = $"api?mode={Uri.EscapeDataString(mode)}&output=json" + (key is null ? "" : "&apikey=" + Uri.EscapeDataString(key));

        string text;
        try
        {
            using var response = await _http.SendAsync(() => new HttpRequestMessage(HttpMethod.Get, Instance.Resolve(query)), label, cancellationToken).ConfigureAwait(false);
            text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (StarrApiException ex) when (ex.StatusCode == HttpStatusCode.Forbidden && IsKeyError(ex.ApiMessage))
        {
            throw KeyRejected(label, ex.ApiMessage!);
        }

        JsonNode? node;
        try
        {
            node = string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            // Old versions answer some errors as plain "error: …" text even with output=json.
            var message = text.Trim();
            if (message.StartsWith("error:", StringComparison.OrdinalIgnoreCase)) message = message[6..].Trim();
            if (IsKeyError(message)) throw KeyRejected(label, message);
            throw new StarrApiException(Instance.Name, "GET", label, HttpStatusCode.OK,
                $"the answer was not JSON (is {Instance.Url} really SABnzbd?)", [], StarrHttpClient.Truncate(SecretRegistry.Redact(text)));
        }

        // Errors come back as 200 {"status": false, "error": "..."}.
        if (node is JsonObject obj && obj["status"] is JsonValue status && status.GetValueKind() == JsonValueKind.False)
        {
            var error = SecretRegistry.Redact(Text(obj["error"]));
            if (IsKeyError(error)) throw KeyRejected(label, error);
            throw new StarrApiException(Instance.Name, "GET", label, HttpStatusCode.BadRequest, error.Length > 0 ? error : "SABnzbd reported a failure", [], null);
        }
        return node;
    }

    private static bool IsKeyError(string? message) =>
        message is not null && (message.Contains("API Key", StringComparison.OrdinalIgnoreCase) || message.Contains("apikey", StringComparison.OrdinalIgnoreCase));

    private StarrApiException KeyRejected(string label, string message) =>
        new(Instance.Name, "GET", label, HttpStatusCode.Unauthorized, message, [], null)
        {
            RecommendedAction = $"Use the API key (not the NZB key) from SABnzbd's Config > General > Security, in {Instance.Kind.EnvironmentPrefix()}_API_KEY.",
        };

    private StarrApiException Unexpected(string mode, string expected) =>
        new(Instance.Name, "GET", $"api?mode={mode}", HttpStatusCode.OK, $"the answer has no {expected} (is {Instance.Url} really SABnzbd?)", [], null);
}
