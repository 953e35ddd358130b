using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using StarrOps.Core.Hosting;
using StarrOps.Core.Http;
using static StarrOps.Core.Http.LenientJson;
using StarrOps.Core.Instances;

namespace StarrOps.Core.Jellyseerr;

/// <summary>
/// Jellyseerr / Overseerr / Seerr API v1 (header <c>X-Api-Key</c>, which acts as user 1). Before the first-time setup
/// (<see cref="SetupWithJellyfinAsync"/>) there is no user 1 and every /settings call answers 403, as does a wrong key.
/// Sonarr/Radarr entries: POST always appends (ids count from 0), PUT /{id} replaces the whole entry; updates here start
/// from the fetched entry so properties StarrOps does not model survive.
/// </summary>
public sealed class JellyseerrClient : IDisposable
{
    private readonly StarrHttpClient _http;

    public JellyseerrClient(StarrInstance instance, IStarrHost? host = null)
    {
        ArgumentNullException.ThrowIfNull(instance);
        instance.EnsureKind(ServiceKind.Jellyseerr, "Jellyseerr");
        _http = new StarrHttpClient(instance, host, StarrHttpClient.ApiKeyHeader(instance));
    }

    public StarrInstance Instance => _http.Instance;

    public async Task<JellyseerrStatus> GetStatusAsync(CancellationToken cancellationToken) =>
        await _http.GetAsync<JellyseerrStatus>("api/v1/status", cancellationToken).ConfigureAwait(false) with { Instance = Instance.Name };

    public async Task<JellyseerrPublicSettings> GetPublicSettingsAsync(CancellationToken cancellationToken) =>
        await _http.GetAsync("api/v1/settings/public", JellyseerrPublicSettings.Read, cancellationToken).ConfigureAwait(false) with { Instance = Instance.Name };

    /// <summary>True once the setup wizard has finished (<c>initialized</c> in the public settings).</summary>
    public async Task<bool> IsSetUpAsync(CancellationToken cancellationToken) =>
        (await GetPublicSettingsAsync(cancellationToken).ConfigureAwait(false)).Initialized;

    /// <summary>Whether the wizard finished, and whether the API key opens /settings yet (it does once an admin exists).</summary>
    public async Task<JellyseerrSetupState> GetSetupStateAsync(CancellationToken cancellationToken)
    {
        var initialized = await IsSetUpAsync(cancellationToken).ConfigureAwait(false);
        var accepted = true;
        try
        {
            await _http.GetJsonAsync("api/v1/settings/main", cancellationToken).ConfigureAwait(false);
        }
        catch (StarrApiException ex) when (ex.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized)
        {
            accepted = false;
        }
        return new JellyseerrSetupState { Instance = Instance.Name, Initialized = initialized, ApiKeyAccepted = accepted };
    }

