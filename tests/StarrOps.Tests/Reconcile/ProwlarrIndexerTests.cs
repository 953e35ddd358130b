using System.Collections;
using System.Text.Json.Nodes;
using StarrOps.Core;
using StarrOps.Core.Arr;
using StarrOps.Core.Config;
using StarrOps.Core.Reconcile;
using StarrOps.TestKit;
using StarrOps.Tests.Support;

namespace StarrOps.Tests.Reconcile;

/// <summary>Prowlarr's indexers and indexer proxies declared in the YAML, against the emulated Prowlarr and a Torznab feed.</summary>
public sealed class ProwlarrIndexerTests : IAsyncLifetime
{
    private const string Yaml = """
        prowlarr:
          indexers:
            - name: My Torznab
              definition: Generic Torznab
              appProfile: Standard
              priority: 20
              tags: [anime]
              fields: { baseUrl: "http://jackett:9117", apiPath: /api, apiKey: !env MY_INDEXER_KEY }
          indexerProxies:
            - name: FlareSolverr
              implementation: FlareSolverr
              tags: [cloudflare]
              fields: { host: "http://flaresolverr:8191/", requestTimeout: 60 }
        """;

    private EmulatedStack _stack = null!;
    private EmulatedTorznabFeed _feed = null!;
    private Hashtable _env = null!;

    public async Task InitializeAsync()
    {
        _stack = await EmulatedStack.StartAsync(new EmulatedStackOptions { Lidarr = [], Jellyseerr = false, Jellyfin = false, Gluetun = false });
        _stack.Network.AddReachable("qbittorrent", 8080);
        _feed = await EmulatedTorznabFeed.StartAsync(_stack.Network, "jackett");
        _stack.Network.Map("jackett", 9117, _feed);
        _env = StackEnvironment.Of(_stack);
        _env["QBITTORRENT_URL"] = "http://qbittorrent:8080";
        _env["QBITTORRENT_USERNAME"] = "admin";
        _env["QBITTORRENT_PASSWORD"] = "indexer-test-qbit-pass";
        _env["MY_INDEXER_KEY"] = _feed.ApiKey;
    }

    public async Task DisposeAsync()
    {
        await _feed.DisposeAsync();
        await _stack.DisposeAsync();
    }

    private DesiredState Load(string yaml = Yaml) => DesiredStateLoader.Parse(yaml, _env, "stack.yaml");

    private static Task<ReconcileResult> RunAsync(DesiredState state, RecordingHost? host = null) => new Reconciler(host ?? new RecordingHost()).RunAsync(state);

    private JsonObject Indexer(string name) => _stack.Prowlarr.Resources("indexer").Single(i => i.GetString("name") == name);

    private static string? Field(JsonObject resource, string name) =>
        resource["fields"]!.AsArray().Single(f => f!["name"]!.GetValue<string>() == name)!["value"]?.ToString();

    [Fact]
    public async Task Declared_indexers_and_proxies_are_created_from_their_templates_and_pushed_into_the_apps_in_the_same_run()
    {
        var result = await RunAsync(Load());

        Assert.True(result.Succeeded, result.ToText());
        var indexer = Indexer("My Torznab");
        Assert.Equal(("Torznab", 1, 20), (indexer.GetString("implementation"), indexer.GetInt("appProfileId"), indexer.GetInt("priority")));
        Assert.Equal("http://jackett:9117", Field(indexer, "baseUrl"));
        Assert.Equal(_feed.ApiKey, Field(indexer, "apiKey"));
        var anime = _stack.Prowlarr.Tags.Single(t => t.Label == "anime");
        Assert.Equal([anime.Id], indexer["tags"]!.AsArray().Select(t => t!.GetValue<int>()));
        var proxy = Assert.Single(_stack.Prowlarr.Resources("indexerproxy"));
        Assert.Equal(("FlareSolverr", "http://flaresolverr:8191/"), (proxy.GetString("implementation"), Field(proxy, "host")));
        // Prowlarr pushed the new indexer into Sonarr and Radarr (their categories overlap the feed's) in this run.
        Assert.Contains(_stack.Sonarr.Resources("indexer"), i => i.GetString("name") == "My Torznab (Prowlarr)");
        Assert.Contains(_stack.Radarr.Resources("indexer"), i => i.GetString("name") == "My Torznab (Prowlarr)");
        var created = result.Outcomes.Where(o => o.Instance == "prowlarr" && o.Action == ChangeAction.Create).Select(o => o.ResourceType).ToList();
        Assert.Contains(StarrResourceType.Indexer, created);
        Assert.Contains(StarrResourceType.IndexerProxy, created);
        Assert.DoesNotContain(_feed.ApiKey, result.ToJson());
    }

