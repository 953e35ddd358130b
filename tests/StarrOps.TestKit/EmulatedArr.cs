using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace StarrOps.TestKit;

/// <summary>A tag as the *arr apps store it.</summary>
public sealed record ArrTag(int Id, string Label);

/// <summary>
/// Behaviour shared by the emulated Servarr apps (Sonarr, Radarr, Lidarr, Prowlarr): API-key auth
/// (header X-Api-Key or ?apikey=, wrong or missing key → 401 with an empty body), anonymous /ping,
/// system/status, health, tags, host config, commands (Backup), backups, root folders, profiles, and the
/// provider resources (indexer, downloadclient, notification, importlist, applications) with the real
/// validation order: body typing (400 problem details) → shared rules (400 array: name required and unique
/// case-insensitively) → implementation/configContract known (else 500) → settings rules and live test of
/// enabled providers (400 array; warnings only without ?forceSave=true). Each app is a small subclass.
/// </summary>
public abstract partial class EmulatedArr : EmulatedServer
{
    /// <summary>Paths that exist in an emulated pod unless <see cref="EmulatedArrOptions.ExistingPaths"/> says otherwise.</summary>
    public static readonly IReadOnlyList<string> DefaultExistingPaths =
    [
        "/data", "/data/media", "/data/media/tv", "/data/media/movies", "/data/media/music", "/data/media/books",
        "/data/downloads", "/downloads", "/tv", "/movies", "/music", "/books", "/media",
    ];

