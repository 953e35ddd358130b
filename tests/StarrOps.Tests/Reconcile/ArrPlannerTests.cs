using System.Collections;
using System.Text.Json.Nodes;
using StarrOps.Core.Arr;
using StarrOps.Core.Config;
using StarrOps.Core.Reconcile;
using StarrOps.TestKit;
using StarrOps.Tests.Support;

namespace StarrOps.Tests.Reconcile;

/// <summary>
/// What the plan of a Sonarr/Radarr/Prowlarr instance shows and does: tags, root folders, providers, Prowlarr applications,
/// which hand-made resources are adopted, which unmanaged ones are pruned, and the indexer sync at the end.
/// </summary>
public sealed class ArrPlannerTests : IAsyncLifetime
{
    private EmulatedStack _stack = null!;
    private Hashtable _env = null!;

    public async Task InitializeAsync()
    {
        _stack = await EmulatedStack.StartAsync(new EmulatedStackOptions { Lidarr = [], Jellyseerr = false, Jellyfin = false, Gluetun = false });
        _stack.Network.AddReachable("qbittorrent", 8080);
        _env = StackEnvironment.Of(_stack);
        _env["QBITTORRENT_URL"] = "http://qbittorrent:8080";
        _env["QBITTORRENT_USERNAME"] = "admin";
        _env["QBITTORRENT_PASSWORD"] = "planner-test-qbit-pass";
    }

    public async Task DisposeAsync() => await _stack.DisposeAsync();

    private DesiredState Load(string yaml) => DesiredStateLoader.Parse(yaml, _env, "stack.yaml");

    private Task<ReconcilePlan> PlanAsync(string yaml) => new Reconciler(new RecordingHost()).PlanAsync(Load(yaml));

    private ArrClient Client(string instance) => ArrClientFactory.Create(Load("standardWiring: false").FindInstance(instance)!);

    private static FieldChange Field(ReconcileChange change, string name) => Assert.Single(change.Changes, c => c.Field == name);

    private static JsonObject Application(string name, string implementation, string baseUrl) => new()
    {
        ["name"] = name, ["implementation"] = implementation,
        ["fields"] = new JsonArray(new JsonObject { ["name"] = "baseUrl", ["value"] = baseUrl }, new JsonObject { ["name"] = "apiKey", ["value"] = "hand-made-key" }),
    };

    private static JsonObject DownloadClient(string name, string implementation, string host, int port) => new()
    {
        ["name"] = name, ["implementation"] = implementation,
        ["fields"] = new JsonArray(new JsonObject { ["name"] = "host", ["value"] = host }, new JsonObject { ["name"] = "port", ["value"] = port }),
    };

    // ---- tags ----

    [Fact]
    public async Task New_tags_are_created_in_lower_case_and_say_whether_declared_or_used_by_a_resource()
    {
        var plan = await PlanAsync("""
            standardWiring: false
            sonarr:
              tags: [Media]
              downloadClients:
                - { name: qBittorrent, implementation: QBittorrent, tags: [4k], fields: { host: qbittorrent, port: 8080 } }
            """);

        var tags = plan.Changes.Where(c => c.ResourceType == StarrResourceType.Tag).ToDictionary(c => c.Name);
        Assert.Equal(["4k", "media"], tags.Keys.Order());
        Assert.All(tags.Values, t => Assert.Equal(ChangeAction.Create, t.Action));
        Assert.Equal(new FieldChange("label", null, "media", false), Assert.Single(tags["media"].Changes));
        Assert.Equal("sonarr.tags", tags["media"].Origin);
        Assert.Equal("used by a resource", tags["4k"].Origin);
    }

    [Fact]
    public async Task An_existing_tag_is_listed_as_unchanged_only_when_declared_itself()
    {
        _stack.Sonarr.AddTag("media");
        _stack.Sonarr.AddTag("4k");

        var plan = await PlanAsync("""
            standardWiring: false
            sonarr:
              tags: [media]
              downloadClients:
                - { name: qBittorrent, implementation: QBittorrent, tags: [4k], fields: { host: qbittorrent, port: 8080 } }
            """);

        var tag = Assert.Single(plan.Changes, c => c.ResourceType == StarrResourceType.Tag);
        Assert.Equal(("media", ChangeAction.NoChange), (tag.Name, tag.Action));
        var client = Assert.Single(plan.Changes, c => c.ResourceType == StarrResourceType.DownloadClient);
        Assert.Equal(["4k"], (object?[])Field(client, "tags").NewValue!); // the id is shown as its label
    }

