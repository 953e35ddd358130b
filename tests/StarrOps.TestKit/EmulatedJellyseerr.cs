using System.Net;
using System.Text.Json.Nodes;
using System.Text.Json;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace StarrOps.TestKit;

/// <summary>Settings for an emulated Jellyseerr.</summary>
public sealed class EmulatedJellyseerrOptions
{
    public string? Name { get; set; }

    public string? ApiKey { get; set; }

    public EmulatedNetwork? Network { get; set; }
}

/// <summary>
/// Jellyseerr/Seerr 3.1.0 at /api/v1 (recorded in reference/recorded/real/seerr/3.1.0). Until setup
/// (POST /auth/jellyfin with a Jellyfin admin login, checked against the Jellyfin it names, e.g. an
/// <see cref="EmulatedJellyfin"/>) there is no user 1, so X-Api-Key gets 403 on every /settings/* call.
/// Order per request: JSON parse (400 {message}) → no key and no session cookie (401 "cookie 'connect.sid'
/// required") → OpenAPI body validation (400 {message, errors:[{path,message,errorCode}]}) → key (403).
/// /settings/sonarr|radarr: POST appends (id = last id + 1, from 0), PUT/DELETE by id, POST /test calls the
/// app for real through the <see cref="EmulatedNetwork"/> (any failure → 500 "Failed to connect to Sonarr").
/// </summary>
public sealed class EmulatedJellyseerr : EmulatedServer
{
    private const string Version = "3.1.0";
    private const int NotConfigured = 4;

    private static readonly ObjectSchema SonarrSchema = new(
        ["name", "hostname", "port", "apiKey", "useSsl", "activeProfileId", "activeProfileName", "activeDirectory", "is4k", "enableSeasonFolders", "isDefault"],
        [("id", "number", false), ("name", "string", false), ("hostname", "string", false), ("port", "number", false), ("apiKey", "string", false),
         ("useSsl", "boolean", false), ("baseUrl", "string", false), ("activeProfileId", "number", false), ("activeProfileName", "string", false),
         ("activeDirectory", "string", false), ("activeLanguageProfileId", "number", false), ("activeAnimeProfileId", "number", true),
         ("activeAnimeLanguageProfileId", "number", true), ("activeAnimeProfileName", "string", true), ("activeAnimeDirectory", "string", true),
         ("is4k", "boolean", false), ("enableSeasonFolders", "boolean", false), ("isDefault", "boolean", false), ("externalUrl", "string", false),
         ("syncEnabled", "boolean", false), ("preventSearch", "boolean", false)]);

    private static readonly ObjectSchema RadarrSchema = new(
        ["name", "hostname", "port", "apiKey", "useSsl", "activeProfileId", "activeProfileName", "activeDirectory", "is4k", "minimumAvailability", "isDefault"],
        [("id", "number", false), ("name", "string", false), ("hostname", "string", false), ("port", "number", false), ("apiKey", "string", false),
         ("useSsl", "boolean", false), ("baseUrl", "string", false), ("activeProfileId", "number", false), ("activeProfileName", "string", false),
         ("activeDirectory", "string", false), ("is4k", "boolean", false), ("minimumAvailability", "string", false), ("isDefault", "boolean", false),
         ("externalUrl", "string", false), ("syncEnabled", "boolean", false), ("preventSearch", "boolean", false)]);

    private static readonly ObjectSchema TestSchema = new(
        ["hostname", "port", "apiKey", "useSsl"],
        [("hostname", "string", false), ("port", "number", false), ("apiKey", "string", false), ("useSsl", "boolean", false), ("baseUrl", "string", false)]);

    private static readonly ObjectSchema JellyfinSchema = new(
        [],
        [("name", "string", false), ("hostname", "string", false), ("externalHostname", "string", false), ("jellyfinForgotPasswordUrl", "string", false),
         ("adminUser", "string", false), ("adminPass", "string", false), ("libraries", "array", false), ("serverID", "string", false)]);

