using System.Collections;
using System.Text.Json;
using System.Text.Json.Nodes;
using StarrOps.Core.Arr;
using StarrOps.Core.Config;
using StarrOps.Core.Instances;
using StarrOps.Core.Reconcile;
using StarrOps.TestKit;
using StarrOps.Tests.Support;

namespace StarrOps.Tests.Reconcile;

/// <summary>Reconcile against an emulated Sonarr/Radarr/Lidarr/Prowlarr stack on loopback.</summary>
public sealed class ReconcileStackTests : IAsyncLifetime
{
    private const string QbitPassword = "qbit-secret-pass-7f3a9c";
    private EmulatedStack _stack = null!;
    private Hashtable _env = null!;

    public async Task InitializeAsync()
    {
        _stack = await EmulatedStack.StartAsync(new EmulatedStackOptions { Jellyseerr = false, Jellyfin = false, Gluetun = false });
        // The arr apps only check that the download client's host:port accepts connections.
        _stack.Network.AddReachable("qbittorrent", 8080);
        _env = StackEnvironment.Of(_stack);
        _env["QBITTORRENT_URL"] = "http://qbittorrent:8080";
        _env["QBITTORRENT_USERNAME"] = "admin";
        _env["QBITTORRENT_PASSWORD"] = QbitPassword;
    }

    public async Task DisposeAsync() => await _stack.DisposeAsync();

    private IEnumerable<EmulatedArr> Arrs => [_stack.Sonarr, _stack.Radarr, _stack.Lidarr, _stack.Prowlarr];

    private DesiredState Load(string? yaml = null) => yaml is null ? DesiredStateLoader.Load(null, _env) : DesiredStateLoader.Parse(yaml, _env, "stack.yaml");

    private static Task<ReconcileResult> RunAsync(DesiredState state, RecordingHost? host = null, ReconcileOptions? options = null) =>
        new Reconciler(host ?? new RecordingHost(), options).RunAsync(state);

    private void ClearLogs()
    {
        foreach (var server in _stack.All) server.Requests.Clear();
    }

    private StarrInstance Instance(string name) => Load().FindInstance(name)!;

    [Fact]
    public async Task First_run_creates_everything_and_reports_success()
    {
        var result = await RunAsync(Load());

        Assert.True(result.Succeeded, result.ToText());
        // Root folder and download client in each of 3 apps, and 3 Prowlarr applications.
        Assert.Equal(9, result.Created);
        Assert.Equal("Configuration complete: 9 created, 0 updated, 0 deleted", result.Summary);
        Assert.Contains("sonarr: 2 created, 0 updated, 0 deleted", result.Lines);
        Assert.Contains("prowlarr: 3 created, 0 updated, 0 deleted; indexers synced", result.Lines);

        var client = Assert.Single(_stack.Sonarr.Resources("downloadclient"));
        Assert.Equal("qBittorrent", client.GetString("name"));
        Assert.Equal("qbittorrent", FieldText(client, "host"));
        Assert.Equal(QbitPassword, FieldText(client, "password"));
        Assert.Contains(_stack.Radarr.RootFolders, r => r.GetString("path") == "/data/media/movies");
        Assert.Contains(_stack.Lidarr.RootFolders, r => r.GetString("path") == "/data/media/music");
        var apps = _stack.Prowlarr.Resources("applications");
        Assert.Equal(["Lidarr", "Radarr", "Sonarr"], apps.Select(a => a.GetString("name")).Order());
        Assert.All(apps, a => Assert.Equal("fullSync", a.GetString("syncLevel")));
        Assert.Single(_stack.Prowlarr.Commands, c => c.GetString("name") == "ApplicationIndexerSync");
    }