    [Fact]
    public async Task Changed_tags_of_a_resource_are_shown_as_labels()
    {
        var media = _stack.Sonarr.AddTag("media");
        _stack.Sonarr.AddTag("4k");
        var seeded = DownloadClient("qBittorrent", "QBittorrent", "qbittorrent", 8080);
        seeded["tags"] = new JsonArray(media.Id);
        _stack.Sonarr.SeedResource("downloadclient", seeded);

        var plan = await PlanAsync("""
            standardWiring: false
            sonarr:
              downloadClients:
                - { name: qBittorrent, implementation: QBittorrent, tags: [4k], fields: { host: qbittorrent, port: 8080 } }
            """);

        var update = Assert.Single(plan.PendingChanges);
        Assert.Equal(ChangeAction.Update, update.Action);
        var tags = Field(update, "tags");
        Assert.Equal(["media"], (object?[])tags.OldValue!);
        Assert.Equal(["4k"], (object?[])tags.NewValue!);
    }

    // ---- root folders ----

    [Fact]
    public async Task A_root_folder_to_create_shows_its_path_and_declared_name_and_is_made()
    {
        var yaml = """
            standardWiring: false
            sonarr:
              rootFolders:
                - { path: /data/media/books, name: Anime }
            """;
        var plan = await PlanAsync(yaml);

        var create = Assert.Single(plan.PendingChanges);
        Assert.Equal((StarrResourceType.RootFolder, "/data/media/books", ChangeAction.Create), (create.ResourceType, create.Name, create.Action));
        Assert.Equal([new FieldChange("path", null, "/data/media/books", false), new FieldChange("name", null, "Anime", false)], create.Changes);

        var unnamed = Assert.Single((await PlanAsync("standardWiring: false\nsonarr: { rootFolders: [/data/media/tv] }\n")).PendingChanges);
        Assert.Equal([new FieldChange("path", null, "/data/media/tv", false)], unnamed.Changes);

        var result = await new Reconciler(new RecordingHost()).ApplyAsync(plan);
        Assert.True(result.Succeeded, result.ToText());
        var stored = Assert.Single(_stack.Sonarr.RootFolders);
        Assert.Equal("/data/media/books", stored.GetString("path"));
    }

    [Fact]
    public async Task Unmanaged_root_folders_are_deleted_only_when_asked_and_declared_and_ignored_ones_are_kept()
    {
        using (var sonarr = Client("sonarr"))
            foreach (var path in new[] { "/data/media/tv", "/data/media/movies", "/data/media/music", "/media" })
                await sonarr.AddRootFolderAsync(new RootFolderRequest(path), default);

        var kept = await PlanAsync("standardWiring: false\nsonarr: { rootFolders: [/data/media/tv] }\n");
        var pruned = await PlanAsync("""
            standardWiring: false
            sonarr:
              rootFolders: [/data/media/tv]
              deleteUnmanaged: { rootFolders: true, ignore: ["/data/media/mu*", "/media"] }
            """);

        Assert.True(kept.IsConverged, kept.ToString());
        var declared = Assert.Single(pruned.Changes, c => c.Name == "/data/media/tv");
        Assert.Equal(ChangeAction.NoChange, declared.Action);
        Assert.NotNull(declared.Origin);
        var delete = Assert.Single(pruned.PendingChanges);
        Assert.Equal((StarrResourceType.RootFolder, "/data/media/movies", ChangeAction.Delete), (delete.ResourceType, delete.Name, delete.Action));
        Assert.Equal([new FieldChange("path", "/data/media/movies", null, false)], delete.Changes);

        var result = await new Reconciler(new RecordingHost()).ApplyAsync(pruned);
        Assert.True(result.Succeeded, result.ToText());
        Assert.Equal(["/data/media/music", "/data/media/tv", "/media"], _stack.Sonarr.RootFolders.Select(r => r.GetString("path")).Order(StringComparer.Ordinal));
    }

    // ---- download clients ----