    private static readonly ObjectSchema MainSchema = new(
        [],
        [("apiKey", "string", false), ("appLanguage", "string", false), ("applicationTitle", "string", false), ("applicationUrl", "string", false),
         ("hideAvailable", "boolean", false), ("partialRequestsEnabled", "boolean", false), ("localLogin", "boolean", false), ("mediaServerType", "number", false),
         ("newPlexLogin", "boolean", false), ("defaultPermissions", "number", false), ("enableSpecialEpisodes", "boolean", false)]);

    private static readonly ObjectSchema AuthSchema = new(
        ["username", "password"],
        [("username", "string", false), ("password", "string", false), ("hostname", "string", false), ("email", "string", false), ("serverType", "number", false)]);

    private readonly object _gate = new();
    private readonly JsonObject _main;
    private readonly List<JsonObject> _sonarr = [];
    private readonly List<JsonObject> _radarr = [];
    private JsonObject _jellyfin = new()
    {
        ["name"] = "", ["ip"] = "", ["port"] = 8096, ["useSsl"] = false, ["urlBase"] = "", ["externalHostname"] = "",
        ["jellyfinForgotPasswordUrl"] = "", ["libraries"] = new JsonArray(), ["serverId"] = "", ["apiKey"] = "",
    };
    private JsonObject? _admin;
    private bool _initialized;

    public EmulatedJellyseerr(EmulatedJellyseerrOptions? options = null)
        : base(options?.Name ?? "jellyseerr", options?.ApiKey, null, options?.Network)
    {
        _main = Fixtures.Object("seerr/settings_main.json");
        _main["apiKey"] = ApiKey;
        _main["mediaServerType"] = NotConfigured;
    }

    public override string AppName => "Jellyseerr";

    /// <summary>True once POST /auth/jellyfin created the admin user (the API key works from then on).</summary>
    public bool IsSetUp
    {
        get { lock (_gate) return _admin is not null; }
    }

    /// <summary>settings/public "initialized" (POST /settings/initialize).</summary>
    public bool IsInitialized
    {
        get { lock (_gate) return _initialized; }
    }

    public IReadOnlyList<JsonObject> SonarrSettings
    {
        get { lock (_gate) return _sonarr.Select(s => (JsonObject)s.DeepClone()).ToArray(); }
    }

    public IReadOnlyList<JsonObject> RadarrSettings
    {
        get { lock (_gate) return _radarr.Select(s => (JsonObject)s.DeepClone()).ToArray(); }
    }

    public JsonObject JellyfinSettings
    {
        get { lock (_gate) return (JsonObject)_jellyfin.DeepClone(); }
    }

    public JsonObject MainSettings
    {
        get { lock (_gate) return (JsonObject)_main.DeepClone(); }
    }

    /// <summary>Skips the Jellyfin login: marks the server set up against this Jellyfin address (for tests that don't need setup).</summary>
    public void CompleteSetup(string jellyfinHost = "jellyfin", int jellyfinPort = 8096, string jellyfinApiKey = "")
    {
        lock (_gate)
        {
            _admin = AdminUser("admin", JsonHttp.RandomHex(16));
            _main["mediaServerType"] = 2;
            _jellyfin["name"] = "jellyfin";
            _jellyfin["ip"] = jellyfinHost;
            _jellyfin["port"] = jellyfinPort;
            _jellyfin["apiKey"] = jellyfinApiKey;
        }
    }