    [Fact]
    public async Task A_converged_run_makes_one_GET_per_managed_collection_and_no_schema_call_or_write()
    {
        Assert.True((await RunAsync(Load())).Succeeded);
        ClearLogs();

        var result = await RunAsync(Load());

        Assert.True(result.Succeeded, result.ToText());
        Assert.Equal("Configuration complete: 0 created, 0 updated, 0 deleted", result.Summary);
        Assert.All(result.Instances, i => Assert.Equal(InstanceOutcome.Converged, i.Status));
        Assert.Contains("sonarr: Already configured", result.Lines);
        foreach (var server in Arrs)
        {
            Assert.Empty(server.Requests.Writes);
            var sent = server.Requests.FromStarrOps; // not Prowlarr's own application test, which reads each app's schema
            Assert.Equal(0, sent.Count(r => r.Path.Contains("/schema", StringComparison.OrdinalIgnoreCase)));
            var perPath = sent.GroupBy(r => r.Path, StringComparer.OrdinalIgnoreCase).ToList();
            Assert.All(perPath, g => Assert.True(g.Count() == 1, $"{server.Name}: {g.Count()} × {g.Key}"));
        }
        Assert.Equal(2, _stack.Sonarr.Requests.FromStarrOps.Count(r => r.Method == "GET")); // rootfolder and downloadclient: nothing else is managed
        Assert.Equal(1, _stack.Prowlarr.Requests.FromStarrOps.Count(r => r.Method == "GET")); // applications
    }

    [Fact]
    public async Task Drift_is_planned_and_repaired()
    {
        Assert.True((await RunAsync(Load())).Succeeded);
        using (var sonarr = ArrClientFactory.Create(Instance("sonarr")))
        {
            var client = (await sonarr.GetProvidersAsync(ProviderKind.DownloadClient, default)).Single();
            client.Field("port")!["value"] = 9091;
            await sonarr.UpdateProviderAsync(client, forceSave: true, default);
        }
        using (var radarr = ArrClientFactory.Create(Instance("radarr")))
        {
            var client = (await radarr.GetProvidersAsync(ProviderKind.DownloadClient, default)).Single();
            await radarr.RemoveProviderAsync(ProviderKind.DownloadClient, client.Id, default);
        }
        using (var prowlarr = ArrClientFactory.Create(Instance("prowlarr")))
        {
            var lidarrApp = (await prowlarr.GetProvidersAsync(ProviderKind.Application, default)).Single(a => a.Name == "Lidarr");
            await prowlarr.RemoveProviderAsync(ProviderKind.Application, lidarrApp.Id, default);
        }

        var reconciler = new Reconciler(new RecordingHost());
        var plan = await reconciler.PlanAsync(Load());

        var pending = plan.PendingChanges;
        var update = Assert.Single(pending, c => c.Instance == "sonarr");
        Assert.Equal((StarrResourceType.DownloadClient, ChangeAction.Update), (update.ResourceType, update.Action));
        var port = Assert.Single(update.Changes);
        Assert.Equal(("port", 9091L, 8080L), (port.Field, Convert.ToInt64(port.OldValue), Convert.ToInt64(port.NewValue)));
        Assert.Contains(pending, c => c is { Instance: "radarr", ResourceType: StarrResourceType.DownloadClient, Action: ChangeAction.Create });
        Assert.Contains(pending, c => c is { Instance: "prowlarr", ResourceType: StarrResourceType.ProwlarrApplication, Name: "Lidarr", Action: ChangeAction.Create });
        Assert.Contains(pending, c => c is { Instance: "prowlarr", ResourceType: StarrResourceType.IndexerSync });
        Assert.Contains(plan.Changes, c => c is { Instance: "lidarr", Action: ChangeAction.NoChange });

        var result = await reconciler.ApplyAsync(plan);
        Assert.True(result.Succeeded, result.ToText());
        Assert.Equal((2, 1, 0), (result.Created, result.Updated, result.Deleted));
        Assert.True((await new Reconciler(new RecordingHost()).PlanAsync(Load())).IsConverged);
    }