    [Fact]
    public async Task A_converged_run_with_declared_indexers_reads_them_and_writes_nothing()
    {
        Assert.True((await RunAsync(Load())).Succeeded);
        foreach (var server in _stack.All) server.Requests.Clear();
        _feed.Requests.Clear();

        var result = await RunAsync(Load());

        Assert.True(result.Succeeded, result.ToText());
        Assert.Contains("prowlarr: Already configured", result.Lines);
        Assert.All(_stack.All, s => Assert.Empty(s.Requests.Writes));
        var sent = _stack.Prowlarr.Requests.FromStarrOps.Select(r => $"{r.Method} {r.Path}").ToList();
        Assert.DoesNotContain(sent, r => r.Contains("/schema", StringComparison.Ordinal));
        Assert.DoesNotContain(sent, r => r.Contains("/indexer/test", StringComparison.Ordinal)); // a healthy indexer's site is not searched
        Assert.Contains("GET /api/v1/indexer", sent);
        Assert.Contains("GET /api/v1/indexerproxy", sent);
        Assert.Contains("GET /api/v1/indexerstatus", sent);
        Assert.Contains("GET /api/v1/appprofile", sent); // appProfile is declared by name
        Assert.Empty(_feed.Requests.All);
    }

    [Fact]
    public async Task Drift_in_an_indexer_is_put_back_and_undeclared_fields_are_kept()
    {
        Assert.True((await RunAsync(Load())).Succeeded);
        using (var prowlarr = ArrClientFactory.Create(Load().FindInstance("prowlarr")!))
        {
            var live = (await prowlarr.GetProvidersAsync(ProviderKind.Indexer, default)).Single();
            live.Json["priority"] = 40;
            live.Field("torrentBaseSettings.seedRatio")!["value"] = 2.5;
            await prowlarr.UpdateProviderAsync(live, forceSave: true, default);
        }

        var plan = await new Reconciler(new RecordingHost()).PlanAsync(Load());

        var change = Assert.Single(plan.PendingChanges, c => c.ResourceType == StarrResourceType.Indexer);
        Assert.Equal("Update (priority: 40 -> 20)", change.Operation);
        var result = await new Reconciler(new RecordingHost()).ApplyAsync(plan);
        Assert.True(result.Succeeded, result.ToText());
        Assert.Equal(20, Indexer("My Torznab").GetInt("priority"));
        Assert.Equal("2.5", Field(Indexer("My Torznab"), "torrentBaseSettings.seedRatio"));
    }

    [Fact]
    public async Task The_definition_picks_one_of_several_templates_of_an_implementation()
    {
        var yaml = """
            prowlarr:
              indexers:
                - name: Anime
                  definition: animetosho
                  fields: { apiKey: !env MY_INDEXER_KEY }
            """;
        _stack.Network.AddReachable("feed.animetosho.org", 443); // Prowlarr's test reaches the preset's site

        var result = await RunAsync(Load(yaml));

        Assert.True(result.Succeeded, result.ToText());
        var indexer = Indexer("Anime");
        Assert.Equal("Torznab", indexer.GetString("implementation"));
        Assert.Equal("https://feed.animetosho.org", Field(indexer, "baseUrl")); // the AnimeTosho preset's own URL, not Generic Torznab's empty one
        Assert.Equal(1, indexer.GetInt("appProfileId")); // the first profile when none is named
    }

    [Fact]
    public async Task An_unknown_definition_names_the_nearest_and_an_unknown_field_lists_the_valid_ones()
    {
        var yaml = """
            prowlarr:
              indexers:
                - { name: Typo, definition: Generic Torznap, fields: { baseUrl: "http://jackett:9117" } }
                - { name: Bad field, definition: Generic Newznab, fields: { baseUrl: "http://jackett:9117", apiPth: /api } }
            """;

        var plan = await new Reconciler(new RecordingHost()).PlanAsync(Load(yaml));

        var typo = Assert.Single(plan.Problems, p => p.Name == "Typo");
        Assert.Contains("no indexer definition 'Generic Torznap' (did you mean 'Generic Torznab'?)", typo.Message);
        Assert.Contains("stack.yaml:3", typo.Message);
        var field = Assert.Single(plan.Problems, p => p.Name == "Bad field");
        Assert.Equal("StarrUnknownField", field.ErrorId);
        Assert.Contains("did you mean 'apiPath'?", field.Message);
        Assert.Empty(_stack.Prowlarr.Requests.Writes);
    }