    protected override void MapRoutes(IEndpointRouteBuilder endpoints)
    {
        const string api = "/api/v1";
        // Recorded: 00_presetup_status*.json — anonymous.
        Map(endpoints, "GET", $"{api}/status", context => context.WriteJsonAsync(200, Fixtures.Object("seerr/status.json")));
        Map(endpoints, "GET", $"{api}/settings/public", context => context.WriteJsonAsync(200, PublicSettings()));
        Map(endpoints, "POST", $"{api}/auth/jellyfin", context => Guarded(context, AuthSchema, anonymous: true, AuthJellyfinAsync));
        Map(endpoints, "GET", $"{api}/auth/me", context => Guarded(context, null, false, (c, _) => c.WriteJsonAsync(200, AdminSnapshot())));
        Map(endpoints, "GET", $"{api}/settings/main", context => Guarded(context, null, false, (c, _) => c.WriteJsonAsync(200, MainSettings)));
        Map(endpoints, "POST", $"{api}/settings/main", context => Guarded(context, MainSchema, false, UpdateMainAsync));
        Map(endpoints, "POST", $"{api}/settings/initialize", context => Guarded(context, null, false, (c, _) =>
        {
            lock (_gate) _initialized = true;
            return c.WriteJsonAsync(200, new JsonObject { ["initialized"] = true });
        }));
        Map(endpoints, "GET", $"{api}/settings/jellyfin", context => Guarded(context, null, false, (c, _) => c.WriteJsonAsync(200, JellyfinSettings)));
        Map(endpoints, "POST", $"{api}/settings/jellyfin", context => Guarded(context, JellyfinSchema, false, UpdateJellyfinAsync));
        Map(endpoints, "GET", $"{api}/settings/jellyfin/library", context => Guarded(context, null, false, LibrariesAsync));
        MapServarr(endpoints, $"{api}/settings/sonarr", "Sonarr", _sonarr, SonarrSchema);
        MapServarr(endpoints, $"{api}/settings/radarr", "Radarr", _radarr, RadarrSchema);
    }

    private void MapServarr(IEndpointRouteBuilder endpoints, string path, string app, List<JsonObject> list, ObjectSchema schema)
    {
        Map(endpoints, "GET", path, context => Guarded(context, null, false, (c, _) =>
        {
            JsonArray items;
            lock (_gate) items = new JsonArray(list.Select(s => (JsonNode?)s.DeepClone()).ToArray());
            return c.WriteJsonAsync(200, items);
        }));
        Map(endpoints, "POST", path, context => Guarded(context, schema, false, (c, body) =>
        {
            var entry = (JsonObject)body!.DeepClone();
            entry.Remove("id");
            lock (_gate)
            {
                ClearDefaults(list, entry);
                entry["id"] = list.Count == 0 ? 0 : (list[^1].GetInt("id") ?? 0) + 1;
                list.Add(entry);
                entry = (JsonObject)entry.DeepClone();
            }
            return c.WriteJsonAsync(201, entry);
        }));
        Map(endpoints, "PUT", $"{path}/{{id:int}}", context => Guarded(context, schema, false, (c, body) =>
        {
            var id = c.RouteInt("id");
            var entry = (JsonObject)body!.DeepClone();
            lock (_gate)
            {
                var index = list.FindIndex(s => s.GetInt("id") == id);
                if (index < 0) return NotFoundAsync(c);
                ClearDefaults(list, entry);
                entry["id"] = id;
                list[index] = entry;
                entry = (JsonObject)entry.DeepClone();
            }
            return c.WriteJsonAsync(200, entry);
        }));
        Map(endpoints, "DELETE", $"{path}/{{id:int}}", context => Guarded(context, null, false, (c, _) =>
        {
            var id = c.RouteInt("id");
            JsonObject? removed;
            lock (_gate)
            {
                var index = list.FindIndex(s => s.GetInt("id") == id);
                removed = index < 0 ? null : list[index];
                if (index >= 0) list.RemoveAt(index);
            }
            return removed is null ? NotFoundAsync(c) : c.WriteJsonAsync(200, removed);
        }));
        Map(endpoints, "POST", $"{path}/test", context => Guarded(context, TestSchema, false, (c, body) => TestServarrAsync(c, body!, app)));
    }