    [Fact]
    public async Task Update_leaves_undeclared_fields_and_properties_as_they_are()
    {
        Assert.True((await RunAsync(Load())).Succeeded);
        using var sonarr = ArrClientFactory.Create(Instance("sonarr"));
        var client = (await sonarr.GetProvidersAsync(ProviderKind.DownloadClient, default)).Single();
        client.Field("host")!["value"] = "qbittorrent-old";
        client.Field("tvImportedCategory")!["value"] = "tv-imported";
        client.Json["priority"] = 7;
        client.Json["removeCompletedDownloads"] = false;
        _stack.Network.AddReachable("qbittorrent-old", 8080);
        await sonarr.UpdateProviderAsync(client, forceSave: true, default);

        var result = await RunAsync(Load());

        Assert.True(result.Succeeded, result.ToText());
        Assert.Equal(1, result.Updated);
        var stored = Assert.Single(_stack.Sonarr.Resources("downloadclient"));
        Assert.Equal("qbittorrent", FieldText(stored, "host"));
        Assert.Equal("tv-imported", FieldText(stored, "tvImportedCategory"));
        Assert.Equal(7, stored["priority"]!.GetValue<int>());
        Assert.False(stored["removeCompletedDownloads"]!.GetValue<bool>());
        Assert.Equal(QbitPassword, FieldText(stored, "password")); // the masked secret was sent back as "********" and kept
    }

    [Fact]
    public async Task One_instance_down_does_not_stop_the_others_and_the_result_says_why()
    {
        await _stack.Radarr.StopAsync();

        var result = await RunAsync(Load());

        Assert.False(result.Succeeded);
        var radarr = Assert.Single(result.FailedInstances);
        Assert.Equal("radarr", radarr.Name);
        Assert.Contains("unreachable", radarr.Message);
        Assert.StartsWith("Configuration failed for radarr:", result.Summary);
        Assert.Equal(InstanceOutcome.Changed, result.Instances.Single(i => i.Name == "sonarr").Status);
        Assert.Single(_stack.Sonarr.Resources("downloadclient"));
        // Prowlarr's link to the app that is down waits for the next run; the others are made.
        var skipped = Assert.Single(result.Outcomes, o => o.Status == ChangeStatus.Skipped && o.ResourceType == StarrResourceType.ProwlarrApplication);
        Assert.Equal("Radarr", skipped.Name);
        Assert.Contains("radarr is unavailable", skipped.Error);
        Assert.Contains("prowlarr: 2 created, 0 updated, 0 deleted; indexers synced; 1 skipped (radarr unreachable)", result.Lines);
        Assert.Equal(["Lidarr", "Sonarr"], _stack.Prowlarr.Resources("applications").Select(a => a.GetString("name")).Order());
        using var json = JsonDocument.Parse(result.ToJson());
        Assert.False(json.RootElement.GetProperty("succeeded").GetBoolean());
        Assert.Contains(json.RootElement.GetProperty("instances").EnumerateArray(), i => i.GetProperty("name").GetString() == "radarr" && i.GetProperty("status").GetString() == "Failed");
    }

    [Fact]
    public async Task WhatIf_asks_for_every_change_and_writes_nothing()
    {
        var host = new RecordingHost(approve: false);

        var result = await RunAsync(Load(), host);

        Assert.True(result.Succeeded);
        Assert.Equal(0, result.Created);
        Assert.Equal(result.Outcomes.Count, result.NotApplied);
        Assert.All(result.Outcomes, o => Assert.Equal(ChangeStatus.NotApproved, o.Status));
        Assert.All(_stack.All, s => Assert.Empty(s.Requests.Writes));
        // Nine resources plus the indexer sync, each asked once.
        Assert.Equal(10, host.Questions.Count);
        Assert.Contains(host.Questions, q => q.Target == "sonarr: download client 'qBittorrent'" && q.Action.StartsWith("Create (", StringComparison.Ordinal) && q.Action.Contains("password: (secret)"));
        Assert.Contains(host.Questions, q => q.Target == "sonarr: root folder '/data/media/tv'");
        Assert.All(result.Instances, i => Assert.Equal(InstanceOutcome.NotApplied, i.Status));
    }

