using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace StarrOps.Tests.Clients.Fakes;

/// <summary>
/// A fake Bazarr 1.5.2, from the recordings in reference/recorded/real/bazarr/1.5.2: X-API-KEY (401 JSON otherwise),
/// <c>/api/system/status</c>, <c>/api/system/settings</c> (GET the document; POST a form of settings-section-key fields:
/// 204, or 406 with a JSON string on a bad type, nothing saved; unknown keys stored), the UI's <c>/test/…</c> proxy, and the
/// hang: enabling Sonarr/Radarr while it is unreachable never answers (the setting is saved first).
/// </summary>
internal sealed class BazarrFake : IAsyncDisposable
{
    public const string ApiKey = "a0000000000000000000000000000001";
    private readonly object _gate = new();
    private readonly JsonObject _settings = JsonNode.Parse(InitialSettings)!.AsObject();

    private BazarrFake(LoopbackServer server) => Server = server;

    public LoopbackServer Server { get; }
    /// <summary>Ports on which "Sonarr/Radarr" answer Bazarr; any other port is unreachable.</summary>
    public HashSet<int> ReachablePorts { get; } = [8989, 7878];
    /// <summary>False imitates a Bazarr without the /test proxy (404).</summary>
    public bool TestRouteAvailable { get; set; } = true;

    public JsonObject Settings
    {
        get
        {
            lock (_gate) return _settings.DeepClone().AsObject();
        }
    }

    public IReadOnlyList<RecordedRequest> SettingsPosts => Server.RequestsTo("POST", "/api/system/settings").ToList();

    public static async Task<BazarrFake> StartAsync()
    {
        BazarrFake? fake = null;
        var server = await LoopbackServer.StartAsync((context, request) => fake!.HandleAsync(context, request));
        fake = new BazarrFake(server);
        return fake;
    }

    public void Set(string section, string key, JsonNode? value)
    {
        lock (_gate) _settings[section]![key] = value;
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();

    private async Task HandleAsync(HttpContext context, RecordedRequest request)
    {
        if (request.Path.StartsWith("/test/", StringComparison.Ordinal))
        {
            if (!TestRouteAvailable)
            {
                await LoopbackServer.Text(context, 404, "<!doctype html><title>404 Not Found</title>");
                return;
            }
            await TestAsync(context, request);
            return;
        }
        if (request.Header("X-API-KEY") != ApiKey)
        {
            await LoopbackServer.Json(context, 401,
                """{"message": "The server could not verify that you are authorized to access the URL requested. You either supplied the wrong credentials (e.g. a bad password), or your browser doesn't understand how to supply the credentials required."}""");
            return;
        }
        switch (request.Method, request.Path)
        {
            case ("GET", "/api/system/status"):
                await LoopbackServer.Json(context, 200, Status());
                return;
            case ("GET", "/api/system/settings"):
                await LoopbackServer.Json(context, 200, Settings);
                return;
            case ("POST", "/api/system/settings"):
                await SaveAsync(context, request);
                return;
            default:
                await LoopbackServer.Json(context, 404, """{"message": "The requested URL was not found on the server."}""");
                return;
        }
    }

    private JsonObject Status()
    {
        lock (_gate)
        {
            string Version(string app) =>
                _settings["general"]!["use_" + app]!.GetValue<bool>() ? (Reachable(_settings[app]!["port"]) ? "4.0.19.0" : "unknown") : "";
            return new JsonObject
            {
                ["data"] = new JsonObject
                {
                    ["bazarr_version"] = "1.5.2",
                    ["package_version"] = "",
                    ["sonarr_version"] = Version("sonarr"),
                    ["radarr_version"] = Version("radarr"),
                    ["operating_system"] = "Linux-6.18.44-x86_64-with-glibc2.36",
                    ["python_version"] = "3.11.2",
                    ["database_engine"] = "Sqlite 3.40.1",
                    ["bazarr_directory"] = "/app",
                    ["bazarr_config_directory"] = "/config",
                    ["start_time"] = 1795317625.9338238,
                    ["timezone"] = "Etc/UTC",
                },
            };
        }
    }

    private async Task SaveAsync(HttpContext context, RecordedRequest request)
    {
        var updates = new List<(string Section, string Key, JsonNode? Value)>();
        foreach (var (name, text) in request.Form)
        {
            var parts = name.Split('-', 3);
            if (parts.Length != 3 || parts[0] != "settings") continue;
            var (section, key) = (parts[1], parts[2]);
            JsonNode? value = text switch
            {
                "true" => true,
                "false" => false,
                _ when int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) => number,
                _ => text,
            };
            var current = Settings[section]?[key];
            var wantsBool = current?.GetValueKind() is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False;
            var wantsInt = current?.GetValueKind() == System.Text.Json.JsonValueKind.Number;
            var wantsString = current?.GetValueKind() == System.Text.Json.JsonValueKind.String;
            string? problem = null;
            if (wantsBool && value?.GetValueKind() is not (System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False))
                problem = $"{section}.{key} must is_type_of <class 'bool'> but it is {text}";
            else if (wantsInt && value?.GetValueKind() != System.Text.Json.JsonValueKind.Number)
                problem = $"{section}.{key} must is_type_of <class 'int'> but it is {text}";
            else if (wantsInt && key == "port" && value!.GetValue<int>() > 65535)
                problem = $"{section}.{key} must lte 65535 but it is {text}";
            else if (wantsString && value?.GetValueKind() != System.Text.Json.JsonValueKind.String)
                problem = $"{section}.{key} must is_type_of <class 'str'> but it is {text}";
            if (problem is not null)
            {
                await LoopbackServer.Json(context, 406, JsonValue.Create(problem));
                return;
            }
            updates.Add((section, key, value));
        }

        string? enabling = null;
        lock (_gate)
        {
            foreach (var (section, key, value) in updates)
            {
                if (_settings[section] is not JsonObject target) _settings[section] = target = new JsonObject();
                var wasOn = target[key]?.GetValueKind() == System.Text.Json.JsonValueKind.True;
                target[key] = value?.DeepClone();
                if (section == "general" && key is ("use_sonarr" or "use_radarr") && !wasOn && value?.GetValueKind() == System.Text.Json.JsonValueKind.True)
                {
                    var app = key["use_".Length..];
                    // Bazarr 1.5.2 reads "/" back as "" once the app is enabled.
                    if (_settings[app]!["base_url"]?.GetValue<string>() == "/") _settings[app]!["base_url"] = "";
                    if (!Reachable(_settings[app]!["port"])) enabling = app;
                }
            }
        }
        if (enabling is not null)
        {
            // Bazarr retries the app inside the request thread and never answers.
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
            return;
        }
        await LoopbackServer.Empty(context, 204);
    }