    /// <summary>Parse → 401 without key/cookie → OpenAPI validation → 403 unless the key is right and setup is done.</summary>
    private async Task Guarded(HttpContext context, ObjectSchema? schema, bool anonymous, Func<HttpContext, JsonObject?, Task> handler)
    {
        JsonObject? body = null;
        JsonNode? parsed = null;
        var text = HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsDelete(context.Request.Method)
            ? ""
            : await context.ReadBodyTextAsync().ConfigureAwait(false);
        if (text.Length > 0)
        {
            try
            {
                parsed = JsonNode.Parse(text);
                body = parsed as JsonObject;
            }
            catch (JsonException ex)
            {
                // Recorded: 09_malformed_json_post_sonarr.json.
                var message = ex.Message.Contains("end of data", StringComparison.OrdinalIgnoreCase) || ex.Message.Contains("expected end", StringComparison.OrdinalIgnoreCase)
                    ? "Unexpected end of JSON input"
                    : $"Unexpected token in JSON at position {ex.BytePositionInLine ?? 0}";
                await context.WriteJsonAsync(400, new JsonObject { ["message"] = message }).ConfigureAwait(false);
                return;
            }
        }
        var key = context.Request.Headers["X-Api-Key"].ToString();
        if (!anonymous && key.Length == 0 && !context.Request.Cookies.ContainsKey("connect.sid"))
        {
            // Recorded: 00_presetup_settings_main_nokey.json.
            const string message = "cookie 'connect.sid' required";
            await context.WriteJsonAsync(401, new JsonObject
            {
                ["message"] = message,
                ["errors"] = new JsonArray(new JsonObject { ["path"] = (context.Request.PathBase + context.Request.Path).Value, ["message"] = message }),
            }).ConfigureAwait(false);
            return;
        }
        if (schema is not null && schema.Validate(parsed) is { } invalid)
        {
            await context.WriteJsonAsync(400, invalid).ConfigureAwait(false);
            return;
        }
        if (!anonymous)
        {
            bool allowed;
            lock (_gate) allowed = _admin is not null && string.Equals(key, ApiKey, StringComparison.Ordinal);
            if (!allowed)
            {
                // Recorded: 00_presetup_settings_*.json and 09_wrongkey_settings_sonarr.json.
                await context.WriteJsonAsync(403, new JsonObject { ["status"] = 403, ["error"] = "You do not have permission to access this endpoint" }).ConfigureAwait(false);
                return;
            }
        }
        await handler(context, body).ConfigureAwait(false);
    }

    private static void ClearDefaults(List<JsonObject> list, JsonObject entry)
    {
        // A new default clears the flag on the others of the same kind (4K or not): recorded in 04_sonarr_list_after_duplicate.json.
        if (entry.GetBool("isDefault") != true) return;
        foreach (var other in list.Where(s => s.GetBool("is4k") == entry.GetBool("is4k"))) other["isDefault"] = false;
    }

    private static Task NotFoundAsync(HttpContext context) =>
        // Recorded: 05_sonarr_put_missing_id.json.
        context.WriteJsonAsync(404, new JsonObject { ["status"] = "404", ["message"] = "Settings instance not found" });

    private JsonObject PublicSettings()
    {
        var settings = Fixtures.Object("seerr/settings_public.json");
        lock (_gate)
        {
            settings["initialized"] = _initialized;
            settings["mediaServerType"] = _main["mediaServerType"]?.DeepClone();
            settings["jellyfinExternalHost"] = _jellyfin.GetString("externalHostname") ?? "";
            settings["movie4kEnabled"] = _radarr.Any(r => r.GetBool("is4k") == true);
            settings["series4kEnabled"] = _sonarr.Any(s => s.GetBool("is4k") == true);
            settings["applicationTitle"] = _main.GetString("applicationTitle") ?? "Seerr";
        }
        return settings;
    }

    private JsonObject? AdminSnapshot()
    {
        lock (_gate) return (JsonObject?)_admin?.DeepClone();
    }

    private static JsonObject AdminUser(string userName, string jellyfinUserId)
    {
        // Shape: recorded 01_setup_auth_jellyfin.json.
        var now = DateTimeOffset.UtcNow.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var user = Fixtures.Object("seerr/auth_jellyfin_user.json");
        user["jellyfinUsername"] = userName;
        user["jellyfinUserId"] = jellyfinUserId;
        user["avatar"] = $"/avatarproxy/{jellyfinUserId}?v=undefined";
        user["createdAt"] = now;
        user["updatedAt"] = now;
        return user;
    }