    [Fact]
    public async Task Only_the_changes_ShouldProcess_approves_are_applied()
    {
        var host = new RecordingHost { Decide = (target, _) => target.StartsWith("sonarr:", StringComparison.Ordinal) };

        var result = await RunAsync(Load(), host);

        Assert.Equal(2, result.Created);
        Assert.Single(_stack.Sonarr.Resources("downloadclient"));
        Assert.Empty(_stack.Radarr.Resources("downloadclient"));
        Assert.Empty(_stack.Prowlarr.Writes());
    }

    [Fact]
    public async Task A_400_is_reported_with_its_field_errors_and_the_rest_is_applied()
    {
        _stack.Sonarr.InjectTestFailure("downloadclient", "Unable to connect to qBittorrent", propertyName: "Host");

        var result = await RunAsync(Load());

        Assert.False(result.Succeeded);
        var failed = Assert.Single(result.Outcomes, o => o.Status == ChangeStatus.Failed);
        Assert.Equal(("sonarr", StarrResourceType.DownloadClient, "qBittorrent"), (failed.Instance, failed.ResourceType, failed.Name));
        Assert.Equal("StarrValidationFailed", failed.ErrorId);
        Assert.Contains(failed.Failures, f => f.PropertyName == "Host" && f.ErrorMessage.Contains("Unable to connect"));
        // Everything else went through, and the result lists it.
        Assert.Equal(8, result.Created);
        Assert.Contains(result.Outcomes, o => o is { Instance: "sonarr", ResourceType: StarrResourceType.RootFolder, Status: ChangeStatus.Applied });
        Assert.Contains("sonarr: 1 created, 0 updated, 0 deleted; FAILED: download client 'qBittorrent':", string.Join("\n", result.Lines));
        Assert.Contains("\"field\": \"Host\"", result.ToJson());
    }

    [Fact]
    public async Task An_unknown_implementation_fails_that_instance_and_lists_the_valid_ones()
    {
        var result = await RunAsync(Load("""
            sonarr:
              downloadClients:
                - { name: Torrents, implementation: QBitorrent, fields: { host: qbittorrent } }
            """));

        Assert.False(result.Succeeded);
        var problem = Assert.Single(result.Problems);
        Assert.Equal("sonarr", problem.Instance);
        Assert.Contains("stack.yaml:3:7 sonarr.downloadClients[0]", problem.Message);
        Assert.Contains("Valid implementations:", problem.Message);
        Assert.Contains("QBittorrent", problem.Message);
        Assert.Equal(InstanceOutcome.Failed, result.Instances.Single(i => i.Name == "sonarr").Status);
        Assert.All(result.Instances.Where(i => i.Name != "sonarr"), i => Assert.Equal(InstanceOutcome.Changed, i.Status));
        Assert.Single(_stack.Sonarr.Resources("downloadclient")); // the standard qBittorrent still went in
    }

    [Fact]
    public async Task An_unknown_field_names_the_yaml_line_and_the_nearest_field()
    {
        var result = await RunAsync(Load("""
            sonarr:
              downloadClients:
                - name: qBittorrent
                  implementation: QBittorrent
                  fields: { tvCategori: tv }
            """));

        var problem = Assert.Single(result.Problems);
        Assert.Contains("stack.yaml:3:7", problem.Message);
        Assert.Contains("did you mean 'tvCategory'?", problem.Message);
    }

