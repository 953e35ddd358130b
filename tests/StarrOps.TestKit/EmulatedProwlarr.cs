using System.Net;
using System.Text.Json.Nodes;
using System.Text.Json;
namespace StarrOps.TestKit;

/// <summary>
/// Prowlarr 2.3.6 at /api/v1 (fixtures recorded from a real server; see Fixtures/prowlarr). Applications link
/// Prowlarr to Sonarr/Radarr/Lidarr/Readarr and are tested in both directions when saved enabled; indexers
/// are pushed into the linked apps over HTTP (through the shared <see cref="EmulatedNetwork"/>, so the apps'
/// own validation and request logs apply) as Torznab/Newznab indexers named "X (Prowlarr)" with baseUrl
/// "{prowlarrUrl}/{id}/", only when the categories overlap (recorded: sonarr indexer/GET_after_prowlarr_sync.json).
/// Sync runs when an application or indexer is saved (as Prowlarr's event handlers do) and on
/// POST /api/v1/command {"name":"ApplicationIndexerSync"}; a sync whose target is down fails the command.
/// </summary>
public sealed class EmulatedProwlarr : EmulatedArr
{
    private readonly object _mapGate = new();
    private readonly List<string> _syncErrors = [];

    // (application id, Prowlarr indexer id) → the indexer id inside the app (Prowlarr's AppIndexerMap).
    private readonly Dictionary<(int App, int Indexer), int> _indexerMap = [];

    public EmulatedProwlarr(EmulatedArrOptions? options = null) : base(options, "prowlarr")
    {
    }

    public override string AppName => "Prowlarr";

    public override int ApiVersion => 1;

    /// <summary>Errors of the latest syncs triggered by saves (commands report theirs in the command).</summary>
    public IReadOnlyList<string> SyncErrors
    {
        get { lock (_mapGate) return _syncErrors.ToArray(); }
    }

    private protected override string FixtureFolder => "prowlarr";

    private protected override string ApiNamespace => "Prowlarr.Api.V1";

    private protected override bool HasRootFolders => false;

    private protected override bool HasQualityProfiles => false;

    private protected override IEnumerable<(string Resource, string Fixture)> StaticLists => [("appprofile", "prowlarr/appprofile.json")];

    private protected override IEnumerable<ProviderKind> CreateProviderKinds() =>
    [
        new ProviderKind
        {
            Resource = "applications",
            SchemaFixture = "prowlarr/applications/schema.json",
            ResourceClrType = "Prowlarr.Api.V1.Applications.ApplicationResource",
            DefinitionName = "ApplicationDefinition",
            Enums = new Dictionary<string, EnumSpec> { ["syncLevel"] = EnumSpec.ApplicationSyncLevel },
        },
        ProviderKind.Indexer(AppName, "V1", "prowlarr/indexer/schema.json", new Dictionary<string, EnumSpec> { ["privacy"] = EnumSpec.IndexerPrivacy }),
        ProviderKind.DownloadClient(AppName, "V1", "prowlarr/downloadclient/schema.json"),
        ProviderKind.Notification(AppName, "V1", "prowlarr/notification/schema.json"),
        new ProviderKind
        {
            Resource = "indexerproxy",
            SchemaFixture = "prowlarr/indexerproxy/schema.json",
            ResourceClrType = "Prowlarr.Api.V1.IndexerProxies.IndexerProxyResource",
            DefinitionName = "IndexerProxyDefinition",
        },
    ];

    private protected override IEnumerable<ValidationFailure> ResourceRules(ProviderKind kind, JsonObject body)
    {
        if (kind.Resource != "indexer") yield break;
        var profile = body.GetInt("appProfileId") ?? 0;
        if (profile == 0)
            yield return Rule("AppProfileId", "'App Profile Id' must not be equal to '0'.", "NotEqualValidator", JsonValue.Create(profile), includeIsWarning: false,
                placeholders: [new("comparisonValue", 0), new("comparisonProperty", "")]);
        else if (Fixtures.Array("prowlarr/appprofile.json").OfType<JsonObject>().All(p => p.GetInt("id") != profile))
            yield return Rule("AppProfileId", "App Profile does not exist", "AppProfileExistsValidator", JsonValue.Create(profile), includeIsWarning: false);
    }