    [Fact]
    public async Task A_download_client_to_create_shows_enable_first_its_properties_and_tags_and_masks_its_secret()
    {
        var plan = await PlanAsync("""
            standardWiring: false
            sonarr:
              downloadClients:
                - { name: qBittorrent, implementation: QBittorrent, enable: false, priority: 3, tags: [4k], fields: { host: qbittorrent, port: 8080, password: !env QBITTORRENT_PASSWORD } }
            """);

        var create = Assert.Single(plan.PendingChanges, c => c.ResourceType == StarrResourceType.DownloadClient);
        Assert.Equal(new FieldChange("enable", null, false, false), create.Changes[0]);
        Assert.Equal(3L, Convert.ToInt64(Field(create, "priority").NewValue));
        Assert.False(Field(create, "priority").IsSecret);
        Assert.Equal(["4k"], (object?[])Field(create, "tags").NewValue!);
        Assert.True(Field(create, "password").IsSecret);
        Assert.DoesNotContain("planner-test-qbit-pass", plan.ToString() + string.Join("\n", plan.Changes.Select(c => c.Operation)));
    }

    [Fact]
    public async Task A_plain_field_holding_a_known_secret_is_masked()
    {
        _stack.Network.AddReachable("pulsarr", 3003);
        var plan = await PlanAsync("""
            standardWiring: false
            sonarr:
              downloadClients:
                - { name: qBittorrent, implementation: QBittorrent, fields: { host: qbittorrent, port: 8080, password: !env QBITTORRENT_PASSWORD } }
              notifications:
                - { name: Pulsarr, implementation: Webhook, fields: { url: "http://pulsarr:3003/hook?token=planner-test-qbit-pass", method: POST } }
            """);

        var hook = Assert.Single(plan.PendingChanges, c => c.ResourceType == StarrResourceType.Notification);
        Assert.Equal(new FieldChange("url", null, null, true), Field(hook, "url"));
        Assert.False(Field(hook, "method").IsSecret);
        Assert.DoesNotContain("planner-test-qbit-pass", string.Join("\n", plan.Changes.Select(c => c.Operation)));
    }

    [Fact]
    public async Task A_hand_made_download_client_on_another_host_or_port_or_of_another_kind_is_not_adopted()
    {
        _stack.Sonarr.SeedResource("downloadclient", DownloadClient("Other host", "QBittorrent", "qbittorrent-old", 8080));
        _stack.Sonarr.SeedResource("downloadclient", DownloadClient("Other port", "QBittorrent", "qbittorrent", 9999));
        _stack.Sonarr.SeedResource("downloadclient", DownloadClient("Transmission", "Transmission", "qbittorrent", 8080));

        var plan = await PlanAsync("sonarr: {}\nradarr: {}\nprowlarr: {}\n");

        var client = Assert.Single(plan.Changes, c => c is { Instance: "sonarr", ResourceType: StarrResourceType.DownloadClient });
        Assert.Equal(("qBittorrent", ChangeAction.Create), (client.Name, client.Action));
    }

    [Fact]
    public async Task A_declared_download_client_keeps_its_name_even_when_a_hand_made_one_points_at_the_same_host()
    {
        _stack.Sonarr.SeedResource("downloadclient", DownloadClient("qbit", "QBittorrent", "qbittorrent", 8080));

        var plan = await PlanAsync("""
            standardWiring: false
            sonarr:
              downloadClients:
                - { name: Torrents, implementation: QBittorrent, fields: { host: qbittorrent, port: 8080 } }
            """);

        Assert.Empty(plan.Problems);
        var client = Assert.Single(plan.PendingChanges);
        Assert.Equal(("Torrents", ChangeAction.Create), (client.Name, client.Action));
    }

    [Fact]
    public async Task The_standard_client_already_present_by_name_is_not_renamed_after_another_hand_made_one()
    {
        _stack.Sonarr.SeedResource("downloadclient", DownloadClient("qbit", "QBittorrent", "qbittorrent", 8080));
        _stack.Sonarr.SeedResource("downloadclient", DownloadClient("qBittorrent", "QBittorrent", "qbittorrent", 8080));

        var plan = await PlanAsync("sonarr: {}\nradarr: {}\nprowlarr: {}\n");

        var client = Assert.Single(plan.Changes, c => c is { Instance: "sonarr", ResourceType: StarrResourceType.DownloadClient });
        Assert.Equal("qBittorrent", client.Name);
    }