    [Fact]
    public async Task Tags_webhooks_and_categories_from_yaml_are_applied_and_then_converged()
    {
        const string yaml = """
            sonarr:
              tags: [media]
              downloadClients:
                - name: qBittorrent
                  implementation: QBittorrent
                  tags: [4k]
                  fields: { tvCategory: tv-4k }
              notifications:
                - name: Pulsarr
                  implementation: Webhook
                  onGrab: true
                  onDownload: true
                  fields: { url: "http://pulsarr:3003/v1/notifications/webhook", method: POST }
            prowlarr:
              applications:
                - app: sonarr
                  syncCategories: [5000, 5040]
                  tags: [4k]
            """;
        _stack.Network.AddReachable("pulsarr", 3003);

        var result = await RunAsync(Load(yaml));

        Assert.True(result.Succeeded, result.ToText());
        var tags = _stack.Sonarr.Tags.ToDictionary(t => t.Label, t => t.Id);
        Assert.Equal(["4k", "media"], tags.Keys.Order());
        var client = Assert.Single(_stack.Sonarr.Resources("downloadclient"));
        Assert.Equal([tags["4k"]], client["tags"]!.AsArray().Select(t => t!.GetValue<int>()));
        Assert.Equal("tv-4k", FieldText(client, "tvCategory"));
        var hook = Assert.Single(_stack.Sonarr.Resources("notification"));
        Assert.True(hook["onGrab"]!.GetValue<bool>() && hook["onDownload"]!.GetValue<bool>());
        Assert.Equal(1, FieldValue(hook, "method")!.GetValue<int>()); // POST is option 1
        var app = _stack.Prowlarr.Resources("applications").Single(a => a.GetString("name") == "Sonarr");
        Assert.Equal([5000, 5040], app["fields"]!.AsArray().OfType<JsonObject>().Single(f => f.GetString("name") == "syncCategories")["value"]!.AsArray().Select(v => v!.GetValue<int>()));
        Assert.Single(_stack.Prowlarr.Tags, t => t.Label == "4k");

        ClearLogs();
        var again = await RunAsync(Load(yaml));
        Assert.True(again.Succeeded, again.ToText());
        Assert.Equal(0, again.Created + again.Updated + again.Deleted);
        Assert.All(Arrs, s => Assert.Empty(s.Requests.Writes));
    }

    [Fact]
    public async Task Deleting_unmanaged_resources_is_opt_in_and_honours_the_ignore_list()
    {
        _stack.Network.AddReachable("sab", 8080);
        _stack.Sonarr.SeedResource("downloadclient", new JsonObject { ["name"] = "Manual SAB", ["implementation"] = "Sabnzbd", ["enable"] = false });
        _stack.Sonarr.SeedResource("downloadclient", new JsonObject { ["name"] = "Old client", ["implementation"] = "Sabnzbd", ["enable"] = false });

        Assert.True((await RunAsync(Load())).Succeeded);
        Assert.Equal(3, _stack.Sonarr.Resources("downloadclient").Count); // not asked to delete: nothing deleted

        var result = await RunAsync(Load("sonarr:\n  deleteUnmanaged: { downloadClients: true, ignore: [\"Manual *\"] }\n"));

        Assert.True(result.Succeeded, result.ToText());
        Assert.Equal(1, result.Deleted);
        Assert.Equal(["Manual SAB", "qBittorrent"], _stack.Sonarr.Resources("downloadclient").Select(r => r.GetString("name")).Order());
    }

    [Fact]
    public async Task Hand_wired_resources_are_adopted_not_duplicated()
    {
        _stack.Sonarr.SeedResource("downloadclient", new JsonObject
        {
            ["name"] = "qbit", ["implementation"] = "QBittorrent",
            ["fields"] = new JsonArray(new JsonObject { ["name"] = "host", ["value"] = "qbittorrent" }, new JsonObject { ["name"] = "port", ["value"] = 8080 }),
        });
        using (var prowlarr = ArrClientFactory.Create(Instance("prowlarr")))
        {
            var desired = StarrOps.Core.Prowlarr.ProwlarrApplications.Desired(Instance("prowlarr"), Instance("sonarr"), StarrOps.Core.Prowlarr.SyncLevel.FullSync, "My Sonarr");
            await StarrOps.Core.Services.ProviderService.SaveAsync(prowlarr, desired, new RecordingHost(), forceSave: false, rotateSecrets: false, default);
        }

        var result = await RunAsync(Load());

        Assert.True(result.Succeeded, result.ToText());
        Assert.Equal("qbit", Assert.Single(_stack.Sonarr.Resources("downloadclient")).GetString("name"));
        Assert.Contains(_stack.Prowlarr.Resources("applications"), a => a.GetString("name") == "My Sonarr");
        Assert.DoesNotContain(_stack.Prowlarr.Resources("applications"), a => a.GetString("name") == "Sonarr");
    }