    private async Task UpdateMainAsync(HttpContext context, JsonObject? body)
    {
        JsonObject main;
        lock (_gate)
        {
            foreach (var (key, value) in body ?? [])
                if (key != "apiKey") _main[key] = value?.DeepClone();
            main = (JsonObject)_main.DeepClone();
        }
        await context.WriteJsonAsync(200, main).ConfigureAwait(false);
    }

    /// <summary>
    /// POST /auth/jellyfin (seerr server/routes/auth.ts): log in to Jellyfin; the first admin login sets the
    /// server up (admin user 1, mediaServerType, an API key created on Jellyfin for app "Seerr").
    /// </summary>
    private async Task AuthJellyfinAsync(HttpContext context, JsonObject? body)
    {
        var ct = context.RequestAborted;
        var request = body!;
        var hostname = request.GetString("hostname");
        JsonObject jellyfin;
        lock (_gate) jellyfin = (JsonObject)_jellyfin.DeepClone();
        var configured = (jellyfin.GetString("ip") ?? "").Length > 0;
        if (configured && !string.IsNullOrEmpty(hostname))
        {
            await context.WriteJsonAsync(500, new JsonObject { ["error"] = "Jellyfin hostname already configured" }).ConfigureAwait(false);
            return;
        }
        if (!configured && string.IsNullOrEmpty(hostname))
        {
            await context.WriteJsonAsync(500, new JsonObject { ["error"] = "No hostname provided." }).ConfigureAwait(false);
            return;
        }
        var target = configured
            ? jellyfin
            : new JsonObject { ["ip"] = hostname, ["port"] = request.GetInt("port") ?? 8096, ["useSsl"] = request.GetBool("useSsl") ?? false, ["urlBase"] = request.GetString("urlBase") ?? "" };
        var baseUrl = JellyfinUrl(target);
        var userName = request.GetString("username")!;
        var deviceId = Convert.ToBase64String(Encoding.UTF8.GetBytes($"BOT_seerr_{userName}"));
        JsonObject account;
        try
        {
            account = await OutgoingHttp.SendAsync(Network, HttpMethod.Post, $"{baseUrl}/Users/AuthenticateByName", JellyfinHeaders(deviceId, null),
                new JsonObject { ["Username"] = userName, ["Pw"] = request.GetString("password") }, ct).ConfigureAwait(false) as JsonObject
                ?? throw new JsonException("Empty login answer.");
        }
        catch (OutgoingHttpException ex) when (ex.Status == HttpStatusCode.Unauthorized)
        {
            // Recorded: 01_setup_auth_jellyfin_badcreds.json.
            await context.WriteJsonAsync(401, new JsonObject { ["message"] = "INVALID_CREDENTIALS" }).ConfigureAwait(false);
            return;
        }
        catch (Exception ex) when (ex is HttpRequestException or OutgoingHttpException or TaskCanceledException or JsonException)
        {
            // Recorded: 01_setup_auth_jellyfin_unreachable.json.
            await context.WriteJsonAsync(404, new JsonObject { ["message"] = "INVALID_URL" }).ConfigureAwait(false);
            return;
        }
        var jellyfinUser = account["User"] as JsonObject ?? [];
        var jellyfinUserId = jellyfinUser.GetString("Id") ?? "";
        bool needsSetup;
        lock (_gate) needsSetup = _admin is null || (int?)_main.GetInt("mediaServerType") == NotConfigured;
        if (!needsSetup)
        {
            JsonObject? user;
            lock (_gate) user = _admin!.GetString("jellyfinUserId") == jellyfinUserId ? (JsonObject)_admin!.DeepClone() : null;
            if (user is null) await context.WriteJsonAsync(403, new JsonObject { ["message"] = "Access denied." }).ConfigureAwait(false);
            else await context.WriteJsonAsync(200, user).ConfigureAwait(false);
            return;
        }
        if ((jellyfinUser["Policy"] as JsonObject)?.GetBool("IsAdministrator") == false)
        {
            await context.WriteJsonAsync(403, new JsonObject { ["message"] = "NOT_ADMIN" }).ConfigureAwait(false);
            return;
        }
        var serverType = request.GetInt("serverType");
        if (serverType is not (2 or 3))
        {
            await context.WriteJsonAsync(500, new JsonObject { ["message"] = "NO_ADMIN_USER" }).ConfigureAwait(false);
            return;
        }
        string apiKey, serverName;
        try
        {
            var token = account.GetString("AccessToken");
            await OutgoingHttp.SendAsync(Network, HttpMethod.Post, $"{baseUrl}/Auth/Keys?App=Seerr", JellyfinHeaders(deviceId, token), null, ct).ConfigureAwait(false);
            var keys = await OutgoingHttp.SendAsync(Network, HttpMethod.Get, $"{baseUrl}/Auth/Keys", JellyfinHeaders(deviceId, token), null, ct).ConfigureAwait(false);
            apiKey = (keys?["Items"] as JsonArray ?? []).OfType<JsonObject>().LastOrDefault(k => k.GetString("AppName") == "Seerr")?.GetString("AccessToken") ?? "";
            var info = await OutgoingHttp.SendAsync(Network, HttpMethod.Get, $"{baseUrl}/System/Info/Public", JellyfinHeaders(deviceId, null), null, ct).ConfigureAwait(false) as JsonObject;
            serverName = info?.GetString("ServerName") ?? "";
        }
        catch (Exception ex) when (ex is HttpRequestException or OutgoingHttpException or TaskCanceledException or JsonException)
        {
            await context.WriteJsonAsync(500, new JsonObject { ["message"] = "Something went wrong." }).ConfigureAwait(false);
            return;
        }
        JsonObject admin;
        lock (_gate)
        {
            _admin = AdminUser(jellyfinUser.GetString("Name") ?? userName, jellyfinUserId);
            _main["mediaServerType"] = serverType;
            _jellyfin["name"] = serverName;
            _jellyfin["serverId"] = jellyfinUser.GetString("ServerId") ?? account.GetString("ServerId") ?? "";
            _jellyfin["ip"] = hostname;
            _jellyfin["port"] = request.GetInt("port") ?? 8096;
            _jellyfin["urlBase"] = request.GetString("urlBase") ?? "";
            _jellyfin["useSsl"] = request.GetBool("useSsl") ?? false;
            _jellyfin["apiKey"] = apiKey;
            admin = (JsonObject)_admin.DeepClone();
        }
        await context.WriteJsonAsync(200, admin).ConfigureAwait(false);
    }