    private Task TestAsync(HttpContext context, RecordedRequest request)
    {
        // /test/http/127.0.0.1:8989/api/v3/system/status?apikey=…
        var address = request.Path["/test/".Length..];
        var hostAndPort = address.Split('/', 3)[1];
        var port = int.Parse(hostAndPort[(hostAndPort.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture);
        var reachable = ReachablePorts.Contains(port);
        if (reachable) return LoopbackServer.Json(context, 200, """{"status": true, "version": "4.0.19.0", "code": 200}""");
        var apikey = request.QueryValue("apikey");
        return LoopbackServer.Json(context, 200, new JsonObject
        {
            ["status"] = false,
            ["error"] = $"ConnectionError(MaxRetryError(\"HTTPConnectionPool(host='x', port={port}): Max retries exceeded with url: /api/v3/system/status?apikey={apikey} (Caused by NewConnectionError('Failed to establish a new connection: [Errno 111] Connection refused'))\"))",
        });
    }

    private bool Reachable(JsonNode? port) => port is not null && ReachablePorts.Contains(port.GetValue<int>());

    private const string InitialSettings = $$"""
        {
          "auth": {"apikey": "{{ApiKey}}", "password": "", "type": null, "username": ""},
          "general": {"base_url": "", "ip": "0.0.0.0", "port": 6767, "use_radarr": false, "use_sonarr": false,
                      "minimum_score": 90, "enabled_providers": []},
          "opensubtitlescom": {"password": "os-password-123", "username": "someone", "use_hash": true},
          "radarr": {"apikey": "", "base_url": "/", "defer_search_signalr": false, "excluded_tags": [], "full_update": "Daily",
                     "full_update_day": 6, "full_update_hour": 4, "http_timeout": 60, "ip": "127.0.0.1", "movies_sync": 60,
                     "only_monitored": false, "port": 7878, "ssl": false, "sync_only_monitored_movies": false, "use_ffprobe_cache": true},
          "sonarr": {"apikey": "", "base_url": "/", "defer_search_signalr": false, "exclude_season_zero": false,
                     "excluded_series_types": [], "excluded_tags": [], "full_update": "Daily", "full_update_day": 6,
                     "full_update_hour": 4, "http_timeout": 60, "ip": "127.0.0.1", "only_monitored": false, "port": 8989,
                     "series_sync": 60, "ssl": false, "sync_only_monitored_episodes": false, "sync_only_monitored_series": false,
                     "use_ffprobe_cache": true}
        }
        """;
}