    /// <summary>
    /// First-time setup: <c>POST /api/v1/auth/jellyfin</c> with a Jellyfin admin login and where Jellyfin is. The first user
    /// becomes Jellyseerr's owner (user 1), which the API key then acts as. Sent without the API key, as the wizard does.
    /// </summary>
    public async Task<JellyseerrUser> SetupWithJellyfinAsync(JellyseerrJellyfinSetup setup, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(setup);
        if (string.IsNullOrWhiteSpace(setup.Hostname) || string.IsNullOrWhiteSpace(setup.UserName))
            throw new StarrConfigurationException($"{Instance.Name}: Jellyseerr's setup needs the Jellyfin host name and an admin username.");
        const string path = "api/v1/auth/jellyfin";
        var body = new JsonObject
        {
            ["username"] = setup.UserName,
            ["password"] = setup.Password.Reveal(),
            ["hostname"] = setup.Hostname,
            ["port"] = setup.Port,
            ["useSsl"] = setup.UseSsl,
            ["urlBase"] = setup.UrlBase,
            ["serverType"] = 2, // MediaServerType.JELLYFIN
        };
        if (!string.IsNullOrWhiteSpace(setup.Email)) body["email"] = setup.Email;

        using var anonymous = new StarrHttpClient(Instance, _http.Host);
        JsonNode? user;
        try
        {
            user = await anonymous.SendJsonAsync(HttpMethod.Post, path, body, cancellationToken).ConfigureAwait(false);
        }
        catch (StarrApiException ex) when (ex.StatusCode == HttpStatusCode.Unauthorized)
        {
            throw new StarrLoginException(Instance.Name,
                $"{Instance.Name}: Jellyseerr's setup could not log in to Jellyfin as '{setup.UserName}' ({ex.ApiMessage ?? "401"}): check the Jellyfin admin username and password.");
        }
        catch (StarrApiException ex) when (ex.ApiMessage is "INVALID_URL")
        {
            throw new StarrApiException(ex.Instance, ex.Method, ex.Path, ex.StatusCode,
                $"Jellyseerr cannot reach Jellyfin at {(setup.UseSsl ? "https" : "http")}://{setup.Hostname}:{setup.Port}{setup.UrlBase} (INVALID_URL)", ex.Failures, ex.DebugDetail);
        }
        return new JellyseerrUser
        {
            Instance = Instance.Name,
            Id = Int(user?["id"]),
            JellyfinUserName = OptionalText(user?["jellyfinUsername"]),
            JellyfinUserId = OptionalText(user?["jellyfinUserId"]),
            Email = OptionalText(user?["email"]),
            Permissions = long.TryParse(Text(user?["permissions"]), NumberStyles.Integer, CultureInfo.InvariantCulture, out var permissions) ? permissions : 0,
        };
    }

    /// <summary>Finishes the wizard (<c>POST /settings/initialize</c>): after it, Jellyseerr shows its normal UI.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken) =>
        await SettingsAsync(HttpMethod.Post, "initialize", null, cancellationToken).ConfigureAwait(false);

    public async Task<JellyseerrMainSettings> GetMainSettingsAsync(CancellationToken cancellationToken)
    {
        var node = await SettingsAsync(HttpMethod.Get, "main", null, cancellationToken).ConfigureAwait(false);
        return new JellyseerrMainSettings
        {
            Instance = Instance.Name,
            ApplicationTitle = Text(node?["applicationTitle"]),
            ApplicationUrl = Text(node?["applicationUrl"]),
            MediaServerType = Int(node?["mediaServerType"]),
            LocalLogin = Bool(node?["localLogin"]),
            MediaServerLogin = Bool(node?["mediaServerLogin"]),
            Raw = StarrHttpClient.MaskSecrets(node) as JsonObject ?? new JsonObject(),
        };
    }

    public async Task<JellyseerrJellyfinSettings> GetJellyfinSettingsAsync(CancellationToken cancellationToken) =>
        ToJellyfinSettings(await SettingsAsync(HttpMethod.Get, "jellyfin", null, cancellationToken).ConfigureAwait(false));

    /// <summary>Changes the given Jellyfin connection fields (Jellyseerr merges them and checks it can reach Jellyfin: 500 INVALID_URL otherwise).</summary>
    public async Task<JellyseerrJellyfinSettings> SetJellyfinSettingsAsync(JellyseerrJellyfinConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var body = new JsonObject();
        if (connection.Ip is not null) body["ip"] = connection.Ip;
        if (connection.Port is { } port) body["port"] = port;
        if (connection.UseSsl is { } useSsl) body["useSsl"] = useSsl;
        if (connection.UrlBase is not null) body["urlBase"] = connection.UrlBase;
        if (connection.ExternalHostname is not null) body["externalHostname"] = connection.ExternalHostname;
        if (connection.ApiKey is { IsEmpty: false } key) body["apiKey"] = key.Reveal();
        return ToJellyfinSettings(await SettingsAsync(HttpMethod.Post, "jellyfin", body, cancellationToken).ConfigureAwait(false));
    }