    private protected override IEnumerable<ValidationFailure> ValidateSettings(ProviderKind kind, JsonObject definition)
    {
        if (kind.Resource != "applications") return base.ValidateSettings(kind, definition);
        var failures = new List<ValidationFailure>();
        foreach (var field in (string[])["prowlarrUrl", "baseUrl"])
        {
            var text = FieldText(definition, field);
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
                failures.Add(Rule(char.ToUpperInvariant(field[0]) + field[1..], $"Invalid Url: '{text}'", "UrlValidator", ProviderStore.FieldValue(definition, field)));
        }
        if (string.IsNullOrWhiteSpace(FieldText(definition, "apiKey")))
            failures.Add(Rule("ApiKey", "'API Key' must not be empty.", "NotEmptyValidator", ProviderStore.FieldValue(definition, "apiKey"), "API Key"));
        return failures;
    }

    private protected override void OnDefinitionBuilt(ProviderKind kind, JsonObject definition, JsonObject request, JsonObject? existing)
    {
        if (kind.Resource != "indexer") return;
        // Recorded: prowlarr indexer/POST_201_newznab_fake.json — indexerUrls from baseUrl, sortName, added.
        var baseUrl = FieldText(definition, "baseUrl");
        if (baseUrl.Length > 0 && definition.ContainsKey("indexerUrls")) definition["indexerUrls"] = new JsonArray(baseUrl);
        if (definition.ContainsKey("sortName"))
            definition["sortName"] = new string((definition.GetString("name") ?? "").ToLowerInvariant().Select(c => char.IsLetterOrDigit(c) ? c : ' ').ToArray())
                .Replace("  ", " ", StringComparison.Ordinal).Trim();
        // Prowlarr reads a Newznab/Torznab feed's t=caps when the indexer is saved; the emulated feed hands them over directly.
        if (Uri.TryCreate(baseUrl, UriKind.Absolute, out var feedUrl) && Network.FindServer(feedUrl.IdnHost, feedUrl.Port) is EmulatedTorznabFeed feed)
            definition["capabilities"] = feed.Capabilities();
        if (definition.ContainsKey("added"))
            definition["added"] = existing?.GetString("added") is { } added && !added.StartsWith("0001", StringComparison.Ordinal) ? added : JsonHttp.Iso(DateTimeOffset.UtcNow);
    }

    private protected override async Task<ProviderTestResult> TestProviderAsync(ProviderKind kind, JsonObject definition, CancellationToken cancellationToken)
    {
        var result = await base.TestProviderAsync(kind, definition, cancellationToken).ConfigureAwait(false);
        if (result.ExceptionMessage is not null || result.Failures.Count > 0) return result;
        var failure = kind.Resource switch
        {
            "applications" => await TestApplicationAsync(definition, cancellationToken).ConfigureAwait(false),
            "indexer" => await TestFeedQueryAsync(definition, cancellationToken).ConfigureAwait(false),
            _ => null,
        };
        return failure is null ? result : result with { Failures = [failure, .. result.Failures] };
    }