    [Fact]
    public async Task A_pruned_download_client_shows_its_implementation_and_ignore_patterns_each_count()
    {
        _stack.Network.AddReachable("sab", 8080);
        _stack.Sonarr.SeedResource("downloadclient", DownloadClient("Old SAB", "Sabnzbd", "sab", 8080));
        _stack.Sonarr.SeedResource("downloadclient", DownloadClient("Keep SAB", "Sabnzbd", "sab", 8080));

        var plan = await PlanAsync("""
            standardWiring: false
            sonarr: { deleteUnmanaged: { downloadClients: true, ignore: ["Manual *", "Keep *"] } }
            """);

        var delete = Assert.Single(plan.PendingChanges);
        Assert.Equal(("Old SAB", ChangeAction.Delete), (delete.Name, delete.Action));
        Assert.Equal([new FieldChange("implementation", "Sabnzbd", null, false)], delete.Changes);
    }

    // ---- Prowlarr applications ----

    [Fact]
    public async Task An_application_declares_its_name_sync_level_urls_and_enable()
    {
        _stack.Network.AddReachable("sonarr-alt", 8989);
        _stack.Network.AddReachable("prowlarr-alt", 9696);
        var plan = await PlanAsync("""
            standardWiring: false
            prowlarr:
              applications:
                - { app: sonarr, name: Sonarr HD, syncLevel: addOnly, enable: false, appUrl: "http://sonarr-alt:8989/", prowlarrUrl: "http://prowlarr-alt:9696/" }
            """);

        var app = Assert.Single(plan.Changes, c => c.ResourceType == StarrResourceType.ProwlarrApplication);
        Assert.Equal(("Sonarr HD", ChangeAction.Create), (app.Name, app.Action));
        Assert.Equal(new FieldChange("enable", null, false, false), app.Changes[0]);
        Assert.Equal("addOnly", Field(app, "syncLevel").NewValue);
        Assert.Equal("http://sonarr-alt:8989", Field(app, "baseUrl").NewValue);
        Assert.Equal("http://prowlarr-alt:9696", Field(app, "prowlarrUrl").NewValue);
    }

    [Fact]
    public async Task A_custom_application_gets_the_prowlarr_url_its_own_url_categories_and_sync_level()
    {
        var plan = await PlanAsync("""
            standardWiring: false
            prowlarr:
              applications:
                - { name: Books, implementation: Readarr, appUrl: "http://books:8787/", syncCategories: [6000], syncLevel: addOnly, fields: { apiKey: books-key } }
            """);

        Assert.Empty(plan.Problems);
        var app = Assert.Single(plan.Changes, c => c.ResourceType == StarrResourceType.ProwlarrApplication);
        Assert.Equal(("Books", ChangeAction.Create), (app.Name, app.Action));
        Assert.Equal(Load("standardWiring: false").InternalUrl(Load("standardWiring: false").FindInstance("prowlarr")!).AbsoluteUri.TrimEnd('/'), Field(app, "prowlarrUrl").NewValue);
        Assert.Equal("http://books:8787", Field(app, "baseUrl").NewValue);
        Assert.Equal([6000L], ((IEnumerable)Field(app, "syncCategories").NewValue!).Cast<object>().Select(Convert.ToInt64));
        Assert.Equal("addOnly", Field(app, "syncLevel").NewValue);

        var standard = Assert.Single((await PlanAsync("""
            standardWiring: false
            prowlarr:
              applications:
                - { name: Books, implementation: Readarr, appUrl: "http://books:8787/", fields: { apiKey: books-key } }
            """)).Changes, c => c.ResourceType == StarrResourceType.ProwlarrApplication);
        Assert.Equal("fullSync", Field(standard, "syncLevel").NewValue);
    }

    [Fact]
    public async Task A_named_application_is_created_beside_a_hand_made_one_for_the_same_app()
    {
        var sonarrUrl = Load("standardWiring: false").InternalUrl(Load("standardWiring: false").FindInstance("sonarr")!).AbsoluteUri.TrimEnd('/');
        _stack.Prowlarr.SeedResource("applications", Application("My Sonarr", "Sonarr", sonarrUrl));

        var plan = await PlanAsync("""
            standardWiring: false
            prowlarr: { applications: [ { app: sonarr, name: Sonarr HD } ] }
            """);

        var app = Assert.Single(plan.Changes, c => c.ResourceType == StarrResourceType.ProwlarrApplication);
        Assert.Equal("Sonarr HD", app.Name); // the hand-made one is taken over under the declared name, not the other way round
    }

