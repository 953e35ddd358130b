using System.Text.Json.Nodes;
using StarrOps.Core.Hosting;
using StarrOps.Core.Http;
using StarrOps.Core.Instances;

namespace StarrOps.Core.Arr;

/// <summary>
/// What every Servarr app (Sonarr, Radarr, Lidarr, Readarr, Prowlarr) shares: status, health, ping,
/// tags, root folders, provider resources and commands. Each app's own class says only what differs
/// (API version, download-category field, root-folder rules); no code here mentions an app by name.
/// </summary>
public abstract class ArrClient : IDisposable
{
    private readonly Dictionary<ProviderKind, IReadOnlyList<ProviderResource>> _schemaCache = new();
    private readonly SemaphoreSlim _schemaLock = new(1, 1);

    protected ArrClient(StarrInstance instance, IStarrHost? host)
    {
        Http = new StarrHttpClient(instance, host, StarrHttpClient.ApiKeyHeader(instance));
    }

    public StarrInstance Instance => Http.Instance;
    protected StarrHttpClient Http { get; }

    /// <summary>"api/v3" for Sonarr and Radarr, "api/v1" for the others.</summary>
    public abstract string ApiRoot { get; }

    /// <summary>The provider collections this app has.</summary>
    public virtual IReadOnlyList<ProviderKind> ProviderKinds { get; } =
        [ProviderKind.Indexer, ProviderKind.DownloadClient, ProviderKind.Notification, ProviderKind.ImportList];

    public virtual bool HasRootFolders => true;

    /// <summary>Name of the download-client field that holds the category (tvCategory, movieCategory, musicCategory …).</summary>
    public virtual string? DownloadCategoryField => null;

    /// <summary>Default download category, as the app's own templates propose it (tv-sonarr, radarr …).</summary>
    public virtual string? DefaultDownloadCategory => null;

    protected string Api(string path) => $"{ApiRoot}/{path.TrimStart('/')}";