    public async Task<IReadOnlyList<JellyseerrServer>> GetServersAsync(JellyseerrServerKind kind, CancellationToken cancellationToken)
    {
        var node = await SettingsAsync(HttpMethod.Get, Collection(kind), null, cancellationToken).ConfigureAwait(false);
        return (node as JsonArray ?? []).OfType<JsonObject>().Select(entry => ToServer(kind, entry)).ToList();
    }

    /// <summary>Appends an entry (Jellyseerr never merges: match existing entries first). Returns it with its new id.</summary>
    public async Task<JellyseerrServer> AddServerAsync(JellyseerrServer server, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(server);
        var body = ToBody(server, baseline: null);
        var created = await SettingsAsync(HttpMethod.Post, Collection(server.Kind), body, cancellationToken).ConfigureAwait(false);
        return ToServer(server.Kind, created as JsonObject ?? body);
    }

    /// <summary>
    /// Replaces entry <see cref="JellyseerrServer.Id"/> with <paramref name="server"/>, starting from the entry as fetched
    /// (read again when <paramref name="server"/> was not fetched) so that properties StarrOps does not model are kept.
    /// </summary>
    public async Task<JellyseerrServer> UpdateServerAsync(JellyseerrServer server, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(server);
        if (server.Id is not { } id)
            throw new StarrConfigurationException($"{Instance.Name}: {server} has no id; add it instead of updating it.");
        var baseline = server.Fetched;
        if (baseline is null)
        {
            var existing = await GetServersAsync(server.Kind, cancellationToken).ConfigureAwait(false);
            baseline = existing.FirstOrDefault(s => s.Id == id)?.Fetched
                       ?? throw new StarrApiException(Instance.Name, "PUT", $"api/v1/settings/{Collection(server.Kind)}/{id}", HttpStatusCode.NotFound,
                           $"there is no {server.Kind} entry with id {id}", [], null);
        }
        var body = ToBody(server, baseline);
        var updated = await SettingsAsync(HttpMethod.Put, $"{Collection(server.Kind)}/{id}", body, cancellationToken).ConfigureAwait(false);
        return ToServer(server.Kind, updated as JsonObject ?? body);
    }