    /// <summary>POST /settings/jellyfin: merge, then check the server answers /System/Info with the key (else 500 INVALID_URL, recorded 08_jellyfin_post_unreachable.json).</summary>
    private async Task UpdateJellyfinAsync(HttpContext context, JsonObject? body)
    {
        JsonObject merged;
        lock (_gate) merged = (JsonObject)_jellyfin.DeepClone();
        foreach (var (key, value) in body ?? []) merged[key] = value?.DeepClone();
        JsonObject? info;
        try
        {
            info = await OutgoingHttp.SendAsync(Network, HttpMethod.Get, $"{JellyfinUrl(merged)}/System/Info",
                JellyfinHeaders("BOT_seerr", merged.GetString("apiKey")), null, context.RequestAborted).ConfigureAwait(false) as JsonObject;
        }
        catch (Exception ex) when (ex is HttpRequestException or OutgoingHttpException or TaskCanceledException or JsonException)
        {
            info = null;
        }
        if (info?.GetString("Id") is not { Length: > 0 } serverId)
        {
            await context.WriteJsonAsync(500, new JsonObject { ["message"] = "INVALID_URL" }).ConfigureAwait(false);
            return;
        }
        merged["serverId"] = serverId;
        merged["name"] = info.GetString("ServerName") ?? merged.GetString("name");
        lock (_gate) _jellyfin = merged;
        await context.WriteJsonAsync(200, JellyfinSettings).ConfigureAwait(false);
    }