    /// <summary>Anonymous liveness probe: GET /ping answers {"status":"OK"} without a key.</summary>
    public async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        var answer = await Http.GetJsonAsync("ping", cancellationToken).ConfigureAwait(false);
        return string.Equals(answer?["status"]?.GetValue<string>(), "OK", StringComparison.OrdinalIgnoreCase);
    }

    public async Task<SystemStatus> GetSystemStatusAsync(CancellationToken cancellationToken) =>
        await Http.GetAsync<SystemStatus>(Api("system/status"), cancellationToken).ConfigureAwait(false) with { Instance = Instance.Name };

    public async Task<IReadOnlyList<HealthItem>> GetHealthAsync(CancellationToken cancellationToken) =>
        (await Http.GetAsync<List<HealthItem>>(Api("health"), cancellationToken).ConfigureAwait(false))
        .Select(h => h with { Instance = Instance.Name }).ToList();

    public async Task<IReadOnlyList<StarrTag>> GetTagsAsync(CancellationToken cancellationToken) =>
        (await Http.GetListAsync(Api("tag"), StarrTag.Read, cancellationToken).ConfigureAwait(false))
        .Select(t => t with { Instance = Instance.Name }).ToList();

    public async Task<StarrTag> AddTagAsync(string label, CancellationToken cancellationToken)
    {
        var created = await Http.SendJsonAsync(HttpMethod.Post, Api("tag"), new JsonObject { ["label"] = label }, cancellationToken).ConfigureAwait(false);
        return StarrTag.Read(JsonFields.Of(created, "POST " + Api("tag"))) with { Instance = Instance.Name };
    }

    public async Task<IReadOnlyList<QualityProfile>> GetQualityProfilesAsync(CancellationToken cancellationToken) =>
        await Http.GetAsync<List<QualityProfile>>(Api("qualityprofile"), cancellationToken).ConfigureAwait(false);

    public async Task<IReadOnlyList<RootFolder>> GetRootFoldersAsync(CancellationToken cancellationToken)
    {
        EnsureRootFolders();
        return (await Http.GetListAsync(Api("rootfolder"), RootFolder.Read, cancellationToken).ConfigureAwait(false))
            .Select(r => r with { Instance = Instance.Name }).ToList();
    }

    /// <summary>Adds a root folder. Apps that need more than a path (Lidarr, Readarr) fill it in <see cref="CompleteRootFolderAsync"/>.</summary>
    public async Task<RootFolder> AddRootFolderAsync(RootFolderRequest request, CancellationToken cancellationToken)
    {
        EnsureRootFolders();
        var body = new JsonObject { ["path"] = request.Path };
        await CompleteRootFolderAsync(body, request, cancellationToken).ConfigureAwait(false);
        var created = await Http.SendJsonAsync(HttpMethod.Post, Api("rootfolder"), body, cancellationToken).ConfigureAwait(false);
        return RootFolder.Read(JsonFields.Of(created, "POST " + Api("rootfolder"))) with { Instance = Instance.Name };
    }

    protected virtual Task CompleteRootFolderAsync(JsonObject body, RootFolderRequest request, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>For apps whose root folders carry a name and default profiles: fills what the request leaves out (first profile of each kind).</summary>
    protected async Task AddNameAndProfilesAsync(JsonObject body, RootFolderRequest request, CancellationToken cancellationToken)
    {
        body["name"] = request.Name ?? System.IO.Path.GetFileName(request.Path.TrimEnd('/'));
        body["defaultQualityProfileId"] = request.QualityProfileId ?? await FirstIdAsync("qualityprofile", cancellationToken).ConfigureAwait(false);
        body["defaultMetadataProfileId"] = request.MetadataProfileId ?? await FirstIdAsync("metadataprofile", cancellationToken).ConfigureAwait(false);
    }

    private async Task<int> FirstIdAsync(string collection, CancellationToken cancellationToken)
    {
        var list = await Http.GetJsonAsync(Api(collection), cancellationToken).ConfigureAwait(false);
        return (list as JsonArray)?.OfType<JsonObject>().Select(o => o["id"]?.GetValue<int>()).FirstOrDefault(id => id is not null)
               ?? throw new StarrConfigurationException($"{Instance.Name} has no {collection}; create one in the app before adding a root folder.");
    }

    public async Task RemoveRootFolderAsync(int id, CancellationToken cancellationToken)
    {
        EnsureRootFolders();
        await Http.SendJsonAsync(HttpMethod.Delete, Api($"rootfolder/{id}"), null, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<ProviderResource>> GetProvidersAsync(ProviderKind kind, CancellationToken cancellationToken)
    {
        EnsureProviderKind(kind);
        var list = await Http.GetJsonAsync(Api(kind.Path()), cancellationToken).ConfigureAwait(false);
        return ToResources(list, kind);
    }

    /// <summary>The /schema templates of a provider collection, fetched once per client.</summary>
    public async Task<IReadOnlyList<ProviderResource>> GetSchemaAsync(ProviderKind kind, CancellationToken cancellationToken)
    {
        EnsureProviderKind(kind);
        await _schemaLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_schemaCache.TryGetValue(kind, out var cached)) return cached;
            var list = await Http.GetJsonAsync(Api($"{kind.Path()}/schema"), cancellationToken).ConfigureAwait(false);
            var templates = ToResources(list, kind);
            _schemaCache[kind] = templates;
            return templates;
        }
        finally
        {
            _schemaLock.Release();
        }
    }

    /// <summary>POST a new provider; 201 answers the stored resource. <paramref name="forceSave"/> overrides warnings, not failed connection tests.</summary>
    public async Task<ProviderResource> CreateProviderAsync(ProviderResource resource, bool forceSave, CancellationToken cancellationToken)
    {
        var path = Api(resource.Kind.Path()) + (forceSave ? "?forceSave=true" : "");
        var created = await Http.SendJsonAsync(HttpMethod.Post, path, resource.Json, cancellationToken).ConfigureAwait(false);
        return created is JsonObject obj ? new ProviderResource(obj, resource.Kind, Instance.Name) : resource;
    }

    /// <summary>PUT the whole resource back (202).</summary>
    public async Task<ProviderResource> UpdateProviderAsync(ProviderResource resource, bool forceSave, CancellationToken cancellationToken)
    {
        var path = Api($"{resource.Kind.Path()}/{resource.Id}") + (forceSave ? "?forceSave=true" : "");
        var updated = await Http.SendJsonAsync(HttpMethod.Put, path, resource.Json, cancellationToken).ConfigureAwait(false);
        return updated is JsonObject obj ? new ProviderResource(obj, resource.Kind, Instance.Name) : resource;
    }

    public async Task RemoveProviderAsync(ProviderKind kind, int id, CancellationToken cancellationToken)
    {
        EnsureProviderKind(kind);
        await Http.SendJsonAsync(HttpMethod.Delete, Api($"{kind.Path()}/{id}"), null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Ids of the indexers the app is backing off from after failed queries (GET /indexerstatus).</summary>
    public async Task<IReadOnlySet<int>> GetFailingIndexerIdsAsync(CancellationToken cancellationToken)
    {
        var list = await Http.GetJsonAsync(Api("indexerstatus"), cancellationToken).ConfigureAwait(false);
        return (list as JsonArray ?? []).OfType<JsonObject>()
            .Select(s => s["indexerId"] is JsonValue v && v.TryGetValue<int>(out var id) ? id : 0).Where(id => id > 0).ToHashSet();
    }

    /// <summary>
    /// POST /{collection}/testall: the app tests every enabled provider of the collection with its stored settings (secrets
    /// included) and saves nothing. One result per tested provider; the app answers 400 when any is invalid.
    /// </summary>
    public async Task<IReadOnlyList<ProviderTestResult>> TestAllProvidersAsync(ProviderKind kind, CancellationToken cancellationToken)
    {
        EnsureProviderKind(kind);
        var path = Api($"{kind.Path()}/testall");
        using var response = await Http.SendAsync(() => new HttpRequestMessage(HttpMethod.Post, Instance.Resolve(path)), path, cancellationToken,
            alsoAccept: System.Net.HttpStatusCode.BadRequest).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        JsonNode? answer;
        try
        {
            answer = string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text);
        }
        catch (System.Text.Json.JsonException)
        {
            answer = null;
        }
        if (answer is not JsonArray results || results.OfType<JsonObject>().Any(r => r["id"] is null))
        {
            // A 400 that is not a result list is an ordinary error (e.g. problem details).
            if (response.StatusCode == System.Net.HttpStatusCode.BadRequest) throw StarrErrorParser.Parse(Instance.Name, "POST", path, response.StatusCode, text);
            throw new StarrApiException(Instance.Name, "POST", path, response.StatusCode, "expected a list of test results", [], StarrHttpClient.Truncate(text));
        }
        return results.OfType<JsonObject>().Select(r => new ProviderTestResult(
            r["id"]!.GetValue<int>(),
            (r["validationFailures"] as JsonArray ?? []).OfType<JsonObject>().Select(StarrErrorParser.FromServarr).ToList())).ToList();
    }

    /// <summary>Starts a command (Backup, ApplicationIndexerSync …) and, when <paramref name="waitTimeout"/> is set, polls until it finishes.</summary>
    public async Task<CommandStatus> RunCommandAsync(string name, JsonObject? arguments, TimeSpan? waitTimeout, CancellationToken cancellationToken)
    {
        var body = arguments?.DeepClone().AsObject() ?? new JsonObject();
        body["name"] = name;
        var started = StarrHttpClient.Deserialize<CommandStatus>(
            await Http.SendJsonAsync(HttpMethod.Post, Api("command"), body, cancellationToken).ConfigureAwait(false), "POST", Api("command")) with { Instance = Instance.Name };
        if (waitTimeout is null) return started;
        var deadline = DateTimeOffset.UtcNow + waitTimeout.Value;
        var status = started;
        var delay = TimeSpan.FromMilliseconds(100);
        while (!status.IsFinished)
        {
            if (DateTimeOffset.UtcNow > deadline)
                throw new StarrConnectionException(Instance.Name, Instance.Url, $"{Instance.Name}: command {name} (id {status.Id}) did not finish within {waitTimeout.Value.TotalSeconds:0} s; it is still '{status.Status}'.", timedOut: true);
            Http.Host.WriteProgress(new StarrProgress(1, $"{Instance.Name}: {name}", status.Status));
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 2000));
            status = await Http.GetAsync<CommandStatus>(Api($"command/{status.Id}"), cancellationToken).ConfigureAwait(false) with { Instance = Instance.Name };
        }
        Http.Host.WriteProgress(new StarrProgress(1, $"{Instance.Name}: {name}", status.Status, 100, Completed: true));
        return status;
    }

    public void Dispose()
    {
        Http.Dispose();
        _schemaLock.Dispose();
        GC.SuppressFinalize(this);
    }

    private IReadOnlyList<ProviderResource> ToResources(JsonNode? list, ProviderKind kind) =>
        list is JsonArray array
            ? array.OfType<JsonObject>().Select(o => new ProviderResource(o, kind, Instance.Name)).ToList()
            : throw new StarrApiException(Instance.Name, "GET", Api(kind.Path()), System.Net.HttpStatusCode.OK, "expected a JSON list", [], list?.ToJsonString());

    private void EnsureProviderKind(ProviderKind kind)
    {
        if (!ProviderKinds.Contains(kind))
            throw new StarrConfigurationException($"{Instance.Name} is {Instance.Kind}, which has no {kind.Describe()}s.");
    }

    private void EnsureRootFolders()
    {
        if (!HasRootFolders) throw new StarrConfigurationException($"{Instance.Name} is {Instance.Kind}, which has no root folders.");
    }
}

/// <summary>What an app's own test said of one stored provider (testall): valid when no failure is an error.</summary>
public sealed record ProviderTestResult(int Id, IReadOnlyList<StarrValidationFailure> Failures)
{
    public IReadOnlyList<StarrValidationFailure> Errors => Failures.Where(f => !f.IsWarning).ToList();
    public bool IsValid => Errors.Count == 0;
}

/// <summary>A root folder to add. Name and profiles matter only to Lidarr and Readarr; when absent the first profile is used.</summary>
public sealed record RootFolderRequest(string Path)
{
    public string? Name { get; init; }
    public int? QualityProfileId { get; init; }
    public int? MetadataProfileId { get; init; }
}