    [Fact]
    public async Task An_empty_feed_is_refused_by_Prowlarr_with_its_own_message_and_nothing_else_is_lost()
    {
        _feed.Results = 0;

        var result = await RunAsync(Load());

        Assert.False(result.Succeeded);
        var failed = Assert.Single(result.Outcomes, o => o.Status == ChangeStatus.Failed);
        Assert.Equal((StarrResourceType.Indexer, "My Torznab"), (failed.ResourceType, failed.Name));
        Assert.StartsWith("Query successful, but no results were returned from your indexer", Assert.Single(failed.Failures).ErrorMessage);
        Assert.Single(_stack.Prowlarr.Resources("indexerproxy")); // the proxy was still created
        Assert.Empty(_stack.Prowlarr.Resources("indexer"));
    }

    [Fact]
    public async Task An_unknown_app_profile_is_a_problem_naming_the_profiles()
    {
        var result = await RunAsync(Load(Yaml.Replace("appProfile: Standard", "appProfile: Anime only", StringComparison.Ordinal)));

        var problem = Assert.Single(result.Problems);
        Assert.Contains("no app profile 'Anime only'. App profiles: Standard", problem.Message);
        Assert.Empty(_stack.Prowlarr.Resources("indexer"));
    }

    [Fact]
    public async Task A_failing_indexer_whose_key_was_rotated_is_tested_and_gets_the_new_key()
    {
        Assert.True((await RunAsync(Load())).Succeeded);
        var newKey = _feed.RegenerateApiKey();
        _env["MY_INDEXER_KEY"] = newKey;
        _stack.Prowlarr.MarkIndexerFailing(Indexer("My Torznab").GetInt("id")!.Value);

        var plan = await new Reconciler(new RecordingHost()).PlanAsync(Load());

        var change = Assert.Single(plan.PendingChanges, c => c.ResourceType == StarrResourceType.Indexer);
        Assert.Equal("Update (apiKey: (secret) -> (secret, rotated))", change.Operation);
        Assert.True((await new Reconciler(new RecordingHost()).ApplyAsync(plan)).Succeeded);
        Assert.Equal(newKey, Field(Indexer("My Torznab"), "apiKey"));
    }

    [Fact]
    public async Task Unmanaged_indexers_are_deleted_only_when_asked_and_the_ignore_list_is_honoured()
    {
        Assert.True((await RunAsync(Load())).Succeeded);
        foreach (var name in new[] { "Hand made", "Manual keep" })
            _stack.Prowlarr.SeedResource("indexer", new JsonObject
            {
                ["name"] = name, ["implementation"] = "Torznab", ["configContract"] = "TorznabSettings", ["appProfileId"] = 1, ["enable"] = true,
                ["fields"] = new JsonArray(new JsonObject { ["name"] = "baseUrl", ["value"] = "http://jackett:9117" }),
            });

        Assert.True((await new Reconciler(new RecordingHost()).PlanAsync(Load())).IsConverged);
        var pruning = Yaml + """

              deleteUnmanaged: { indexers: true, ignore: ["Manual *"] }
            """;
        var result = await RunAsync(Load(pruning));

        Assert.True(result.Succeeded, result.ToText());
        Assert.Equal(["Manual keep", "My Torznab"], _stack.Prowlarr.Resources("indexer").Select(i => i.GetString("name")).Order());
    }

    [Fact]
    public async Task Export_writes_indexers_and_proxies_back_and_reimports_with_no_change()
    {
        Assert.True((await RunAsync(Load())).Succeeded);

        var exported = await ConfigExporter.ExportAsync(Load());

        Assert.Contains("indexers:", exported);
        Assert.Contains("definition: Torznab", exported);
        Assert.Contains("indexerProxies:", exported);
        Assert.DoesNotContain(_feed.ApiKey, exported);
        var importEnv = new Hashtable();
        foreach (var variable in exported.Split('\n').Where(l => l.StartsWith("#   ", StringComparison.Ordinal)).Select(l => l[4..].Trim()))
            importEnv[variable] = _env[variable] as string ?? "placeholder"; // a masked secret is not compared
        foreach (var (key, value) in _stack.Environment()) importEnv[key] = value;
        var plan = await new Reconciler(new RecordingHost()).PlanAsync(DesiredStateLoader.Parse(exported, importEnv, "export.yaml"));
        Assert.True(plan.IsConverged, plan + "\n" + exported);
        Assert.Contains(plan.Changes, c => c.ResourceType == StarrResourceType.Indexer);
    }
}