    [Fact]
    public async Task An_unnamed_application_keeps_the_standard_name_when_present_and_ignores_one_pointing_elsewhere()
    {
        var state = Load("standardWiring: false");
        var sonarrUrl = state.InternalUrl(state.FindInstance("sonarr")!).AbsoluteUri.TrimEnd('/');
        _stack.Prowlarr.SeedResource("applications", Application("My Sonarr", "Sonarr", sonarrUrl));
        _stack.Prowlarr.SeedResource("applications", Application("Sonarr", "Sonarr", sonarrUrl));
        _stack.Prowlarr.SeedResource("applications", Application("Other Radarr", "Radarr", "http://elsewhere:7878"));

        var plan = await PlanAsync("""
            standardWiring: false
            prowlarr: { applications: [sonarr, radarr] }
            """);

        var apps = plan.Changes.Where(c => c.ResourceType == StarrResourceType.ProwlarrApplication).ToDictionary(c => c.Name, c => c.Action);
        Assert.True(apps.ContainsKey("Sonarr"), plan.ToString());
        Assert.False(apps.ContainsKey("My Sonarr"), plan.ToString());
        Assert.Equal(ChangeAction.Create, apps["Radarr"]);
        Assert.False(apps.ContainsKey("Other Radarr"), plan.ToString());
    }

    [Fact]
    public async Task Unmanaged_applications_are_deleted_only_when_asked_and_not_the_declared_or_ignored_ones()
    {
        var state = Load("standardWiring: false");
        var sonarrUrl = state.InternalUrl(state.FindInstance("sonarr")!).AbsoluteUri.TrimEnd('/');
        _stack.Prowlarr.SeedResource("applications", Application("Sonarr", "Sonarr", sonarrUrl));
        _stack.Prowlarr.SeedResource("applications", Application("Old Radarr", "Radarr", "http://old-radarr:7878"));
        _stack.Prowlarr.SeedResource("applications", Application("Manual Radarr", "Radarr", "http://manual-radarr:7878"));

        var kept = await PlanAsync("standardWiring: false\nprowlarr: { applications: [sonarr] }\n");
        var pruned = await PlanAsync("""
            standardWiring: false
            prowlarr:
              applications: [sonarr]
              deleteUnmanaged: { applications: true, ignore: ["Manual *"] }
            """);

        Assert.DoesNotContain(kept.Changes, c => c.Action == ChangeAction.Delete);
        var delete = Assert.Single(pruned.Changes, c => c.Action == ChangeAction.Delete);
        Assert.Equal((StarrResourceType.ProwlarrApplication, "Old Radarr"), (delete.ResourceType, delete.Name));
        Assert.Equal([new FieldChange("implementation", "Radarr", null, false)], delete.Changes);
    }

    // ---- Prowlarr indexers and the indexer sync ----

    [Fact]
    public async Task The_indexer_sync_forces_a_full_push_when_no_timeout_is_set()
    {
        var result = await new Reconciler(new RecordingHost(), new ReconcileOptions { IndexerSyncTimeout = null }).RunAsync(Load("""
            standardWiring: false
            prowlarr: { applications: [sonarr] }
            """));

        Assert.True(result.Succeeded, result.ToText());
        var sync = Assert.Single(_stack.Prowlarr.Commands, c => c.GetString("name") == "ApplicationIndexerSync");
        Assert.True(sync["body"]!["forceSync"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_converged_indexer_without_a_named_app_profile_does_not_read_the_profiles()
    {
        const string yaml = """
            standardWiring: false
            prowlarr:
              indexers:
                - { name: Anime, definition: animetosho, fields: { apiKey: anime-key } }
            """;
        _stack.Network.AddReachable("feed.animetosho.org", 443);
        var first = await new Reconciler(new RecordingHost()).RunAsync(Load(yaml));
        Assert.True(first.Succeeded, first.ToText());
        _stack.Prowlarr.Requests.Clear();

        var plan = await PlanAsync(yaml);

        Assert.True(plan.IsConverged, plan.ToString());
        Assert.DoesNotContain(_stack.Prowlarr.Requests.FromStarrOps, r => r.Path.Contains("appprofile", StringComparison.OrdinalIgnoreCase));
    }
}