    public async Task RemoveServerAsync(JellyseerrServerKind kind, int id, CancellationToken cancellationToken) =>
        await SettingsAsync(HttpMethod.Delete, $"{Collection(kind)}/{id}", null, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Has Jellyseerr connect to the app and list its quality profiles, root folders and tags (what an entry's activeProfileId
    /// and activeDirectory must name). Any failure is 500 "Failed to connect to Sonarr/Radarr".
    /// </summary>
    public async Task<JellyseerrServerTest> TestServerAsync(JellyseerrServerKind kind, string hostname, int port, Secret apiKey, bool useSsl, string? baseUrl,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(apiKey);
        var body = new JsonObject { ["hostname"] = hostname, ["port"] = port, ["apiKey"] = apiKey.Reveal(), ["useSsl"] = useSsl };
        if (baseUrl is not null) body["baseUrl"] = baseUrl;
        var node = await SettingsAsync(HttpMethod.Post, Collection(kind) + "/test", body, cancellationToken).ConfigureAwait(false);
        return new JellyseerrServerTest
        {
            Instance = Instance.Name,
            Kind = kind,
            Profiles = Items(node?["profiles"]).Select(p => new JellyseerrProfile(Int(p["id"]), Text(p["name"]))).ToList(),
            LanguageProfiles = Items(node?["languageProfiles"]).Select(p => new JellyseerrProfile(Int(p["id"]), Text(p["name"]))).ToList(),
            RootFolders = Items(node?["rootFolders"]).Select(f => new JellyseerrRootFolder(Int(f["id"]), Text(f["path"]))).ToList(),
            Tags = Items(node?["tags"]).Select(t => new JellyseerrTag(Int(t["id"]), Text(t["label"]))).ToList(),
            UrlBase = OptionalText(node?["urlBase"]),
        };
    }

    public void Dispose() => _http.Dispose();

    private async Task<JsonNode?> SettingsAsync(HttpMethod method, string relative, JsonNode? body, CancellationToken cancellationToken)
    {
        try
        {
            return await _http.SendJsonAsync(method, "api/v1/settings/" + relative, body, cancellationToken).ConfigureAwait(false);
        }
        catch (StarrApiException ex) when (ex.StatusCode == HttpStatusCode.Forbidden)
        {
            throw new StarrApiException(ex.Instance, ex.Method, ex.Path, ex.StatusCode, ex.ApiMessage, ex.Failures, ex.DebugDetail)
            {
                RecommendedAction = $"Jellyseerr answers 403 to /settings until its first-time setup is done (setup with a Jellyfin admin), and to a wrong key: " +
                                    $"check {Instance.Kind.EnvironmentPrefix()}_API_KEY (Settings > General > API Key).",
            };
        }
    }

    private static string Collection(JellyseerrServerKind kind) => kind == JellyseerrServerKind.Sonarr ? "sonarr" : "radarr";

    private JsonObject ToBody(JellyseerrServer server, JsonObject? baseline)
    {
        var body = baseline?.DeepClone().AsObject() ?? new JsonObject();
        body.Remove("id"); // read-only: the id is in the path, and the validator rejects it in the body
        body["name"] = server.Name;
        body["hostname"] = server.Hostname;
        body["port"] = server.Port;
        if (server.ApiKey is { IsEmpty: false } key) body["apiKey"] = key.Reveal();
        body["useSsl"] = server.UseSsl;
        if (server.BaseUrl is not null) body["baseUrl"] = server.BaseUrl;
        body["activeProfileId"] = server.ActiveProfileId;
        body["activeProfileName"] = server.ActiveProfileName;
        body["activeDirectory"] = server.ActiveDirectory;
        body["is4k"] = server.Is4k;
        body["isDefault"] = server.IsDefault;
        if (server.SyncEnabled is { } sync) body["syncEnabled"] = sync;
        if (server.PreventSearch is { } prevent) body["preventSearch"] = prevent;
        if (server.ExternalUrl is not null) body["externalUrl"] = server.ExternalUrl;
        if (server.Tags is not null) body["tags"] = new JsonArray(server.Tags.Select(t => (JsonNode?)t).ToArray());
        if (server.Kind == JellyseerrServerKind.Sonarr)
        {
            if (server.EnableSeasonFolders is { } seasonFolders) body["enableSeasonFolders"] = seasonFolders;
            if (server.ActiveLanguageProfileId is { } language) body["activeLanguageProfileId"] = language;
            if (server.ActiveAnimeProfileId is { } animeProfile) body["activeAnimeProfileId"] = animeProfile;
            if (server.ActiveAnimeProfileName is not null) body["activeAnimeProfileName"] = server.ActiveAnimeProfileName;
            if (server.ActiveAnimeDirectory is not null) body["activeAnimeDirectory"] = server.ActiveAnimeDirectory;
            if (server.ActiveAnimeLanguageProfileId is { } animeLanguage) body["activeAnimeLanguageProfileId"] = animeLanguage;
            if (server.AnimeTags is not null) body["animeTags"] = new JsonArray(server.AnimeTags.Select(t => (JsonNode?)t).ToArray());
        }
        else if (server.MinimumAvailability is not null)
        {
            body["minimumAvailability"] = server.MinimumAvailability;
        }

        // Jellyseerr's validator would say "should have required property"; say it in our words, before anything is sent.
        var missing = new List<string>();
        if (string.IsNullOrWhiteSpace(server.Name)) missing.Add("name");
        if (string.IsNullOrWhiteSpace(server.Hostname)) missing.Add("hostname");
        if (server.Port is <= 0 or > 65535) missing.Add("port");
        if (body["apiKey"] is null) missing.Add("apiKey");
        if (string.IsNullOrWhiteSpace(server.ActiveDirectory)) missing.Add("activeDirectory");
        if (server.Kind == JellyseerrServerKind.Sonarr && body["enableSeasonFolders"] is null) missing.Add("enableSeasonFolders");
        if (server.Kind == JellyseerrServerKind.Radarr && body["minimumAvailability"] is null) missing.Add("minimumAvailability");
        if (missing.Count > 0)
            throw new StarrConfigurationException($"{Instance.Name}: the {server.Kind} entry '{server.Name}' needs {string.Join(", ", missing)}.");
        return body;
    }

    private JellyseerrServer ToServer(JellyseerrServerKind kind, JsonObject entry) => new()
    {
        Instance = Instance.Name,
        Kind = kind,
        Id = entry["id"] is null ? null : Int(entry["id"]),
        Name = Text(entry["name"]),
        Hostname = Text(entry["hostname"]),
        Port = Int(entry["port"]),
        ApiKey = Secret.FromNullable(OptionalText(entry["apiKey"])),
        UseSsl = Bool(entry["useSsl"]),
        BaseUrl = OptionalText(entry["baseUrl"]),
        ActiveProfileId = Int(entry["activeProfileId"]),
        ActiveProfileName = Text(entry["activeProfileName"]),
        ActiveDirectory = Text(entry["activeDirectory"]),
        Is4k = Bool(entry["is4k"]),
        IsDefault = Bool(entry["isDefault"]),
        EnableSeasonFolders = entry["enableSeasonFolders"] is null ? null : Bool(entry["enableSeasonFolders"]),
        MinimumAvailability = OptionalText(entry["minimumAvailability"]),
        SyncEnabled = entry["syncEnabled"] is null ? null : Bool(entry["syncEnabled"]),
        PreventSearch = entry["preventSearch"] is null ? null : Bool(entry["preventSearch"]),
        ExternalUrl = OptionalText(entry["externalUrl"]),
        Tags = entry["tags"] is JsonArray tags ? tags.Select(Int).ToList() : null,
        ActiveLanguageProfileId = entry["activeLanguageProfileId"] is null ? null : Int(entry["activeLanguageProfileId"]),
        ActiveAnimeProfileId = entry["activeAnimeProfileId"] is null ? null : Int(entry["activeAnimeProfileId"]),
        ActiveAnimeProfileName = OptionalText(entry["activeAnimeProfileName"]),
        ActiveAnimeDirectory = OptionalText(entry["activeAnimeDirectory"]),
        ActiveAnimeLanguageProfileId = entry["activeAnimeLanguageProfileId"] is null ? null : Int(entry["activeAnimeLanguageProfileId"]),
        AnimeTags = entry["animeTags"] is JsonArray animeTags ? animeTags.Select(Int).ToList() : null,
        Fetched = entry.DeepClone().AsObject(),
    };

    private JellyseerrJellyfinSettings ToJellyfinSettings(JsonNode? node) => new()
    {
        Instance = Instance.Name,
        Name = Text(node?["name"]),
        Ip = Text(node?["ip"]),
        Port = Int(node?["port"]),
        UseSsl = Bool(node?["useSsl"]),
        UrlBase = Text(node?["urlBase"]),
        ExternalHostname = Text(node?["externalHostname"]),
        ServerId = Text(node?["serverId"] ?? node?["serverID"]),
        ApiKey = Secret.FromNullable(OptionalText(node?["apiKey"])),
        Libraries = Items(node?["libraries"]).Select(l => new JellyseerrLibrary(Text(l["id"]), Text(l["name"]), Bool(l["enabled"]))).ToList(),
    };

    private static IEnumerable<JsonObject> Items(JsonNode? node) => (node as JsonArray ?? []).OfType<JsonObject>();
}