    /// <summary>GET /settings/jellyfin/library?sync=true reads Jellyfin's media folders; ?enable=id,id marks libraries enabled (recorded 08_jellyfin_library_sync.json).</summary>
    private async Task LibrariesAsync(HttpContext context, JsonObject? _)
    {
        var jellyfin = JellyfinSettings;
        if (context.QueryFlag("sync"))
        {
            JsonObject? folders;
            try
            {
                folders = await OutgoingHttp.SendAsync(Network, HttpMethod.Get, $"{JellyfinUrl(jellyfin)}/Library/MediaFolders",
                    JellyfinHeaders("BOT_seerr", jellyfin.GetString("apiKey")), null, context.RequestAborted).ConfigureAwait(false) as JsonObject;
            }
            catch (Exception ex) when (ex is HttpRequestException or OutgoingHttpException or TaskCanceledException or JsonException)
            {
                await context.WriteJsonAsync(500, new JsonObject { ["message"] = "Something went wrong" }).ConfigureAwait(false);
                return;
            }
            var old = (jellyfin["libraries"] as JsonArray ?? []).OfType<JsonObject>().ToList();
            var libraries = new JsonArray();
            foreach (var item in (folders?["Items"] as JsonArray ?? []).OfType<JsonObject>())
            {
                var type = item.GetString("CollectionType") switch { "movies" => "movie", "tvshows" => "show", _ => null };
                if (type is null) continue;
                var id = item.GetString("Id");
                libraries.Add(new JsonObject
                {
                    ["id"] = id,
                    ["name"] = item.GetString("Name"),
                    ["enabled"] = old.FirstOrDefault(o => o.GetString("id") == id)?.GetBool("enabled") ?? false,
                    ["type"] = type,
                });
            }
            jellyfin["libraries"] = libraries;
        }
        var enable = context.Request.Query["enable"].ToString();
        if (enable.Length > 0)
        {
            var ids = enable.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
            foreach (var library in (jellyfin["libraries"] as JsonArray ?? []).OfType<JsonObject>())
                library["enabled"] = ids.Contains(library.GetString("id") ?? "");
        }
        lock (_gate) _jellyfin["libraries"] = jellyfin["libraries"]?.DeepClone() ?? new JsonArray();
        await context.WriteJsonAsync(200, jellyfin["libraries"]?.DeepClone() ?? new JsonArray()).ConfigureAwait(false);
    }

    /// <summary>POST /settings/{app}/test: status, profiles, root folders, (language profiles,) tags from the app itself.</summary>
    private async Task TestServarrAsync(HttpContext context, JsonObject body, string app)
    {
        var scheme = body.GetBool("useSsl") == true ? "https" : "http";
        var baseUrl = $"{scheme}://{body.GetString("hostname")}:{body.GetInt("port")}{body.GetString("baseUrl")}/api/v3";
        var headers = OutgoingHttp.ApiKeyHeader(body.GetString("apiKey") ?? "");
        var ct = context.RequestAborted;
        try
        {
            string? urlBase;
            try
            {
                var status = await OutgoingHttp.SendAsync(Network, HttpMethod.Get, $"{baseUrl}/system/status", headers, null, ct).ConfigureAwait(false) as JsonObject;
                urlBase = status?.GetString("urlBase");
            }
            catch (OutgoingHttpException)
            {
                urlBase = body.GetString("baseUrl");
            }
            var profiles = await OutgoingHttp.SendAsync(Network, HttpMethod.Get, $"{baseUrl}/qualityprofile", headers, null, ct).ConfigureAwait(false);
            var folders = await OutgoingHttp.SendAsync(Network, HttpMethod.Get, $"{baseUrl}/rootfolder", headers, null, ct).ConfigureAwait(false);
            var result = new JsonObject
            {
                ["profiles"] = profiles?.DeepClone(),
                ["rootFolders"] = new JsonArray((folders as JsonArray ?? []).OfType<JsonObject>().Select(f => (JsonNode?)new JsonObject
                {
                    ["id"] = f["id"]?.DeepClone(), ["path"] = f["path"]?.DeepClone(), ["freeSpace"] = f["freeSpace"]?.DeepClone(), ["totalSpace"] = f["totalSpace"]?.DeepClone(),
                }).ToArray()),
            };
            if (app == "Sonarr")
                result["languageProfiles"] = (await OutgoingHttp.SendAsync(Network, HttpMethod.Get, $"{baseUrl}/languageprofile", headers, null, ct).ConfigureAwait(false))?.DeepClone();
            result["tags"] = (await OutgoingHttp.SendAsync(Network, HttpMethod.Get, $"{baseUrl}/tag", headers, null, ct).ConfigureAwait(false))?.DeepClone();
            result["urlBase"] = urlBase;
            await context.WriteJsonAsync(200, result).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or OutgoingHttpException or TaskCanceledException or JsonException)
        {
            // Recorded: 03_sonarr_test_unreachable.json.
            await context.WriteJsonAsync(500, new JsonObject { ["message"] = $"Failed to connect to {app}" }).ConfigureAwait(false);
        }
    }