    [Fact]
    public async Task Waiting_for_readiness_reports_an_instance_that_stays_down_as_not_ready()
    {
        _stack.Lidarr.Faults.Down = true;
        var options = new ReconcileOptions { WaitForReady = TimeSpan.FromSeconds(1), ReadyPollInterval = TimeSpan.FromMilliseconds(200) };

        var result = await RunAsync(Load(), options: options);

        var lidarr = Assert.Single(result.FailedInstances);
        Assert.Equal(("lidarr", InstanceOutcome.NotReady), (lidarr.Name, lidarr.Status));
        Assert.StartsWith("NOT READY:", lidarr.Message);
        Assert.False(result.Succeeded);
        Assert.Single(_stack.Sonarr.Resources("downloadclient"));
    }

    [Fact]
    public async Task No_secret_appears_in_messages_questions_results_or_json()
    {
        var host = new RecordingHost();
        var state = Load("""
            sonarr:
              downloadClients:
                - { name: Broken, implementation: QBittorrent, fields: { host: nowhere, password: !env QBITTORRENT_PASSWORD } }
            """);
        var secrets = state.Instances.Select(i => i.ApiKey).OfType<Secret>().Select(s => (string)typeof(Secret).GetMethod("Reveal", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.Invoke(s, null)!)
            .Append(QbitPassword).ToList();

        var reconciler = new Reconciler(host);
        var plan = await reconciler.PlanAsync(state);
        var result = await reconciler.ApplyAsync(plan);
        var output = string.Join("\n", host.AllText, plan.ToString(), string.Join("\n", plan.Changes.Select(c => c.Description + c.Operation)),
            result.ToText(), result.ToJson(), string.Join("\n", result.Outcomes.Select(o => o.Error)));

        Assert.Contains(result.Outcomes, o => o.Status == ChangeStatus.Failed); // "nowhere" is not reachable: the error text is in the output
        Assert.Contains("(secret)", output);
        foreach (var secret in secrets) Assert.DoesNotContain(secret, output);
    }

    [Fact]
    public async Task Host_calls_all_happen_on_the_callers_thread_one_at_a_time()
    {
        var host = new RecordingHost();
        var (result, threadId) = SingleThreadPump.Run(() => new Reconciler(host, new ReconcileOptions { MaxParallelism = 4 }).RunAsync(Load()));

        Assert.True(result.Succeeded, result.ToText());
        Assert.NotEmpty(host.Messages);
        Assert.All(host.Threads, t => Assert.Equal(threadId, t));
        Assert.False(host.Overlapped);
    }

    [Fact]
    public async Task Export_then_reimport_plans_no_change_and_holds_no_secret()
    {
        _stack.Network.AddReachable("pulsarr", 3003);
        _stack.Network.AddReachable("sab", 8080);
        var setup = await RunAsync(Load("""
            sonarr:
              downloadClients:
                - name: qBittorrent
                  implementation: QBittorrent
                  priority: 3
                  tags: [4k]
                  fields: { tvCategory: tv-hd, recentTvPriority: 1 }
                - { name: SAB, implementation: Sabnzbd, enable: false, fields: { host: sab, apiKey: !env QBITTORRENT_PASSWORD } }
              notifications:
                - { name: Pulsarr, implementation: Webhook, onGrab: true, fields: { url: "http://pulsarr:3003/hook", method: PUT } }
            prowlarr:
              applications:
                - { app: radarr, syncLevel: addOnly }
            """));
        Assert.True(setup.Succeeded, setup.ToText());
        var state = Load();

        var exported = await ConfigExporter.ExportAsync(state.Instances);

        Assert.Contains("standardWiring: false", exported);
        Assert.Contains("apiKey: !env SONARR_API_KEY", exported);
        Assert.Contains("password: !env QBITTORRENT_PASSWORD", exported);
        Assert.Contains("apiKey: !env SONARR_SAB_API_KEY", exported);
        foreach (var instance in state.Instances.Where(i => i.HasApiKey))
            Assert.DoesNotContain(((string)typeof(Secret).GetMethod("Reveal", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.Invoke(instance.ApiKey, null)!), exported);
        Assert.DoesNotContain(QbitPassword, exported);

        // Re-import in a fresh environment that only has what the export asks for.
        var variables = exported.Split('\n').Where(l => l.StartsWith("#   ", StringComparison.Ordinal)).Select(l => l[4..].Trim()).ToList();
        var importEnv = new Hashtable();
        foreach (var variable in variables) importEnv[variable] = _env[variable] as string ?? "placeholder-" + variable.ToLowerInvariant();
        ClearLogs();
        var plan = await new Reconciler(new RecordingHost()).PlanAsync(DesiredStateLoader.Parse(exported, importEnv, "export.yaml"));

        Assert.True(plan.IsConverged, plan.ToString());
        Assert.Contains(plan.Changes, c => c is { Instance: "sonarr", Name: "Pulsarr", ResourceType: StarrResourceType.Notification });
        Assert.Contains(plan.Changes, c => c is { Instance: "prowlarr", Name: "Radarr", ResourceType: StarrResourceType.ProwlarrApplication });
        Assert.All(Arrs, s => Assert.Empty(s.Requests.Writes));
    }

    [Fact]
    public async Task Several_instances_of_one_kind_each_get_their_wiring_and_can_be_selected()
    {
        await using var stack = await EmulatedStack.StartAsync(new EmulatedStackOptions
        {
            Sonarr = ["sonarr", "sonarr-4k"], Radarr = [], Lidarr = [], Jellyseerr = false, Jellyfin = false, Gluetun = false,
        });
        var env = new Hashtable();
        foreach (var (name, value) in stack.Environment()) env[name] = value;
        env["SONARR_4K_ROOT_FOLDER"] = "/tv";
        var state = DesiredStateLoader.Load(null, env);

        var only4k = await new Reconciler(new RecordingHost(), new ReconcileOptions { Instances = ["*-4k"] }).RunAsync(state);
        Assert.Equal(["sonarr-4k"], only4k.Instances.Select(i => i.Name));
        Assert.Empty(stack.Sonarr.RootFolders);

        var all = await new Reconciler(new RecordingHost()).RunAsync(state);

        Assert.True(all.Succeeded, all.ToText());
        Assert.Equal("/data/media/tv", Assert.Single(stack.Sonarr.RootFolders).GetString("path"));
        Assert.Equal("/tv", Assert.Single(((EmulatedArr)stack["sonarr-4k"]).RootFolders).GetString("path"));
        Assert.Equal(["Sonarr", "Sonarr (sonarr-4k)"], stack.Prowlarr.Resources("applications").Select(a => a.GetString("name")).Order());
    }

    private static string? FieldText(JsonObject resource, string name) => FieldValue(resource, name)?.ToString();

    private static JsonNode? FieldValue(JsonObject resource, string name) =>
        resource["fields"]!.AsArray().OfType<JsonObject>().Single(f => f.GetString("name") == name)["value"];
}

internal static class TestKitExtensions
{
    public static string? GetString(this JsonObject obj, string name) => obj[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public static int? GetInt(this JsonObject obj, string name) => obj[name] is JsonValue v && v.TryGetValue<int>(out var i) ? i : null;

    public static bool? GetBool(this JsonObject obj, string name) => obj[name] is JsonValue v && v.TryGetValue<bool>(out var b) ? b : null;

    public static IReadOnlyList<RequestRecord> Writes(this EmulatedServer server) => server.Requests.Writes;
}