    private const long FreeSpace = 78797586432;
    private const long TotalSpace = 270553174016;
    private static readonly Regex TagLabel = new("^[a-z0-9-]+$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    private readonly object _gate = new();
    private readonly Lazy<IReadOnlyDictionary<string, ProviderStore>> _providers;
    private readonly List<ArrTag> _tags = [];
    private readonly List<JsonObject> _rootFolders = [];
    private readonly HashSet<string> _existingPaths = new(StringComparer.Ordinal);
    private readonly List<JsonObject> _health = [];
    private readonly Dictionary<int, CommandState> _commands = [];
    private readonly List<JsonObject> _backups = [];
    private readonly List<InjectedFailure> _injectedFailures = [];
    private readonly HashSet<int> _failingIndexers = [];
    private readonly DateTimeOffset _startTime = DateTimeOffset.UtcNow;
    private readonly string? _instanceName;
    private JsonObject? _hostConfig;
    private int _lastTagId;
    private int _lastRootFolderId;
    private int _lastCommandId;

    private protected EmulatedArr(EmulatedArrOptions? options, string defaultName)
        : base(options?.Name ?? defaultName, options?.ApiKey, options?.UrlBase, options?.Network)
    {
        _instanceName = options?.InstanceName;
        foreach (var path in options?.ExistingPaths ?? DefaultExistingPaths) _existingPaths.Add(NormalizePath(path));
        _providers = new Lazy<IReadOnlyDictionary<string, ProviderStore>>(() =>
            CreateProviderKinds().ToDictionary(k => k.Resource, k => new ProviderStore(k), StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>3 for Sonarr/Radarr, 1 for Lidarr/Readarr/Prowlarr.</summary>
    public abstract int ApiVersion { get; }

    /// <summary>"/api/v3" or "/api/v1".</summary>
    public string ApiPath => $"/api/v{ApiVersion}";

    /// <summary>The version the app reports (from its recorded system/status).</summary>
    public string Version => Fixtures.Object($"{FixtureFolder}/system/status.json").GetString("version") ?? "";

    public string InstanceName => _instanceName ?? AppName;

    /// <summary>Provider resources this app serves ("downloadclient", "indexer", ...).</summary>
    public IReadOnlyCollection<string> ProviderResources => _providers.Value.Keys.ToArray();

    // ---- starting a single server -------------------------------------------------------------

    public static Task<EmulatedSonarr> StartSonarrAsync(EmulatedArrOptions? options = null, CancellationToken cancellationToken = default) =>
        StartNewAsync(new EmulatedSonarr(options), cancellationToken);

    public static Task<EmulatedRadarr> StartRadarrAsync(EmulatedArrOptions? options = null, CancellationToken cancellationToken = default) =>
        StartNewAsync(new EmulatedRadarr(options), cancellationToken);

    public static Task<EmulatedLidarr> StartLidarrAsync(EmulatedArrOptions? options = null, CancellationToken cancellationToken = default) =>
        StartNewAsync(new EmulatedLidarr(options), cancellationToken);

    /// <summary>Readarr is approximate: its fixtures are Lidarr's renamed (no real Readarr was recorded).</summary>
    public static Task<EmulatedReadarr> StartReadarrAsync(EmulatedArrOptions? options = null, CancellationToken cancellationToken = default) =>
        StartNewAsync(new EmulatedReadarr(options), cancellationToken);

    public static Task<EmulatedProwlarr> StartProwlarrAsync(EmulatedArrOptions? options = null, CancellationToken cancellationToken = default) =>
        StartNewAsync(new EmulatedProwlarr(options), cancellationToken);

    internal static async Task<T> StartNewAsync<T>(T server, CancellationToken cancellationToken) where T : EmulatedServer
    {
        try
        {
            await server.StartAsync(cancellationToken).ConfigureAwait(false);
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    // ---- state for tests ----------------------------------------------------------------------

    /// <summary>Saved definitions of a provider resource with their REAL secret values (the API masks them).</summary>
    public IReadOnlyList<JsonObject> Resources(string resource) => Store(resource).All();

    public JsonObject? Resource(string resource, int id) => Store(resource).Get(id);

    /// <summary>Stores a definition directly (no validation or live test), completed from the implementation's template.</summary>
    public JsonObject SeedResource(string resource, JsonObject definition)
    {
        var store = Store(resource);
        var implementation = definition.GetString("implementation") ?? throw new ArgumentException("The definition needs an implementation.", nameof(definition));
        var template = store.Template(implementation, definition.GetString("name"))
            ?? throw new ArgumentException($"{AppName} has no {resource} implementation '{implementation}'.", nameof(definition));
        var built = store.Build((JsonObject)JsonNode.Parse(definition.ToJsonString(), JsonHttp.CaseInsensitive)!, template, null);
        OnDefinitionBuilt(store.Kind, built, definition, null);
        return store.TryAdd(built) ?? throw new InvalidOperationException($"A {resource} named '{built.GetString("name")}' exists already.");
    }

    public void ClearResources(string resource) => Store(resource).Clear();

    /// <summary>The real GET /{resource}/schema answer.</summary>
    public JsonArray Schema(string resource) => Store(resource).SchemaCopy();

    public IReadOnlyList<ArrTag> Tags
    {
        get { lock (_gate) return _tags.ToArray(); }
    }

    public ArrTag AddTag(string label)
    {
        lock (_gate) return AddTagLocked(label);
    }

    /// <summary>Saved root folders (API shape).</summary>
    public IReadOnlyList<JsonObject> RootFolders
    {
        get { lock (_gate) return _rootFolders.Select(r => (JsonObject)r.DeepClone()).ToArray(); }
    }

    public IReadOnlyCollection<string> ExistingPaths
    {
        get { lock (_gate) return _existingPaths.ToArray(); }
    }

    /// <summary>Makes a path "exist inside the pod" so a root folder can be created there.</summary>
    public void AddExistingPath(string path)
    {
        lock (_gate) _existingPaths.Add(NormalizePath(path));
    }

    public void RemoveExistingPath(string path)
    {
        lock (_gate) _existingPaths.Remove(NormalizePath(path));
    }

    public IReadOnlyList<JsonObject> HealthChecks
    {
        get { lock (_gate) return _health.Select(h => (JsonObject)h.DeepClone()).ToArray(); }
    }

    /// <summary>Adds an item to GET /health (type: "ok", "notice", "warning", "error").</summary>
    public void AddHealthCheck(string source, string type, string message, string? wikiUrl = null)
    {
        var item = new JsonObject { ["source"] = source, ["type"] = type, ["message"] = message };
        if (wikiUrl is not null) item["wikiUrl"] = wikiUrl;
        lock (_gate) _health.Add(item);
    }

    /// <summary>
    /// Puts an indexer in the back-off the apps keep after failed queries (GET /indexerstatus lists it with disabledTill), as
    /// after its site started rejecting the stored API key.
    /// </summary>
    public void MarkIndexerFailing(int indexerId)
    {
        lock (_gate) _failingIndexers.Add(indexerId);
    }

    private JsonArray IndexerStatus()
    {
        lock (_gate)
            return new JsonArray(_failingIndexers.Order().Select((id, i) => (JsonNode)new JsonObject
            {
                ["indexerId"] = id,
                ["disabledTill"] = JsonHttp.Iso(DateTimeOffset.UtcNow.AddMinutes(15)),
                ["mostRecentFailure"] = JsonHttp.Iso(DateTimeOffset.UtcNow.AddMinutes(-1)),
                ["initialFailure"] = JsonHttp.Iso(DateTimeOffset.UtcNow.AddHours(-2)),
                ["id"] = i + 1,
            }).ToArray());
    }

    public void ClearHealthChecks()
    {
        lock (_gate) _health.Clear();
    }

    /// <summary>Commands received (API shape, current state).</summary>
    public IReadOnlyList<JsonObject> Commands
    {
        get { lock (_gate) return _commands.Values.Select(c => (JsonObject)c.Resource.DeepClone()).ToArray(); }
    }

    /// <summary>Backups listed by GET system/backup.</summary>
    public IReadOnlyList<JsonObject> Backups
    {
        get { lock (_gate) return _backups.Select(b => (JsonObject)b.DeepClone()).ToArray(); }
    }

    /// <summary>
    /// Makes the live test of matching providers report a failure. An error (isWarning false) blocks every save
    /// of an enabled provider; a warning blocks it unless ?forceSave=true. <paramref name="implementation"/> null
    /// matches every implementation of <paramref name="resource"/>.
    /// </summary>
    public void InjectTestFailure(string resource, string errorMessage, bool isWarning = false, string propertyName = "",
        string? implementation = null, string? detailedDescription = null)
    {
        lock (_gate) _injectedFailures.Add(new InjectedFailure(resource, implementation, ValidationFailure.Test(propertyName, errorMessage, detailedDescription, isWarning)));
    }

    public void ClearInjectedTestFailures()
    {
        lock (_gate) _injectedFailures.Clear();
    }

    // ---- hooks for the apps -------------------------------------------------------------------

    /// <summary>Folder under Fixtures/ with this app's recorded answers ("sonarr").</summary>
    private protected abstract string FixtureFolder { get; }

    private protected abstract IEnumerable<ProviderKind> CreateProviderKinds();

    /// <summary>"Sonarr.Api.V3" — the prefix of the app's resource types in problem details.</summary>
    private protected abstract string ApiNamespace { get; }

    private protected virtual bool HasRootFolders => true;

    private protected virtual bool HasQualityProfiles => true;

    /// <summary>Extra read-only lists served from fixtures: (resource, fixture) e.g. ("languageprofile", "sonarr/languageprofile.json").</summary>
    private protected virtual IEnumerable<(string Resource, string Fixture)> StaticLists => [];

    private protected virtual void MapAppRoutes(IEndpointRouteBuilder endpoints)
    {
    }

    /// <summary>Fills app-specific derived values of a definition after it was built from a request.</summary>
    private protected virtual void OnDefinitionBuilt(ProviderKind kind, JsonObject definition, JsonObject request, JsonObject? existing)
    {
    }

    /// <summary>Runs after a provider was stored (Prowlarr syncs its apps here).</summary>
    private protected virtual Task OnProviderSavedAsync(ProviderKind kind, JsonObject saved, JsonObject? previous, CancellationToken cancellationToken) => Task.CompletedTask;

    private protected virtual Task OnProviderDeletedAsync(ProviderKind kind, JsonObject deleted, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>App-specific controller rules checked with the name rules (e.g. Prowlarr's appProfileId).</summary>
    private protected virtual IEnumerable<ValidationFailure> ResourceRules(ProviderKind kind, JsonObject body) => [];

    /// <summary>The settings validator of an implementation (required values), run for enabled providers.</summary>
    private protected virtual IEnumerable<ValidationFailure> ValidateSettings(ProviderKind kind, JsonObject definition)
    {
        var implementation = definition.GetString("implementation");
        if (ProviderStore.Field(definition, "host") is not null && ProviderStore.Field(definition, "port") is not null)
        {
            if (string.IsNullOrWhiteSpace(FieldText(definition, "host")))
                yield return Rule("Host", "'Host' must not be empty.", "NotEmptyValidator", ProviderStore.FieldValue(definition, "host"));
            var port = FieldInt(definition, "port") ?? 0;
            if (port is < 1 or > 65535)
                yield return Rule("Port", $"'Port' must be between 1 and 65535. You entered {port}.", "InclusiveBetweenValidator", JsonValue.Create(port),
                    placeholders: [new("from", 1), new("to", 65535)]);
            if (implementation == "Sabnzbd" && IsBlank(definition, "apiKey") && IsBlank(definition, "username"))
                yield return Rule("ApiKey", "'API Key' must not be empty.", "NotEmptyValidator", ProviderStore.FieldValue(definition, "apiKey"), "API Key");
        }
        if (implementation is "Newznab" or "Torznab" && ProviderStore.Field(definition, "baseUrl") is not null && !IsHttpUrl(definition, "baseUrl"))
            yield return Rule("BaseUrl", $"Invalid Url: '{FieldText(definition, "baseUrl")}'", "UrlValidator", ProviderStore.FieldValue(definition, "baseUrl"));
        if (implementation == "Webhook" && !IsHttpUrl(definition, "url"))
            yield return Rule("Url", $"Invalid Url: '{FieldText(definition, "url")}'", "UrlValidator", ProviderStore.FieldValue(definition, "url"));
    }

    /// <summary>
    /// The live test of an enabled provider. Download clients (host/port fields): the target must be reachable,
    /// else Host "Unable to connect to {implementationName}" with the socket error as detailedDescription.
    /// Webhooks: an unreachable URL throws in the real apps → 500 {message, description}. Newznab/Torznab
    /// indexers: the baseUrl must be reachable. Plus failures injected with <see cref="InjectTestFailure"/>.
    /// </summary>
    private protected virtual async Task<ProviderTestResult> TestProviderAsync(ProviderKind kind, JsonObject definition, CancellationToken cancellationToken)
    {
        var failures = new List<ValidationFailure>();
        var implementation = definition.GetString("implementation") ?? "";
        var implementationName = definition.GetString("implementationName") ?? implementation;
        if (kind.Resource == "downloadclient" && ProviderStore.Field(definition, "host") is not null && ProviderStore.Field(definition, "port") is not null)
        {
            var host = FieldText(definition, "host");
            var port = FieldInt(definition, "port") ?? 0;
            var reach = await Network.CheckAsync(host, port, cancellationToken).ConfigureAwait(false);
            if (!reach.IsReachable) failures.Add(ValidationFailure.Test("Host", $"Unable to connect to {implementationName}", reach.Error));
            else if (!Network.AcceptsLogin(host, port, FieldText(definition, "username"), FieldText(definition, "password")))
                // Sonarr's QBittorrent.TestConnection: a DownloadClientAuthenticationException is reported on Username.
                failures.Add(ValidationFailure.Test("Username", "Authentication Failure",
                    $"Please verify your username and password. Also verify if the host running {AppName} isn't blocked from accessing {implementationName} by WhiteList limitations in the {implementationName} configuration."));
        }
        else if (kind.Resource == "notification" && implementation == "Webhook" && Uri.TryCreate(FieldText(definition, "url"), UriKind.Absolute, out var webhook))
        {
            var reach = await Network.CheckAsync(webhook, cancellationToken).ConfigureAwait(false);
            if (!reach.IsReachable) return ProviderTestResult.Exception(reach.Error!, WebhookStackTrace(reach.Error!));
        }
        else if (kind.Resource == "indexer" && implementation is "Newznab" or "Torznab" && Uri.TryCreate(FieldText(definition, "baseUrl"), UriKind.Absolute, out var indexerUrl))
        {
            var reach = await Network.CheckAsync(indexerUrl, cancellationToken).ConfigureAwait(false);
            if (!reach.IsReachable)
                failures.Add(ValidationFailure.Test("", $"Unable to connect to indexer: {reach.Error}. Check the log surrounding this error for details"));
        }
        lock (_gate)
        {
            failures.AddRange(_injectedFailures
                .Where(f => string.Equals(f.Resource, kind.Resource, StringComparison.OrdinalIgnoreCase) &&
                            (f.Implementation is null || string.Equals(f.Implementation, implementation, StringComparison.OrdinalIgnoreCase)))
                .Select(f => f.Failure));
        }
        return new ProviderTestResult(failures, null, null);
    }

    /// <summary>Runs a command; the default completes every command, and Backup adds a backup.</summary>
    private protected virtual Task<CommandOutcome> ExecuteCommandAsync(string name, JsonObject body, CancellationToken cancellationToken)
    {
        if (string.Equals(name, "Backup", StringComparison.OrdinalIgnoreCase))
        {
            AddBackup(body.GetString("type") ?? "manual");
            return Task.FromResult(new CommandOutcome(true, "Backup zip created", null));
        }
        return Task.FromResult(new CommandOutcome(true, "Completed", null));
    }

    /// <summary>Root folder rules of Sonarr/Radarr (recorded: sonarr rootfolder/POST_400_missing_path.json, lidarr POST_400_duplicate.json).</summary>
    private protected virtual IEnumerable<ValidationFailure> ValidateRootFolder(JsonObject body)
    {
        var path = body.GetString("path");
        if (string.IsNullOrWhiteSpace(path) || !path.StartsWith('/'))
        {
            // The real message keeps the placeholder when the path is empty.
            var message = string.IsNullOrEmpty(path) ? "Invalid Path: '{path}'" : $"Invalid Path: '{path}'";
            yield return Rule("Path", message, "PathValidator", string.IsNullOrEmpty(path) ? null : JsonValue.Create(path), includeIsWarning: false);
            yield break;
        }
        var normalized = NormalizePath(path);
        bool duplicate, exists;
        lock (_gate)
        {
            duplicate = _rootFolders.Any(r => NormalizePath(r.GetString("path") ?? "") == normalized);
            exists = _existingPaths.Contains(normalized);
        }
        if (duplicate)
            yield return Rule("Path", $"Path '{path}' is already configured as a root folder", "RootFolderValidator", JsonValue.Create(path), includeIsWarning: false,
                placeholders: [new("path", path)]);
        else if (!exists)
            yield return Rule("Path", $"Path '{path}' does not exist", "PathExistsValidator", JsonValue.Create(path), includeIsWarning: false,
                placeholders: [new("path", path)]);
    }

    /// <summary>The saved root folder (Sonarr/Radarr shape, recorded in sonarr rootfolder/POST_201.json).</summary>
    private protected virtual JsonObject BuildRootFolder(JsonObject body, int id) => new()
    {
        ["path"] = NormalizePath(body.GetString("path") ?? ""),
        ["accessible"] = true,
        ["freeSpace"] = FreeSpace,
        ["unmappedFolders"] = new JsonArray(),
        ["id"] = id,
    };

    private protected static long RootFolderFreeSpace => FreeSpace;

    private protected static long RootFolderTotalSpace => TotalSpace;

    private protected static ValidationFailure Rule(string property, string message, string errorCode, JsonNode? attempted, string? displayName = null,
        bool includeIsWarning = true, IReadOnlyList<KeyValuePair<string, JsonNode?>>? placeholders = null) =>
        ValidationFailure.Rule(property, message, errorCode, attempted?.DeepClone(), includeIsWarning, displayName ?? ValidationFailure.Display(property), placeholders);

    private protected static int? FieldInt(JsonObject definition, string field) =>
        ProviderStore.FieldValue(definition, field) is JsonValue value && int.TryParse(value.ToJsonString().Trim('"'), out var number) ? number : null;

    private protected static string FieldText(JsonObject definition, string field) =>
        ProviderStore.FieldValue(definition, field) is JsonValue value
            ? value.TryGetValue<string>(out var text) ? text : value.ToJsonString()
            : "";

    // ---- routes -------------------------------------------------------------------------------

    protected override ValueTask<bool> AuthorizeAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)) return ValueTask.FromResult(true);
        var key = context.Request.Headers["X-Api-Key"].ToString();
        if (key.Length == 0) key = context.Request.Query["apikey"].ToString();
        if (key.Length > 0 && string.Equals(key, ApiKey, StringComparison.Ordinal)) return ValueTask.FromResult(true);
        // Recorded: sonarr system/status_401_wrong_key.json — 401, no content type, empty body.
        return new ValueTask<bool>(Unauthorized(context));

        static async Task<bool> Unauthorized(HttpContext context)
        {
            await context.WriteEmptyAsync(401).ConfigureAwait(false);
            return false;
        }
    }

    protected sealed override void MapRoutes(IEndpointRouteBuilder endpoints)
    {
        var api = ApiPath;
        Map(endpoints, "GET", "/ping", context => context.WriteJsonAsync(200, new JsonObject { ["status"] = "OK" }));
        Map(endpoints, "GET", $"{api}/system/status", context => context.WriteJsonAsync(200, SystemStatus()));
        Map(endpoints, "GET", $"{api}/health", context => context.WriteJsonAsync(200, new JsonArray(HealthChecks.Select(h => (JsonNode)h).ToArray())));
        Map(endpoints, "GET", $"{api}/indexerstatus", context => context.WriteJsonAsync(200, IndexerStatus()));
        Map(endpoints, "POST", $"{api}/system/restart", context => context.WriteJsonAsync(200, new JsonObject { ["restarting"] = true }));
        Map(endpoints, "GET", $"{api}/system/backup", context => context.WriteJsonAsync(200, new JsonArray(Backups.Select(b => (JsonNode)b).ToArray())));
        Map(endpoints, "DELETE", $"{api}/system/backup/{{id:int}}", DeleteBackupAsync);
        Map(endpoints, "POST", $"{api}/system/backup/restore/upload", RestoreUploadAsync);
        // Backup files are only served to a logged-in UI session: an API key gets 302 to /login (sonarr more/README.md).
        // With a UI session cookie they are served (Backup/EmulatedArr.BackupUi.cs, which also maps POST /login).
        Map(endpoints, "GET", "/backup/{type}/{file}", ServeBackupFileAsync);
        MapBackupUiRoutes(endpoints);
        Map(endpoints, "GET", $"{api}/config/host", context => context.WriteJsonAsync(200, HostConfig()));
        Map(endpoints, "PUT", $"{api}/config/host", UpdateHostConfigAsync);
        Map(endpoints, "PUT", $"{api}/config/host/{{id:int}}", UpdateHostConfigAsync);
        Map(endpoints, "GET", $"{api}/tag", context => context.WriteJsonAsync(200, new JsonArray(Tags.Select(t => (JsonNode)TagJson(t)).ToArray())));
        Map(endpoints, "GET", $"{api}/tag/{{id:int}}", GetTagAsync);
        Map(endpoints, "POST", $"{api}/tag", CreateTagAsync);
        Map(endpoints, "PUT", $"{api}/tag/{{id:int}}", UpdateTagAsync);
        Map(endpoints, "DELETE", $"{api}/tag/{{id:int}}", DeleteTagAsync);
        Map(endpoints, "GET", $"{api}/command", context => context.WriteJsonAsync(200, new JsonArray(Commands.Select(c => (JsonNode)c).ToArray())));
        Map(endpoints, "GET", $"{api}/command/{{id:int}}", GetCommandAsync);
        Map(endpoints, "POST", $"{api}/command", CreateCommandAsync);
        if (HasRootFolders)
        {
            Map(endpoints, "GET", $"{api}/rootfolder", context => context.WriteJsonAsync(200, new JsonArray(RootFolders.Select(r => (JsonNode)r).ToArray())));
            Map(endpoints, "GET", $"{api}/rootfolder/{{id:int}}", GetRootFolderAsync);
            Map(endpoints, "POST", $"{api}/rootfolder", CreateRootFolderAsync);
            Map(endpoints, "DELETE", $"{api}/rootfolder/{{id:int}}", DeleteRootFolderAsync);
        }
        var lists = StaticLists.ToList();
        if (HasQualityProfiles) lists.Add(("qualityprofile", $"{FixtureFolder}/qualityprofile.json"));
        foreach (var (resource, fixture) in lists)
        {
            Map(endpoints, "GET", $"{api}/{resource}", context => context.WriteRawJsonAsync(200, Fixtures.Text(fixture)));
            Map(endpoints, "GET", $"{api}/{resource}/{{id:int}}", context =>
            {
                var id = context.RouteInt("id");
                var item = Fixtures.Array(fixture).OfType<JsonObject>().FirstOrDefault(i => i.GetInt("id") == id);
                return item is null ? NotFoundAsync(context, resource, id) : context.WriteJsonAsync(200, item);
            });
        }
        foreach (var store in _providers.Value.Values) MapProvider(endpoints, api, store);
        MapAppRoutes(endpoints);
    }

    private void MapProvider(IEndpointRouteBuilder endpoints, string api, ProviderStore store)
    {
        var path = $"{api}/{store.Kind.Resource}";
        Map(endpoints, "GET", path, context =>
        {
            var items = store.All().OrderBy(i => i.GetString("name"), StringComparer.InvariantCulture).Select(i => (JsonNode)ProviderStore.Render(i));
            return context.WriteJsonAsync(200, new JsonArray(items.ToArray()));
        });
        Map(endpoints, "GET", $"{path}/schema", context => context.WriteJsonAsync(200, store.SchemaCopy()));
        Map(endpoints, "GET", $"{path}/{{id:int}}", context =>
        {
            var id = context.RouteInt("id") ?? 0;
            return store.Get(id) is { } item ? context.WriteJsonAsync(200, ProviderStore.Render(item)) : ProviderNotFoundAsync(context, store, id);
        });
        Map(endpoints, "POST", path, context => CreateProviderAsync(context, store));
        Map(endpoints, "PUT", path, context => UpdateProviderAsync(context, store));
        Map(endpoints, "PUT", $"{path}/{{id:int}}", context => UpdateProviderAsync(context, store));
        Map(endpoints, "DELETE", $"{path}/{{id:int}}", context => DeleteProviderAsync(context, store));
        Map(endpoints, "POST", $"{path}/test", context => TestProviderEndpointAsync(context, store));
        Map(endpoints, "POST", $"{path}/testall", context => TestAllProvidersAsync(context, store));
    }

    // ---- provider flows (Sonarr.Api.V3/ProviderControllerBase.cs order) ------------------------

    private async Task CreateProviderAsync(HttpContext context, ProviderStore store)
    {
        var forceSave = context.QueryFlag("forceSave");
        var (body, problem) = TypedBody.Parse(await context.ReadBodyTextAsync().ConfigureAwait(false), store.Kind.ResourceClrType, store.Properties);
        if (problem is not null)
        {
            await WriteProblemAsync(context, problem).ConfigureAwait(false);
            return;
        }
        var shared = SharedRules(store, body!, 0, isCreate: true);
        if (shared.Count > 0)
        {
            await WriteFailuresAsync(context, shared).ConfigureAwait(false);
            return;
        }
        var template = await ResolveTemplateAsync(context, store, body!).ConfigureAwait(false);
        if (template is null) return;
        var definition = store.Build(body!, template, null);
        OnDefinitionBuilt(store.Kind, definition, body!, null);
        if (ProviderKind.IsEnabled(definition))
        {
            if (!await ValidateAndTestAsync(context, store, definition, includeWarnings: !forceSave).ConfigureAwait(false)) return;
        }
        var saved = store.TryAdd(definition);
        if (saved is null)
        {
            await WriteFailuresAsync(context, [NameNotUnique(definition.GetString("name"))]).ConfigureAwait(false);
            return;
        }
        await OnProviderSavedAsync(store.Kind, saved, null, context.RequestAborted).ConfigureAwait(false);
        await context.WriteJsonAsync(201, ProviderStore.Render(saved)).ConfigureAwait(false);
    }

    private async Task UpdateProviderAsync(HttpContext context, ProviderStore store)
    {
        var forceSave = context.QueryFlag("forceSave");
        var (body, problem) = TypedBody.Parse(await context.ReadBodyTextAsync().ConfigureAwait(false), store.Kind.ResourceClrType, store.Properties);
        if (problem is not null)
        {
            await WriteProblemAsync(context, problem).ConfigureAwait(false);
            return;
        }
        var id = context.RouteInt("id") ?? body!.GetInt("id") ?? 0;
        var existing = store.Get(id);
        if (existing is null)
        {
            await ProviderNotFoundAsync(context, store, id).ConfigureAwait(false);
            return;
        }
        var shared = SharedRules(store, body!, id, isCreate: false);
        if (shared.Count > 0)
        {
            await WriteFailuresAsync(context, shared).ConfigureAwait(false);
            return;
        }
        var template = await ResolveTemplateAsync(context, store, body!).ConfigureAwait(false);
        if (template is null) return;
        var definition = store.Build(body!, template, existing);
        OnDefinitionBuilt(store.Kind, definition, body!, existing);
        definition["id"] = id;
        var changed = !JsonNode.DeepEquals(existing, definition);
        var enabled = ProviderKind.IsEnabled(definition);
        if (enabled)
        {
            var rules = ValidateSettings(store.Kind, definition).Where(f => !forceSave || !f.IsWarning).ToList();
            if (rules.Count > 0)
            {
                await WriteFailuresAsync(context, rules).ConfigureAwait(false);
                return;
            }
        }
        // Only a changed, enabled definition is tested, and ?forceSave=true skips the test on update.
        if (enabled && !forceSave && changed && !await TestAsync(context, store, definition, includeWarnings: true).ConfigureAwait(false)) return;
        if (changed)
        {
            if (!store.TryReplace(id, definition))
            {
                await WriteFailuresAsync(context, [NameNotUnique(definition.GetString("name"))]).ConfigureAwait(false);
                return;
            }
            await OnProviderSavedAsync(store.Kind, definition, existing, context.RequestAborted).ConfigureAwait(false);
        }
        await context.WriteJsonAsync(202, ProviderStore.Render(store.Get(id) ?? definition)).ConfigureAwait(false);
    }

    private async Task DeleteProviderAsync(HttpContext context, ProviderStore store)
    {
        var id = context.RouteInt("id") ?? 0;
        var removed = store.Remove(id);
        if (removed is null)
        {
            await ProviderNotFoundAsync(context, store, id).ConfigureAwait(false);
            return;
        }
        await OnProviderDeletedAsync(store.Kind, removed, context.RequestAborted).ConfigureAwait(false);
        // Recorded: sonarr more/sonarr_downloadclient_DELETE.json — 200 {}.
        await context.WriteJsonAsync(200, new JsonObject()).ConfigureAwait(false);
    }

    private async Task TestProviderEndpointAsync(HttpContext context, ProviderStore store)
    {
        var forceTest = context.QueryFlag("forceTest");
        var (body, problem) = TypedBody.Parse(await context.ReadBodyTextAsync().ConfigureAwait(false), store.Kind.ResourceClrType, store.Properties);
        if (problem is not null)
        {
            await WriteProblemAsync(context, problem).ConfigureAwait(false);
            return;
        }
        var template = await ResolveTemplateAsync(context, store, body!).ConfigureAwait(false);
        if (template is null) return;
        var request = body!;
        var id = request.GetInt("id") ?? 0;
        var existing = id > 0 ? store.Get(id) : null;
        var definition = store.Build(request, template, existing);
        OnDefinitionBuilt(store.Kind, definition, request, existing);
        if (!await ValidateAndTestAsync(context, store, definition, includeWarnings: !forceTest).ConfigureAwait(false)) return;
        await context.WriteJsonAsync(200, new JsonObject()).ConfigureAwait(false);
    }

    /// <summary>
    /// ProviderControllerBase.TestAll: every enabled provider whose settings validate is tested with its stored settings (real
    /// secrets), nothing is saved; [{id, isValid, validationFailures}], 400 when any is invalid. Prowlarr applications count as
    /// enabled by their syncLevel, as ApplicationDefinition.Enable does.
    /// </summary>
    private async Task TestAllProvidersAsync(HttpContext context, ProviderStore store)
    {
        var results = new JsonArray();
        foreach (var definition in store.All().OrderBy(d => d.GetInt("id")))
        {
            if (!ProviderKind.IsEnabled(definition) || definition.GetString("syncLevel") == "disabled") continue;
            if (ValidateSettings(store.Kind, definition).Any(f => !f.IsWarning)) continue;
            var tested = await TestProviderAsync(store.Kind, definition, context.RequestAborted).ConfigureAwait(false);
            IReadOnlyList<ValidationFailure> failures = tested.ExceptionMessage is null
                ? tested.Failures
                : [ValidationFailure.Test("", tested.ExceptionMessage, tested.ExceptionDescription)];
            results.Add(new JsonObject
            {
                ["id"] = definition.GetInt("id"),
                ["isValid"] = failures.Count == 0,
                ["validationFailures"] = ValidationFailure.ToJson(failures),
            });
        }
        var anyInvalid = results.OfType<JsonObject>().Any(r => r.GetBool("isValid") == false);
        await context.WriteJsonAsync(anyInvalid ? 400 : 200, results, "application/json").ConfigureAwait(false);
    }

    private async Task<bool> ValidateAndTestAsync(HttpContext context, ProviderStore store, JsonObject definition, bool includeWarnings)
    {
        var rules = ValidateSettings(store.Kind, definition).Where(f => includeWarnings || !f.IsWarning).ToList();
        if (rules.Count > 0)
        {
            await WriteFailuresAsync(context, rules).ConfigureAwait(false);
            return false;
        }
        return await TestAsync(context, store, definition, includeWarnings).ConfigureAwait(false);
    }

    private async Task<bool> TestAsync(HttpContext context, ProviderStore store, JsonObject definition, bool includeWarnings)
    {
        var result = await TestProviderAsync(store.Kind, definition, context.RequestAborted).ConfigureAwait(false);
        if (result.ExceptionMessage is not null)
        {
            await context.WriteJsonAsync(500, new JsonObject { ["message"] = result.ExceptionMessage, ["description"] = result.ExceptionDescription }).ConfigureAwait(false);
            return false;
        }
        var failures = result.Failures.Where(f => includeWarnings || !f.IsWarning).ToList();
        if (failures.Count == 0) return true;
        await WriteFailuresAsync(context, failures).ConfigureAwait(false);
        return false;
    }

    /// <summary>The controller's SharedValidator/PostValidator rules.</summary>
    private List<ValidationFailure> SharedRules(ProviderStore store, JsonObject body, int id, bool isCreate)
    {
        var failures = new List<ValidationFailure>();
        var name = body.GetString("name");
        if (string.IsNullOrWhiteSpace(name))
            failures.Add(Rule("Name", "'Name' must not be empty.", "NotEmptyValidator", name is null ? null : JsonValue.Create(name)));
        else if (store.NameTaken(name, id))
            failures.Add(NameNotUnique(name));
        if (string.IsNullOrWhiteSpace(body.GetString("implementation")))
            failures.Add(Rule("Implementation", "'Implementation' must not be empty.", "NotEmptyValidator", body["implementation"]));
        if (string.IsNullOrWhiteSpace(body.GetString("configContract")))
            failures.Add(Rule("ConfigContract", "'Config Contract' must not be empty.", "NotEmptyValidator", body["configContract"]));
        if (isCreate && body["fields"] is null)
            failures.Add(Rule("Fields", "'Fields' must not be null.", "NotNullValidator", null));
        failures.AddRange(ResourceRules(store.Kind, body));
        return failures;
    }

    private static ValidationFailure NameNotUnique(string? name) =>
        Rule("Name", "Should be unique", "PredicateValidator", name is null ? null : JsonValue.Create(name));

    /// <summary>
    /// The implementation's template. An unknown configContract fails inside the resource mapper with a 500
    /// (recorded: sonarr indexer/POST_implementation_Prowlarr.json); an unknown implementation with a known
    /// contract fails when the provider is instantiated.
    /// </summary>
    private async Task<JsonObject?> ResolveTemplateAsync(HttpContext context, ProviderStore store, JsonObject body)
    {
        var implementation = body.GetString("implementation") ?? "";
        var configContract = body.GetString("configContract") ?? "";
        if (!store.HasConfigContract(configContract))
        {
            var recorded = Fixtures.Object("sonarr/indexer/POST_500_implementation_Prowlarr.json");
            var description = (recorded.GetString("description") ?? "")
                .Replace("Sonarr.Api.V3", ApiNamespace, StringComparison.Ordinal)
                .Replace("Sonarr", AppName, StringComparison.Ordinal);
            await context.WriteJsonAsync(500, new JsonObject { ["message"] = recorded.GetString("message"), ["description"] = description }).ConfigureAwait(false);
            return null;
        }
        var template = store.Template(implementation, body.GetString("name"));
        if (template is null)
        {
            const string message = "Sequence contains no matching element";
            await context.WriteJsonAsync(500, new JsonObject
            {
                ["message"] = message,
                ["description"] = $"System.InvalidOperationException: {message}\n   at System.Linq.ThrowHelper.ThrowNoMatchException()\n   at NzbDrone.Core.ThingiProvider.ProviderFactory`2.GetInstance(TProviderDefinition definition)",
            }).ConfigureAwait(false);
        }
        return template;
    }

    private Task ProviderNotFoundAsync(HttpContext context, ProviderStore store, int id) =>
        context.WriteJsonAsync(404, new JsonObject { ["message"] = $"{store.Kind.DefinitionName} with ID {id} does not exist" });

    private static Task NotFoundAsync(HttpContext context, string what, int? id) =>
        context.WriteJsonAsync(404, new JsonObject { ["message"] = $"{what} with ID {id} does not exist" });

    private static Task WriteProblemAsync(HttpContext context, JsonObject problem) =>
        context.WriteJsonAsync(400, problem, "application/problem+json; charset=utf-8");

    private static Task WriteFailuresAsync(HttpContext context, IEnumerable<ValidationFailure> failures) =>
        context.WriteJsonAsync(400, ValidationFailure.ToJson(failures), "application/json");

    private ProviderStore Store(string resource) =>
        _providers.Value.TryGetValue(resource, out var store)
            ? store
            : throw new ArgumentException($"{AppName} has no provider resource '{resource}'. Known: {string.Join(", ", _providers.Value.Keys)}", nameof(resource));

    private protected ProviderStore? FindStore(string resource) => _providers.Value.GetValueOrDefault(resource);

    private static string WebhookStackTrace(string error)
    {
        var recorded = Fixtures.Object("sonarr/notification/POST_500_webhook_unresolvable.json");
        return (recorded.GetString("description") ?? "").Replace(recorded.GetString("message") ?? "\u0000", error, StringComparison.Ordinal);
    }

    private static bool IsBlank(JsonObject definition, string field) =>
        ProviderStore.FieldValue(definition, field) is not JsonValue value || (value.TryGetValue<string>(out var text) && string.IsNullOrWhiteSpace(text));

    private static bool IsHttpUrl(JsonObject definition, string field) =>
        Uri.TryCreate(FieldText(definition, field), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    // ---- system, config, tags -----------------------------------------------------------------

    private JsonObject SystemStatus()
    {
        // Shape: recorded {app}/system/status.json.
        var status = Fixtures.Object($"{FixtureFolder}/system/status.json");
        status["instanceName"] = InstanceName;
        status["urlBase"] = UrlBase;
        status["startTime"] = JsonHttp.Iso(_startTime);
        return status;
    }

    private JsonObject HostConfig()
    {
        lock (_gate)
        {
            if (_hostConfig is null)
            {
                // Shape: recorded {app}/config/host.json.
                var config = Fixtures.Object($"{FixtureFolder}/config/host.json");
                config["apiKey"] = ApiKey;
                config["port"] = Port;
                config["urlBase"] = UrlBase;
                config["instanceName"] = InstanceName;
                _hostConfig = config;
            }
            return (JsonObject)_hostConfig.DeepClone();
        }
    }

    private async Task UpdateHostConfigAsync(HttpContext context)
    {
        var body = JsonNode.Parse(await context.ReadBodyTextAsync().ConfigureAwait(false)) as JsonObject;
        if (body is null)
        {
            await WriteProblemAsync(context, TypedBody.ProblemDetails("$", "The JSON value could not be converted to HostConfigResource.")).ConfigureAwait(false);
            return;
        }
        var config = HostConfig();
        foreach (var (key, value) in body)
        {
            if (key is "apiKey" or "id") continue;
            config[key] = value?.DeepClone();
        }
        lock (_gate) _hostConfig = config;
        await context.WriteJsonAsync(202, HostConfig()).ConfigureAwait(false);
    }

    private static JsonObject TagJson(ArrTag tag) => new() { ["label"] = tag.Label, ["id"] = tag.Id };

    private ArrTag AddTagLocked(string label)
    {
        var lower = label.ToLowerInvariant();
        var existing = _tags.FirstOrDefault(t => t.Label == lower);
        if (existing is not null) return existing;
        var tag = new ArrTag(++_lastTagId, lower);
        _tags.Add(tag);
        return tag;
    }

    private Task GetTagAsync(HttpContext context)
    {
        var id = context.RouteInt("id");
        var tag = Tags.FirstOrDefault(t => t.Id == id);
        return tag is null ? NotFoundAsync(context, "Tag", id) : context.WriteJsonAsync(200, TagJson(tag));
    }

    private async Task CreateTagAsync(HttpContext context)
    {
        var (body, problem) = TypedBody.Parse(await context.ReadBodyTextAsync().ConfigureAwait(false), $"{ApiNamespace}.Tags.TagResource",
            new Dictionary<string, PropertySpec>(StringComparer.OrdinalIgnoreCase) { ["label"] = new("label", PropertyKind.String, "System.String") });
        if (problem is not null)
        {
            await WriteProblemAsync(context, problem).ConfigureAwait(false);
            return;
        }
        if (LabelFailures(body!) is { Count: > 0 } failures)
        {
            await WriteFailuresAsync(context, failures).ConfigureAwait(false);
            return;
        }
        ArrTag tag;
        lock (_gate) tag = AddTagLocked(body!.GetString("label")!);
        // Recorded: prowlarr tag/POST_201.json — {"label":"e2e","id":1}.
        await context.WriteJsonAsync(201, TagJson(tag)).ConfigureAwait(false);
    }

    private async Task UpdateTagAsync(HttpContext context)
    {
        var id = context.RouteInt("id") ?? 0;
        var body = JsonNode.Parse(await context.ReadBodyTextAsync().ConfigureAwait(false), JsonHttp.CaseInsensitive) as JsonObject ?? [];
        if (LabelFailures(body) is { Count: > 0 } failures)
        {
            await WriteFailuresAsync(context, failures).ConfigureAwait(false);
            return;
        }
        ArrTag? updated = null;
        lock (_gate)
        {
            var index = _tags.FindIndex(t => t.Id == id);
            if (index >= 0) _tags[index] = updated = new ArrTag(id, body.GetString("label")!.ToLowerInvariant());
        }
        if (updated is null) await NotFoundAsync(context, "Tag", id).ConfigureAwait(false);
        else await context.WriteJsonAsync(202, TagJson(updated)).ConfigureAwait(false);
    }

    private Task DeleteTagAsync(HttpContext context)
    {
        var id = context.RouteInt("id");
        bool removed;
        lock (_gate) removed = _tags.RemoveAll(t => t.Id == id) > 0;
        return removed ? context.WriteJsonAsync(200, new JsonObject()) : NotFoundAsync(context, "Tag", id);
    }

    private static List<ValidationFailure> LabelFailures(JsonObject body)
    {
        var label = body.GetString("label");
        if (string.IsNullOrEmpty(label)) return [Rule("Label", "'Label' must not be empty.", "NotEmptyValidator", label is null ? null : JsonValue.Create(label), includeIsWarning: false)];
        if (!TagLabel.IsMatch(label)) return [Rule("Label", "Allowed characters a-z, 0-9 and -", "RegularExpressionValidator", JsonValue.Create(label), includeIsWarning: false)];
        return [];
    }

    // ---- root folders -------------------------------------------------------------------------

    private Task GetRootFolderAsync(HttpContext context)
    {
        var id = context.RouteInt("id");
        var folder = RootFolders.FirstOrDefault(r => r.GetInt("id") == id);
        return folder is null ? NotFoundAsync(context, "RootFolder", id) : context.WriteJsonAsync(200, folder);
    }

    private async Task CreateRootFolderAsync(HttpContext context)
    {
        var properties = new Dictionary<string, PropertySpec>(StringComparer.OrdinalIgnoreCase)
        {
            ["path"] = new("path", PropertyKind.String, "System.String"),
            ["name"] = new("name", PropertyKind.String, "System.String"),
            ["defaultQualityProfileId"] = new("defaultQualityProfileId", PropertyKind.Int, "System.Int32"),
            ["defaultMetadataProfileId"] = new("defaultMetadataProfileId", PropertyKind.Int, "System.Int32"),
            ["defaultTags"] = PropertySpec.Infer("tags", null),
        };
        var (body, problem) = TypedBody.Parse(await context.ReadBodyTextAsync().ConfigureAwait(false), $"{ApiNamespace}.RootFolders.RootFolderResource", properties);
        if (problem is not null)
        {
            await WriteProblemAsync(context, problem).ConfigureAwait(false);
            return;
        }
        var failures = ValidateRootFolder(body!).ToList();
        if (failures.Count > 0)
        {
            await WriteFailuresAsync(context, failures).ConfigureAwait(false);
            return;
        }
        JsonObject? folder = null;
        var request = body!;
        lock (_gate)
        {
            var path = NormalizePath(request.GetString("path")!);
            if (_rootFolders.All(r => NormalizePath(r.GetString("path") ?? "") != path))
            {
                folder = BuildRootFolder(request, ++_lastRootFolderId);
                _rootFolders.Add(folder);
                folder = (JsonObject)folder.DeepClone();
            }
        }
        if (folder is null)
        {
            await WriteFailuresAsync(context, ValidateRootFolder(body!).ToList()).ConfigureAwait(false);
            return;
        }
        await context.WriteJsonAsync(201, folder).ConfigureAwait(false);
    }

    private Task DeleteRootFolderAsync(HttpContext context)
    {
        var id = context.RouteInt("id");
        bool removed;
        lock (_gate) removed = _rootFolders.RemoveAll(r => r.GetInt("id") == id) > 0;
        return removed ? context.WriteJsonAsync(200, new JsonObject()) : NotFoundAsync(context, "RootFolder", id);
    }

    private static string NormalizePath(string path)
    {
        var trimmed = path.Trim();
        return trimmed.Length > 1 ? trimmed.TrimEnd('/') : trimmed;
    }

    // ---- commands and backups -----------------------------------------------------------------

    private async Task CreateCommandAsync(HttpContext context)
    {
        var body = JsonNode.Parse(await context.ReadBodyTextAsync().ConfigureAwait(false) is { Length: > 0 } text ? text : "null", JsonHttp.CaseInsensitive) as JsonObject;
        var name = body?.GetString("name");
        if (body is null || string.IsNullOrWhiteSpace(name))
        {
            await WriteFailuresAsync(context, [Rule("Name", "'Name' must not be empty.", "NotEmptyValidator", name is null ? null : JsonValue.Create(name), includeIsWarning: false)]).ConfigureAwait(false);
            return;
        }
        var now = DateTimeOffset.UtcNow;
        CommandState state;
        lock (_gate)
        {
            var id = ++_lastCommandId;
            state = new CommandState(BuildCommand(name, body, now, id), now);
            _commands[id] = state;
        }
        var snapshot = (JsonObject)state.Resource.DeepClone();
        state.Completion = Task.Run(() => RunCommandAsync(state, name, body));
        await context.WriteJsonAsync(201, snapshot).ConfigureAwait(false);
    }

    private async Task RunCommandAsync(CommandState state, string name, JsonObject body)
    {
        CommandOutcome outcome;
        try
        {
            outcome = await ExecuteCommandAsync(name, body, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            outcome = new CommandOutcome(false, "Failed", ex.ToString());
        }
        var ended = DateTimeOffset.UtcNow;
        lock (_gate)
        {
            var resource = state.Resource;
            var completed = new JsonObject();
            foreach (var (key, value) in resource)
            {
                if (key == "body") completed["message"] = outcome.Message;
                completed[key] = value?.DeepClone();
                if (key == "started")
                {
                    completed["ended"] = JsonHttp.Iso(ended);
                    completed["duration"] = (ended - state.Started).ToString("c", System.Globalization.CultureInfo.InvariantCulture);
                }
            }
            completed["status"] = outcome.Success ? "completed" : "failed";
            if (completed.ContainsKey("result")) completed["result"] = outcome.Success ? "successful" : "unsuccessful";
            if (outcome.Exception is not null) completed["exception"] = outcome.Exception;
            state.Resource = completed;
        }
    }

    private async Task GetCommandAsync(HttpContext context)
    {
        var id = context.RouteInt("id") ?? 0;
        CommandState? state;
        lock (_gate) state = _commands.GetValueOrDefault(id);
        if (state is null)
        {
            await NotFoundAsync(context, "Command", id).ConfigureAwait(false);
            return;
        }
        // The work runs in the background; a poll waits briefly for it so tests see a final state quickly.
        if (state.Completion is { IsCompleted: false } running)
            await Task.WhenAny(running, Task.Delay(TimeSpan.FromSeconds(5), context.RequestAborted)).ConfigureAwait(false);
        JsonObject snapshot;
        lock (_gate) snapshot = (JsonObject)state.Resource.DeepClone();
        await context.WriteJsonAsync(200, snapshot).ConfigureAwait(false);
    }

    /// <summary>Command shape recorded in sonarr more/sonarr_command_POST_Backup.json and prowlarr command/POST_ApplicationIndexerSync.json.</summary>
    private protected virtual JsonObject BuildCommand(string name, JsonObject request, DateTimeOffset now, int id)
    {
        var time = JsonHttp.Iso(now);
        var isBackup = string.Equals(name, "Backup", StringComparison.OrdinalIgnoreCase);
        var body = new JsonObject();
        if (isBackup) body["type"] = request.GetString("type") ?? "manual";
        foreach (var (key, value) in request)
            if (!string.Equals(key, "name", StringComparison.OrdinalIgnoreCase) && !body.ContainsKey(key)) body[key] = value?.DeepClone();
        body["sendUpdatesToClient"] = true;
        body["updateScheduledTask"] = !isBackup;
        body["requiresDiskAccess"] = false;
        body["isExclusive"] = false;
        body["isLongRunning"] = false;
        body["name"] = name;
        body["trigger"] = "manual";
        body["suppressMessages"] = false;
        return new JsonObject
        {
            ["name"] = name,
            ["commandName"] = Regex.Replace(name, "(?<=[a-z])(?=[A-Z])", " "),
            ["body"] = body,
            ["priority"] = "normal",
            ["status"] = "started",
            ["result"] = "unknown",
            ["queued"] = time,
            ["started"] = time,
            ["trigger"] = "manual",
            ["stateChangeTime"] = time,
            ["sendUpdatesToClient"] = true,
            ["updateScheduledTask"] = !isBackup,
            ["id"] = id,
        };
    }

    private void AddBackup(string type)
    {
        var now = DateTimeOffset.UtcNow;
        var name = $"{AppName.ToLowerInvariant()}_backup_v{Version}_{now.UtcDateTime:yyyy.MM.dd_HH.mm.ss}.zip";
        // Shape: recorded sonarr more/sonarr_system_backup_GET.json.
        var backup = new JsonObject
        {
            ["name"] = name,
            ["path"] = $"/backup/{type}/{name}",
            ["type"] = type,
            ["size"] = 16192,
            ["time"] = JsonHttp.Iso(now),
        };
        lock (_gate)
        {
            backup["id"] = 1_000_000_000 + _backups.Count + 1;
            _backups.Insert(0, backup);
        }
    }

    private Task DeleteBackupAsync(HttpContext context)
    {
        var id = context.RouteInt("id");
        bool removed;
        lock (_gate) removed = _backups.RemoveAll(b => b.GetInt("id") == id) > 0;
        return removed ? context.WriteJsonAsync(200, new JsonObject()) : NotFoundAsync(context, "Backup", id);
    }

    private async Task RestoreUploadAsync(HttpContext context)
    {
        if (!context.Request.HasFormContentType)
        {
            await context.WriteJsonAsync(500, new JsonObject { ["message"] = "Cannot find central directory" }).ConfigureAwait(false);
            return;
        }
        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        var file = form.Files.Count > 0 ? form.Files[0] : null;
        if (file is null || file.Length < 22)
        {
            await context.WriteJsonAsync(500, new JsonObject { ["message"] = "Cannot find central directory" }).ConfigureAwait(false);
            return;
        }
        // Recorded: sonarr more/sonarr_system_backup_restore_upload.json.
        await context.WriteJsonAsync(200, new JsonObject { ["restartRequired"] = true }).ConfigureAwait(false);
    }

    private protected sealed record CommandOutcome(bool Success, string Message, string? Exception);

    private protected sealed record ProviderTestResult(IReadOnlyList<ValidationFailure> Failures, string? ExceptionMessage, string? ExceptionDescription)
    {
        public static ProviderTestResult Exception(string message, string description) => new([], message, description);
    }

    private sealed class CommandState(JsonObject resource, DateTimeOffset started)
    {
        public JsonObject Resource { get; set; } = resource;
        public DateTimeOffset Started { get; } = started;
        public Task? Completion { get; set; }
    }

    private sealed record InjectedFailure(string Resource, string? Implementation, ValidationFailure Failure);
}