    /// <summary>
    /// IndexerBase.TestConnection for a Newznab/Torznab indexer whose baseUrl is an <see cref="EmulatedTorznabFeed"/>: a search
    /// must return releases ("Query successful, but no results…" otherwise); error 100 → ApiKey "Invalid API Key". Other
    /// targets are only checked for reachability (the base class).
    /// </summary>
    private async Task<ValidationFailure?> TestFeedQueryAsync(JsonObject indexer, CancellationToken cancellationToken)
    {
        if (indexer.GetString("implementation") is not ("Torznab" or "Newznab")
            || !Uri.TryCreate(FieldText(indexer, "baseUrl"), UriKind.Absolute, out var baseUrl)
            || Network.FindServer(baseUrl.IdnHost, baseUrl.Port) is not EmulatedTorznabFeed) return null;
        var apiPath = FieldText(indexer, "apiPath");
        var url = $"{baseUrl.AbsoluteUri.TrimEnd('/')}/{(apiPath.Length == 0 ? "api" : apiPath.TrimStart('/'))}?t=search&extended=1&apikey={Uri.EscapeDataString(FieldText(indexer, "apiKey"))}";
        string body;
        try
        {
            body = await Network.Http.GetStringAsync(url, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            return ValidationFailure.Test("", $"Unable to connect to indexer: {ex.Message}. Check the log surrounding this error for details");
        }
        if (body.Contains("<error code=\"100\"", StringComparison.Ordinal)) return ValidationFailure.Test("ApiKey", "Invalid API Key");
        return body.Contains("<item>", StringComparison.Ordinal)
            ? null
            : ValidationFailure.Test("", "Query successful, but no results were returned from your indexer. This may be an issue with the indexer or your indexer category settings.");
    }

    /// <summary>
    /// Prowlarr's application test: read the app's indexer schema with the app's key (401 → ApiKey "API Key is
    /// invalid", recorded in applications/POST_400_wrong_apikey.json), then ask the app to test a Newznab indexer
    /// that points back at prowlarrUrl (the app answering 400 → ProwlarrUrl).
    /// </summary>
    private async Task<ValidationFailure?> TestApplicationAsync(JsonObject application, CancellationToken cancellationToken)
    {
        var app = AppTarget.From(application);
        if (app is null) return null;
        JsonArray schema;
        try
        {
            schema = await app.GetSchemaAsync(Network, cancellationToken).ConfigureAwait(false);
        }
        catch (OutgoingHttpException ex)
        {
            return ex.Status switch
            {
                HttpStatusCode.Unauthorized => ValidationFailure.Test("ApiKey", "API Key is invalid"),
                HttpStatusCode.NotFound => ValidationFailure.Test("BaseUrl", $"{app.Name} URL is invalid, Prowlarr cannot connect to {app.Name}. Is {app.Name} running and accessible? {app.Name} v2 is not supported."),
                >= HttpStatusCode.MultipleChoices and < HttpStatusCode.BadRequest => ValidationFailure.Test("BaseUrl", $"{app.Name} URL is invalid, Prowlarr cannot connect to {app.Name} - are you missing a URL base?"),
                _ => ValidationFailure.Test("BaseUrl", "Unable to complete application test"),
            };
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException)
        {
            return ValidationFailure.Test("BaseUrl", $"Unable to complete application test, cannot connect to {app.Name}. {ex.Message}");
        }
        var probe = new JsonObject
        {
            ["id"] = 0,
            ["name"] = "Test",
            ["protocol"] = "usenet",
            ["enable"] = true,
            ["priority"] = 25,
            ["capabilities"] = new JsonObject { ["categories"] = new JsonArray(app.SyncCategories.Concat(app.AnimeSyncCategories).Select(c => (JsonNode?)new JsonObject { ["id"] = c }).ToArray()) },
        };
        var testIndexer = BuildAppIndexer(schema, probe, app);
        try
        {
            await OutgoingHttp.SendAsync(Network, HttpMethod.Post, $"{app.ApiUrl}/indexer/test", OutgoingHttp.ApiKeyHeader(app.ApiKey), testIndexer, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (OutgoingHttpException ex)
        {
            return ex.Status switch
            {
                HttpStatusCode.Unauthorized => ValidationFailure.Test("ApiKey", "API Key is invalid"),
                HttpStatusCode.BadRequest => ValidationFailure.Test("ProwlarrUrl", $"Prowlarr URL is invalid, {app.Name} cannot connect to Prowlarr"),
                _ => ValidationFailure.Test("BaseUrl", "Unable to complete application test"),
            };
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return ValidationFailure.Test("BaseUrl", $"Unable to complete application test, cannot connect to {app.Name}. {ex.Message}");
        }
    }

    private protected override async Task OnProviderSavedAsync(ProviderKind kind, JsonObject saved, JsonObject? previous, CancellationToken cancellationToken)
    {
        try
        {
            if (kind.Resource == "applications")
            {
                // ApplicationService handles ProviderAddedEvent/ProviderUpdatedEvent: sync this app now.
                if (saved.GetBool("enable") == true && saved.GetString("syncLevel") != "disabled")
                    await SyncApplicationAsync(saved, Indexers(), addOnly: saved.GetString("syncLevel") == "addOnly", removeOrphans: saved.GetString("syncLevel") == "fullSync", cancellationToken).ConfigureAwait(false);
            }
            else if (kind.Resource == "indexer")
            {
                // IndexerAdded → every addOnly/fullSync app; IndexerUpdated → fullSync apps only.
                foreach (var app in Applications())
                {
                    var level = app.GetString("syncLevel");
                    if (level == "fullSync" || (level == "addOnly" && previous is null))
                        await SyncApplicationAsync(app, [saved], addOnly: level == "addOnly", removeOrphans: false, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or OutgoingHttpException or TaskCanceledException or JsonException)
        {
            lock (_mapGate) _syncErrors.Add(ex.Message);
        }
    }

    private protected override async Task OnProviderDeletedAsync(ProviderKind kind, JsonObject deleted, CancellationToken cancellationToken)
    {
        if (kind.Resource != "indexer") return;
        var indexerId = deleted.GetInt("id") ?? 0;
        foreach (var app in Applications().Where(a => a.GetString("syncLevel") == "fullSync"))
        {
            var target = AppTarget.From(app);
            if (target is null) continue;
            int remoteId;
            lock (_mapGate)
            {
                if (!_indexerMap.Remove((app.GetInt("id") ?? 0, indexerId), out remoteId)) continue;
            }
            try
            {
                await OutgoingHttp.SendAsync(Network, HttpMethod.Delete, $"{target.ApiUrl}/indexer/{remoteId}", OutgoingHttp.ApiKeyHeader(target.ApiKey), null, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpRequestException or OutgoingHttpException or TaskCanceledException)
            {
                lock (_mapGate) _syncErrors.Add(ex.Message);
            }
        }
    }

    private protected override JsonObject BuildCommand(string name, JsonObject request, DateTimeOffset now, int id)
    {
        var command = base.BuildCommand(name, request, now, id);
        // Prowlarr's commands carry no "result" (recorded: prowlarr command/POST_ApplicationIndexerSync.json).
        command.Remove("result");
        if (name == "ApplicationIndexerSync" && command["body"] is JsonObject body)
        {
            var rebuilt = new JsonObject
            {
                ["forceSync"] = request.GetBool("forceSync") ?? false,
                ["sendUpdatesToClient"] = true,
                ["completionMessage"] = "Completed",
                ["updateScheduledTask"] = true,
                ["requiresDiskAccess"] = false,
                ["isExclusive"] = false,
                ["isTypeExclusive"] = false,
                ["name"] = name,
                ["trigger"] = "manual",
                ["suppressMessages"] = false,
            };
            command["body"] = rebuilt;
            body.Clear();
        }
        return command;
    }

    private protected override async Task<CommandOutcome> ExecuteCommandAsync(string name, JsonObject body, CancellationToken cancellationToken)
    {
        if (!string.Equals(name, "ApplicationIndexerSync", StringComparison.OrdinalIgnoreCase))
            return await base.ExecuteCommandAsync(name, body, cancellationToken).ConfigureAwait(false);
        var errors = new List<string>();
        var indexers = Indexers();
        foreach (var app in Applications().Where(a => a.GetBool("enable") == true && a.GetString("syncLevel") != "disabled"))
        {
            try
            {
                var level = app.GetString("syncLevel");
                await SyncApplicationAsync(app, indexers, addOnly: level == "addOnly", removeOrphans: level == "fullSync", cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpRequestException or OutgoingHttpException or TaskCanceledException or JsonException)
            {
                errors.Add($"{app.GetString("name")}: {ex.GetType().FullName}: {ex.Message}");
            }
        }
        return errors.Count == 0
            ? new CommandOutcome(true, "Completed", null)
            : new CommandOutcome(false, "Failed", string.Join("\n", errors));
    }

    private List<JsonObject> Applications() => FindStore("applications")!.All();

    private List<JsonObject> Indexers() => FindStore("indexer")!.All();

    /// <summary>Adds (and with a full sync updates and removes) the app's copies of Prowlarr's indexers.</summary>
    private async Task SyncApplicationAsync(JsonObject application, IReadOnlyList<JsonObject> indexers, bool addOnly, bool removeOrphans, CancellationToken cancellationToken)
    {
        var app = AppTarget.From(application);
        if (app is null) return;
        var appId = application.GetInt("id") ?? 0;
        var headers = OutgoingHttp.ApiKeyHeader(app.ApiKey);
        var schema = await app.GetSchemaAsync(Network, cancellationToken).ConfigureAwait(false);
        var remote = (await OutgoingHttp.SendAsync(Network, HttpMethod.Get, $"{app.ApiUrl}/indexer", headers, null, cancellationToken).ConfigureAwait(false) as JsonArray ?? [])
            .OfType<JsonObject>().ToList();
        foreach (var indexer in indexers)
        {
            var indexerId = indexer.GetInt("id") ?? 0;
            var remoteId = FindRemote(appId, indexerId, remote, app);
            var categories = SupportedCategories(indexer, app.SyncCategories);
            var animeCategories = SupportedCategories(indexer, app.AnimeSyncCategories);
            if (categories.Count == 0 && animeCategories.Count == 0)
            {
                if (remoteId is { } stale && !addOnly)
                {
                    await OutgoingHttp.SendAsync(Network, HttpMethod.Delete, $"{app.ApiUrl}/indexer/{stale}", headers, null, cancellationToken).ConfigureAwait(false);
                    lock (_mapGate) _indexerMap.Remove((appId, indexerId));
                }
                continue;
            }
            var desired = BuildAppIndexer(schema, indexer, app);
            if (remoteId is null)
            {
                var created = await OutgoingHttp.SendAsync(Network, HttpMethod.Post, $"{app.ApiUrl}/indexer?forceSave=true", headers, desired, cancellationToken).ConfigureAwait(false) as JsonObject;
                if (created?.GetInt("id") is { } newId)
                    lock (_mapGate) _indexerMap[(appId, indexerId)] = newId;
            }
            else if (!addOnly)
            {
                var current = remote.First(r => r.GetInt("id") == remoteId);
                if (!SameIndexer(desired, current))
                {
                    desired["id"] = remoteId;
                    await OutgoingHttp.SendAsync(Network, HttpMethod.Put, $"{app.ApiUrl}/indexer/{remoteId}?forceSave=true", headers, desired, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        if (!removeOrphans) return;
        var existingIds = Indexers().Select(i => i.GetInt("id") ?? 0).ToHashSet();
        List<(int Indexer, int Remote)> orphans;
        lock (_mapGate) orphans = _indexerMap.Where(m => m.Key.App == appId && !existingIds.Contains(m.Key.Indexer)).Select(m => (m.Key.Indexer, m.Value)).ToList();
        foreach (var (indexerId, orphan) in orphans)
        {
            if (remote.Any(r => r.GetInt("id") == orphan))
                await OutgoingHttp.SendAsync(Network, HttpMethod.Delete, $"{app.ApiUrl}/indexer/{orphan}", headers, null, cancellationToken).ConfigureAwait(false);
            lock (_mapGate) _indexerMap.Remove((appId, indexerId));
        }
    }

    private int? FindRemote(int appId, int indexerId, List<JsonObject> remote, AppTarget app)
    {
        lock (_mapGate)
        {
            if (_indexerMap.TryGetValue((appId, indexerId), out var mapped) && remote.Any(r => r.GetInt("id") == mapped)) return mapped;
            _indexerMap.Remove((appId, indexerId));
        }
        // Like Prowlarr's GetIndexerMappings: an app indexer whose baseUrl is {prowlarrUrl}/{id}/ belongs to indexer {id}.
        var url = $"{app.ProwlarrUrl}/{indexerId}/";
        var found = remote.FirstOrDefault(r => r.GetString("implementation") is "Newznab" or "Torznab" &&
                                               string.Equals(FieldText(r, "baseUrl"), url, StringComparison.OrdinalIgnoreCase));
        if (found?.GetInt("id") is not { } id) return null;
        lock (_mapGate) _indexerMap[(appId, indexerId)] = id;
        return id;
    }

    /// <summary>The categories of <paramref name="wanted"/> the indexer supports (its capability categories and their subcategories).</summary>
    private static List<int> SupportedCategories(JsonObject indexer, IReadOnlyList<int> wanted)
    {
        var supported = new HashSet<int>();
        void Walk(JsonNode? categories)
        {
            if (categories is not JsonArray array) return;
            foreach (var category in array.OfType<JsonObject>())
            {
                if (category.GetInt("id") is { } id && id < 100000) supported.Add(id);
                Walk(category["subCategories"]);
            }
        }
        Walk(indexer["capabilities"]?["categories"]);
        return wanted.Where(supported.Contains).Distinct().ToList();
    }

    /// <summary>The Newznab/Torznab indexer Prowlarr creates in an app (Prowlarr's BuildSonarrIndexer), from the app's own schema.</summary>
    private JsonObject BuildAppIndexer(JsonArray schema, JsonObject indexer, AppTarget app)
    {
        var usenet = indexer.GetString("protocol") == "usenet";
        var implementation = usenet ? "Newznab" : "Torznab";
        var template = schema.OfType<JsonObject>().FirstOrDefault(t => t.GetString("implementation") == implementation)
            ?? throw new InvalidOperationException($"{app.Name} has no {implementation} indexer.");
        var profile = Fixtures.Array("prowlarr/appprofile.json").OfType<JsonObject>().FirstOrDefault(p => p.GetInt("id") == (indexer.GetInt("appProfileId") ?? 1));
        var enable = indexer.GetBool("enable") ?? true;
        var result = new JsonObject();
        foreach (var (key, value) in template)
        {
            result[key] = key switch
            {
                "presets" => null,
                "name" => $"{indexer.GetString("name")} (Prowlarr)",
                "enableRss" => enable && (profile?.GetBool("enableRss") ?? true),
                "enableAutomaticSearch" => enable && (profile?.GetBool("enableAutomaticSearch") ?? true),
                "enableInteractiveSearch" => enable && (profile?.GetBool("enableInteractiveSearch") ?? true),
                "priority" => indexer.GetInt("priority") ?? 25,
                "tags" => new JsonArray(),
                _ => value?.DeepClone(),
            };
        }
        result.Remove("presets");
        if (!result.ContainsKey("name")) result["name"] = $"{indexer.GetString("name")} (Prowlarr)";
        ProviderStore.SetFieldValue(result, "baseUrl", $"{app.ProwlarrUrl}/{indexer.GetInt("id") ?? 0}/");
        ProviderStore.SetFieldValue(result, "apiPath", "/api");
        ProviderStore.SetFieldValue(result, "apiKey", ApiKey);
        ProviderStore.SetFieldValue(result, "categories", Ints(SupportedCategories(indexer, app.SyncCategories)));
        ProviderStore.SetFieldValue(result, "animeCategories", Ints(SupportedCategories(indexer, app.AnimeSyncCategories)));
        if (app.AnimeStandardFormatSearch is { } anime) ProviderStore.SetFieldValue(result, "animeStandardFormatSearch", anime);
        if (app.RejectBlocklisted is { } reject) ProviderStore.SetFieldValue(result, "rejectBlocklistedTorrentHashesWhileGrabbing", reject);
        if (!usenet && profile?.GetInt("minimumSeeders") is { } seeders) ProviderStore.SetFieldValue(result, "minimumSeeders", seeders);
        return result;

        static JsonArray Ints(IEnumerable<int> values) => new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
    }

    /// <summary>Compares what Prowlarr manages (ignoring the masked API key), so an unchanged sync writes nothing.</summary>
    private static bool SameIndexer(JsonObject desired, JsonObject current)
    {
        foreach (var key in (string[])["name", "enableRss", "enableAutomaticSearch", "enableInteractiveSearch", "priority", "implementation"])
            if (!JsonNode.DeepEquals(desired[key], current[key])) return false;
        foreach (var field in (string[])["baseUrl", "apiPath", "categories", "animeCategories", "animeStandardFormatSearch"])
            if (!JsonNode.DeepEquals(ProviderStore.FieldValue(desired, field), ProviderStore.FieldValue(current, field))) return false;
        return true;
    }

    /// <summary>An application's target app, read from its fields.</summary>
    private sealed record AppTarget(string Name, string ApiUrl, string ApiKey, string ProwlarrUrl, IReadOnlyList<int> SyncCategories,
        IReadOnlyList<int> AnimeSyncCategories, bool? AnimeStandardFormatSearch, bool? RejectBlocklisted)
    {
        public static AppTarget? From(JsonObject application)
        {
            var name = application.GetString("implementation") ?? "";
            var apiPath = name switch
            {
                "Sonarr" or "Radarr" or "Whisparr" => "/api/v3",
                "Lidarr" or "Readarr" => "/api/v1",
                _ => null,
            };
            if (apiPath is null) return null;
            return new AppTarget(
                name,
                FieldText(application, "baseUrl").TrimEnd('/') + apiPath,
                FieldText(application, "apiKey"),
                FieldText(application, "prowlarrUrl").TrimEnd('/'),
                ProviderStore.FieldValue(application, "syncCategories").GetIntList(),
                ProviderStore.FieldValue(application, "animeSyncCategories").GetIntList(),
                ProviderStore.FieldValue(application, "syncAnimeStandardFormatSearch")?.GetValueKind() is JsonValueKind.True or JsonValueKind.False
                    ? ProviderStore.FieldValue(application, "syncAnimeStandardFormatSearch")!.GetValueKind() == JsonValueKind.True
                    : null,
                ProviderStore.FieldValue(application, "syncRejectBlocklistedTorrentHashesWhileGrabbing")?.GetValueKind() is JsonValueKind.True or JsonValueKind.False
                    ? ProviderStore.FieldValue(application, "syncRejectBlocklistedTorrentHashesWhileGrabbing")!.GetValueKind() == JsonValueKind.True
                    : null);
        }

        public async Task<JsonArray> GetSchemaAsync(EmulatedNetwork network, CancellationToken cancellationToken) =>
            await OutgoingHttp.SendAsync(network, HttpMethod.Get, $"{ApiUrl}/indexer/schema", OutgoingHttp.ApiKeyHeader(ApiKey), null, cancellationToken).ConfigureAwait(false) as JsonArray
            ?? throw new JsonException($"{Name} answered its indexer schema with something other than an array.");
    }
}