    private static string JellyfinUrl(JsonObject settings)
    {
        var scheme = settings.GetBool("useSsl") == true ? "https" : "http";
        return $"{scheme}://{settings.GetString("ip")}:{settings.GetInt("port") ?? 8096}{settings.GetString("urlBase")}";
    }

    private static Dictionary<string, string> JellyfinHeaders(string deviceId, string? token)
    {
        var value = $"MediaBrowser Client=\"Seerr\", Device=\"Seerr\", DeviceId=\"{deviceId}\", Version=\"{Version}\"";
        if (token is not null) value += $", Token=\"{token}\"";
        return new Dictionary<string, string> { ["X-Emby-Authorization"] = value };
    }

    /// <summary>The OpenAPI request-body check express-openapi-validator does (required first, then types).</summary>
    private sealed class ObjectSchema(string[] required, (string Name, string Type, bool Nullable)[] properties)
    {
        public JsonObject? Validate(JsonNode? body)
        {
            var errors = new List<(string Path, string Message, string Code)>();
            if (body is not JsonObject obj)
            {
                errors.Add((".body", "should be object", "type.openapi.validation"));
            }
            else
            {
                foreach (var name in required)
                    if (!obj.ContainsKey(name)) errors.Add(($".body.{name}", $"should have required property '{name}'", "required.openapi.validation"));
                foreach (var (name, type, nullable) in properties)
                {
                    if (!obj.TryGetPropertyValue(name, out var value)) continue;
                    var kind = value?.GetValueKind() ?? JsonValueKind.Null;
                    var ok = kind == JsonValueKind.Null ? nullable : type switch
                    {
                        "number" => kind == JsonValueKind.Number,
                        "string" => kind == JsonValueKind.String,
                        "boolean" => kind is JsonValueKind.True or JsonValueKind.False,
                        "array" => kind == JsonValueKind.Array,
                        _ => true,
                    };
                    if (!ok) errors.Add(($".body.{name}", $"should be {type}", "type.openapi.validation"));
                }
            }
            if (errors.Count == 0) return null;
            // Recorded: 00_presetup_sonarr_post_badbody.json, 03_sonarr_test_wrong_type.json.
            var message = string.Join(", ", errors.Select(e => e.Code.StartsWith("required", StringComparison.Ordinal)
                ? $"request.body {e.Message}"
                : $"request{e.Path} {e.Message}"));
            return new JsonObject
            {
                ["message"] = message,
                ["errors"] = new JsonArray(errors.Select(e => (JsonNode?)new JsonObject { ["path"] = e.Path, ["message"] = e.Message, ["errorCode"] = e.Code }).ToArray()),
            };
        }
    }
}
