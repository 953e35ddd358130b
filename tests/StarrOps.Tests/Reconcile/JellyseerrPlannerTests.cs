using System.Collections;
using StarrOps.Core.Arr;
using StarrOps.Core.Config;
using StarrOps.Core.Instances;
using StarrOps.Core.Jellyseerr;
using StarrOps.Core.Reconcile;
using StarrOps.TestKit;
using StarrOps.Tests.Support;

namespace StarrOps.Tests.Reconcile;

/// <summary>
/// How Jellyseerr is planned: its first-time setup with Jellyfin, its Jellyfin connection, and its Sonarr and Radarr
/// entries (matching, the fields compared, defaults, profiles and root folders), with the errors each gets.
/// Jellyseerr and Jellyfin are emulated (Seerr 3.1.0 and Jellyfin 10.11 shapes); the apps too, by in-cluster names.
/// </summary>
public sealed class JellyseerrPlannerTests : IAsyncLifetime
{
    private EmulatedStack _stack = null!;
    private Hashtable _env = null!;

    private const string Instances = """
        instances:
          sonarr: { internalUrl: "http://sonarr:8989" }
          radarr: { internalUrl: "http://radarr:7878" }
          jellyfin: { internalUrl: "http://jellyfin:8096" }

        """;

    /// <summary>Set up with Jellyfin and initialized, no Sonarr or Radarr entry yet.</summary>
    private const string SetupOnly = Instances + "jellyseerr: { standardWiring: false, jellyfin: jellyfin }\n";

    public async Task InitializeAsync()
    {
        _stack = await EmulatedStack.StartAsync(new EmulatedStackOptions { Lidarr = [], Prowlarr = false, Gluetun = false });
        _env = StackEnvironment.Of(_stack);
    }

    public async Task DisposeAsync() => await _stack.DisposeAsync();

    private DesiredState Load(string yaml) => DesiredStateLoader.Parse(yaml, _env, "stack.yaml");

    private Task<ReconcilePlan> PlanAsync(string yaml, ReconcileOptions? options = null) => new Reconciler(new RecordingHost(), options).PlanAsync(Load(yaml));

    private Task<ReconcileResult> RunAsync(string yaml) => new Reconciler(new RecordingHost()).RunAsync(Load(yaml));

    private async Task WiredAsync(string yaml = Instances)
    {
        var result = await RunAsync(yaml);
        Assert.True(result.Succeeded, result.ToText());
    }

    private static List<ReconcileChange> Jellyseerr(ReconcilePlan plan) => plan.Changes.Where(c => c.Instance == "jellyseerr").ToList();

    private static ReconcileChange Only(ReconcilePlan plan, StarrResourceType type) => Assert.Single(plan.Changes, c => c.ResourceType == type);

    /// <summary>"port: 8096 -> 8920" per field, "null" where there is no value (new entries), "apiKey: (secret)" for a secret.</summary>
    private static IEnumerable<string> Fields(ReconcileChange change) =>
        change.Changes.Select(c => c.IsSecret ? $"{c.Field}: (secret)" : $"{c.Field}: {Show(c.OldValue)} -> {Show(c.NewValue)}");

    private static string Show(object? value) => value switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!,
    };

    private JellyseerrClient Client() => new(Load(Instances).FindInstance("jellyseerr")!);

    /// <summary>Changes the one Sonarr entry by hand, as someone in Jellyseerr's UI would.</summary>
    private async Task EditSonarrEntryAsync(Func<JellyseerrServer, JellyseerrServer> edit)
    {
        using var client = Client();
        var entry = Assert.Single(await client.GetServersAsync(JellyseerrServerKind.Sonarr, default));
        await client.UpdateServerAsync(edit(entry), default);
    }

    private static ChangeOutcome Failed(ReconcileResult result) => Assert.Single(result.Outcomes, o => o.Status == ChangeStatus.Failed);

    // ---- setup ----

    [Fact]
    public async Task Setup_shows_the_Jellyfin_address_and_login_but_never_the_password()
    {
        var plan = await PlanAsync(SetupOnly.Replace("http://jellyfin:8096", "http://jellyfin:8096/jf", StringComparison.Ordinal));

        var setup = Only(plan, StarrResourceType.JellyseerrSetup);
        Assert.Equal((ChangeAction.Create, "jellyfin", JellyseerrPlanner.SetupStage), (setup.Action, setup.Name, setup.Stage));
        Assert.Equal(
            ["hostname: null -> jellyfin", "port: null -> 8096", "useSsl: null -> false", "urlBase: null -> /jf", $"username: null -> {_stack.Jellyfin.AdminUserName}", "password: (secret)"],
            Fields(setup));
        Assert.DoesNotContain(_stack.Jellyfin.AdminPassword, plan.ToString() + setup.Operation);

        // Without a URL base there is no urlBase to show.
        var plain = Only(await PlanAsync(SetupOnly), StarrResourceType.JellyseerrSetup);
        Assert.Equal(["hostname", "port", "useSsl", "username", "password"], plain.Changes.Select(c => c.Field));
    }

    [Fact]
    public async Task A_fresh_Jellyseerr_plans_its_entries_without_reading_them_since_its_key_works_only_after_setup()
    {
        var plan = await PlanAsync(Instances);

        Assert.Empty(plan.Problems);
        Assert.Equal(ChangeAction.Create, Only(plan, StarrResourceType.JellyseerrSetup).Action);
        Assert.Equal(ChangeAction.Create, Only(plan, StarrResourceType.JellyseerrSonarr).Action);
        Assert.Equal(ChangeAction.Create, Only(plan, StarrResourceType.JellyseerrRadarr).Action);
        Assert.DoesNotContain(_stack.Jellyseerr.Requests.All, r => r.Path.EndsWith("/settings/sonarr", StringComparison.Ordinal) || r.Path.EndsWith("/settings/radarr", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("JELLYFIN_USERNAME")]
    [InlineData("JELLYFIN_PASSWORD")]
    [InlineData("JELLYFIN_URL")]
    public async Task Setup_without_a_full_Jellyfin_login_is_one_problem_and_nothing_else_is_planned(string missing)
    {
        _env.Remove(missing);
        const string withoutJellyfin = """
            instances:
              sonarr: { internalUrl: "http://sonarr:8989" }
              radarr: { internalUrl: "http://radarr:7878" }
            """;

        var plan = await PlanAsync(withoutJellyfin);

        var problem = Assert.Single(plan.Problems);
        Assert.Equal(("jellyseerr", StarrResourceType.JellyseerrSetup, "setup"), (problem.Instance, problem.ResourceType, problem.Name));
        // Through the registry as the message went: another test's Kubernetes Secret holds the username "admin", and any
        // secret the process has seen is scrubbed from every message, ordinary word or not.
        Assert.EndsWith(SecretRegistry.Redact("jellyseerr is not set up yet, and its setup needs a Jellyfin admin login: set JELLYFIN_URL, JELLYFIN_USERNAME and JELLYFIN_PASSWORD " +
                        "(or the Jellyfin instance's url, username and password in the configuration file)."), problem.Message);
        Assert.Empty(Jellyseerr(plan));
    }

    [Fact]
    public async Task A_setup_whose_Jellyfin_Jellyseerr_cannot_reach_fails_naming_the_address_and_leaves_it_uninitialized()
    {
        var result = await RunAsync(SetupOnly.Replace("http://jellyfin:8096", "http://jellyfin:9999", StringComparison.Ordinal));

        var failed = Failed(result);
        Assert.Equal(StarrResourceType.JellyseerrSetup, failed.ResourceType);
        Assert.Contains("Check that Jellyfin answers at http://jellyfin:9999/ from Jellyseerr's pod.", failed.Error);
        Assert.False(_stack.Jellyseerr.IsSetUp);
        Assert.False(_stack.Jellyseerr.IsInitialized);
    }

    [Fact]
    public async Task A_setup_Jellyfin_refuses_is_reported_as_the_login_it_refused_not_as_an_address_to_check()
    {
        _env["JELLYFIN_PASSWORD"] = "not-the-password";

        var result = await RunAsync(SetupOnly);

        var failed = Failed(result);
        Assert.Equal(StarrResourceType.JellyseerrSetup, failed.ResourceType);
        Assert.Contains("INVALID_CREDENTIALS", failed.Error);
        Assert.DoesNotContain("Check that Jellyfin answers", failed.Error);
        Assert.DoesNotContain("not-the-password", result.ToJson());
        Assert.False(_stack.Jellyseerr.IsSetUp);
    }

    [Fact]
    public async Task A_setup_Jellyseerr_fails_for_another_reason_is_reported_with_its_own_message()
    {
        _stack.Jellyseerr.Faults.FailWithStatus(500, "/api/v1/auth/jellyfin", "POST", """{ "message": "SQLITE_BUSY: database is locked" }""");

        var failed = Failed(await RunAsync(SetupOnly));

        Assert.Contains("SQLITE_BUSY: database is locked", failed.Error);
        Assert.DoesNotContain("Check that Jellyfin answers", failed.Error);
        Assert.False(_stack.Jellyseerr.IsInitialized);
    }

    [Fact]
    public async Task A_Jellyseerr_with_nothing_to_connect_is_left_alone()
    {
        await using var stack = await EmulatedStack.StartAsync(new EmulatedStackOptions
        {
            Sonarr = [], Radarr = [], Lidarr = [], Prowlarr = false, Jellyfin = false, Gluetun = false,
        });

        var plan = await new Reconciler(new RecordingHost()).PlanAsync(DesiredStateLoader.Parse("{}", StackEnvironment.Of(stack), "stack.yaml"));

        Assert.True(plan.IsConverged, plan.ToString());
        Assert.Empty(plan.Changes);
        Assert.False(stack.Jellyseerr.IsSetUp);
    }

    [Fact]
    public async Task A_set_up_but_uninitialized_Jellyseerr_is_initialized_and_wired_in_the_same_run()
    {
        _stack.Jellyseerr.CompleteSetup("jellyfin", 8096, _stack.Jellyfin.ApiKey);

        var plan = await PlanAsync(Instances);

        var initialize = Only(plan, StarrResourceType.JellyseerrSetup);
        Assert.Equal((ChangeAction.Update, "initialize", JellyseerrPlanner.SetupStage), (initialize.Action, initialize.Name, initialize.Stage));
        Assert.Equal(["initialized: false -> true"], Fields(initialize));
        Assert.Equal(ChangeAction.NoChange, Only(plan, StarrResourceType.JellyseerrJellyfin).Action);
        var result = await new Reconciler(new RecordingHost()).ApplyAsync(plan);
        Assert.True(result.Succeeded, result.ToText());
        Assert.True(_stack.Jellyseerr.IsInitialized);
        Assert.Single(_stack.Jellyseerr.SonarrSettings);
        Assert.True((await PlanAsync(Instances)).IsConverged);
    }

    [Fact]
    public async Task A_set_up_but_uninitialized_Jellyseerr_without_a_declared_Jellyfin_is_only_initialized()
    {
        _stack.Jellyseerr.CompleteSetup("jellyfin", 8096, _stack.Jellyfin.ApiKey);

        var plan = await PlanAsync(Instances + "jellyseerr: { standardWiring: false, sonarr: [ sonarr ] }\n");

        Assert.Empty(plan.Problems);
        Assert.Equal("initialize", Only(plan, StarrResourceType.JellyseerrSetup).Name);
        Assert.DoesNotContain(plan.Changes, c => c.ResourceType == StarrResourceType.JellyseerrJellyfin);
    }

    [Fact]
    public async Task A_set_up_Jellyseerr_that_refuses_the_key_is_an_error_never_a_new_setup()
    {
        await WiredAsync();
        _env["JELLYSEERR_API_KEY"] = "0123456789abcdef0123456789abcdef";
        _stack.Jellyseerr.Requests.Clear();

        var plan = await PlanAsync(Instances);

        var problem = Assert.Single(plan.Problems);
        Assert.Equal(("jellyseerr", true), (problem.Instance, problem.InstanceUnavailable));
        Assert.Empty(Jellyseerr(plan));
        Assert.Empty(_stack.Jellyseerr.Requests.Writes);
    }

    [Fact]
    public async Task Waiting_for_readiness_plans_a_Jellyseerr_that_answers_its_status()
    {
        await WiredAsync();

        var plan = await PlanAsync(Instances, new ReconcileOptions { WaitForReady = TimeSpan.FromSeconds(1), ReadyPollInterval = TimeSpan.FromMilliseconds(50) });

        Assert.True(plan.IsConverged, plan.ToString());
        Assert.Contains(_stack.Jellyseerr.Requests.All, r => r.Path == "/api/v1/status");
    }

    // ---- the Jellyfin connection ----

    [Fact]
    public async Task A_converged_run_without_a_declared_Jellyfin_reads_only_the_declared_collections()
    {
        await WiredAsync();
        _stack.Jellyseerr.Requests.Clear();

        var plan = await PlanAsync(Instances + "jellyseerr: { standardWiring: false, sonarr: [ sonarr ] }\n");

        Assert.Equal(ChangeAction.NoChange, Assert.Single(Jellyseerr(plan)).Action);
        Assert.Equal(["GET /api/v1/settings/public", "GET /api/v1/settings/sonarr"], _stack.Jellyseerr.Requests.All.Select(r => $"{r.Method} {r.Path}").Order());
    }

    [Fact]
    public async Task A_moved_Jellyfin_is_changed_field_by_field()
    {
        await WiredAsync();

        var plan = await PlanAsync(Instances.Replace("http://jellyfin:8096", "https://jellyfin:8920/jf/", StringComparison.Ordinal));

        var connection = Only(plan, StarrResourceType.JellyseerrJellyfin);
        Assert.Equal((ChangeAction.Update, "jellyfin", JellyseerrPlanner.SettingsStage), (connection.Action, connection.Name, connection.Stage));
        Assert.Equal(["port: 8096 -> 8920", "useSsl: false -> true", "urlBase:  -> /jf"], Fields(connection));
    }

    [Fact]
    public async Task A_Jellyfin_at_a_new_address_is_saved_there_and_then_converged()
    {
        await WiredAsync();
        _stack.Network.Map("media", 18096, _stack.Jellyfin);
        var moved = Instances.Replace("http://jellyfin:8096", "http://media:18096", StringComparison.Ordinal);

        var plan = await PlanAsync(moved);

        Assert.Equal(["ip: jellyfin -> media", "port: 8096 -> 18096"], Fields(Only(plan, StarrResourceType.JellyseerrJellyfin)));
        var result = await new Reconciler(new RecordingHost()).ApplyAsync(plan);
        Assert.True(result.Succeeded, result.ToText());
        var stored = _stack.Jellyseerr.JellyfinSettings;
        Assert.Equal(("media", 18096, false, ""), (stored.GetString("ip"), stored.GetInt("port"), stored.GetBool("useSsl"), stored.GetString("urlBase")));
        Assert.True((await PlanAsync(moved)).IsConverged);
    }

    [Fact]
    public async Task A_Jellyfin_host_differing_only_in_case_is_the_same_host()
    {
        await WiredAsync();
        _stack.Jellyseerr.CompleteSetup("Jellyfin", 8096, _stack.Jellyseerr.JellyfinSettings.GetString("apiKey")!);

        Assert.Equal(ChangeAction.NoChange, Only(await PlanAsync(Instances), StarrResourceType.JellyseerrJellyfin).Action);
    }

    [Fact]
    public async Task A_Jellyfin_address_Jellyseerr_cannot_reach_fails_and_changes_nothing()
    {
        await WiredAsync();

        var result = await RunAsync(Instances.Replace("http://jellyfin:8096", "http://jellyfin:9999", StringComparison.Ordinal));

        var failed = Failed(result);
        Assert.Equal(StarrResourceType.JellyseerrJellyfin, failed.ResourceType);
        Assert.Contains("jellyseerr: Jellyseerr cannot reach Jellyfin at http://jellyfin:9999/ (INVALID_URL); its settings were not changed.", failed.Error);
        Assert.Equal(8096, _stack.Jellyseerr.JellyfinSettings.GetInt("port"));
    }

    [Fact]
    public async Task A_Jellyfin_change_Jellyseerr_fails_for_another_reason_is_reported_with_its_own_message()
    {
        await WiredAsync();
        _stack.Jellyseerr.Faults.FailWithStatus(500, "/api/v1/settings/jellyfin", "POST", """{ "message": "Jellyfin is restarting" }""");

        var result = await RunAsync(Instances.Replace("http://jellyfin:8096", "http://jellyfin:9999", StringComparison.Ordinal));

        var failed = Failed(result);
        Assert.Contains("Jellyfin is restarting", failed.Error);
        Assert.DoesNotContain("cannot reach Jellyfin", failed.Error);
        Assert.Equal(8096, _stack.Jellyseerr.JellyfinSettings.GetInt("port"));
    }

    // ---- Sonarr and Radarr entries ----

    [Fact]
    public async Task A_new_entry_shows_every_field_it_will_set_and_waits_for_its_app()
    {
        await WiredAsync(SetupOnly);

        var plan = await PlanAsync(Instances.Replace("http://sonarr:8989", "http://sonarr:8989/tv", StringComparison.Ordinal));

        var sonarr = Only(plan, StarrResourceType.JellyseerrSonarr);
        Assert.Equal((ChangeAction.Create, "Sonarr", "sonarr", JellyseerrPlanner.SettingsStage), (sonarr.Action, sonarr.Name, sonarr.DependsOn, sonarr.Stage));
        Assert.Equal(
            ["name: null -> Sonarr", "hostname: null -> sonarr", "port: null -> 8989", "useSsl: null -> false", "baseUrl: null -> /tv", "apiKey: (secret)",
             "is4k: null -> false", "isDefault: null -> true", "activeProfileName: null -> (first profile)", "activeDirectory: null -> /data/media/tv"],
            Fields(sonarr));
        var radarr = Only(plan, StarrResourceType.JellyseerrRadarr);
        Assert.Equal(("Radarr", "radarr"), (radarr.Name, radarr.DependsOn));
        Assert.DoesNotContain(radarr.Changes, c => c.Field == "baseUrl");
        Assert.DoesNotContain(_stack.Sonarr.ApiKey, plan.ToString());
    }

    [Fact]
    public async Task New_entries_get_the_declared_profile_and_folder_by_name_or_id_and_each_apps_own_fields()
    {
        await WiredAsync(SetupOnly);
        var declared = Instances + """
            jellyseerr:
              sonarr: [ { app: sonarr, qualityProfile: hd-1080p } ]
              radarr: [ { app: radarr, qualityProfile: "5", rootFolder: /data/media/movies/ } ]
            """;
        var plan = await PlanAsync(declared);
        Assert.Contains("activeProfileName: null -> hd-1080p", Fields(Only(plan, StarrResourceType.JellyseerrSonarr)));
        Assert.Contains("activeDirectory: null -> /data/media/movies/", Fields(Only(plan, StarrResourceType.JellyseerrRadarr)));

        await WiredAsync(declared);

        var sonarr = Assert.Single(_stack.Jellyseerr.SonarrSettings);
        Assert.Equal((4, "HD-1080p", "/data/media/tv"), (sonarr.GetInt("activeProfileId"), sonarr.GetString("activeProfileName"), sonarr.GetString("activeDirectory")));
        Assert.Equal((true, _stack.Sonarr.ApiKey, false), (sonarr.GetBool("enableSeasonFolders"), sonarr.GetString("apiKey"), sonarr.ContainsKey("minimumAvailability")));
        var radarr = Assert.Single(_stack.Jellyseerr.RadarrSettings);
        Assert.Equal((5, "Ultra-HD", "/data/media/movies"), (radarr.GetInt("activeProfileId"), radarr.GetString("activeProfileName"), radarr.GetString("activeDirectory")));
        Assert.Equal(("released", false), (radarr.GetString("minimumAvailability"), radarr.ContainsKey("enableSeasonFolders")));
    }

    [Theory]
    [InlineData("qualityProfile: Best", "sonarr has no quality profile 'Best'. Profiles: Any, SD, HD-720p, HD-1080p, Ultra-HD, HD - 720p/1080p.")]
    [InlineData("rootFolder: /data/tv", "sonarr has no root folder '/data/tv'. Root folders: /data/media/tv.")]
    public async Task A_profile_or_folder_the_app_lacks_fails_listing_what_it_has_and_adds_nothing(string declared, string message)
    {
        await WiredAsync(SetupOnly);

        var result = await RunAsync(Instances + $"jellyseerr: {{ sonarr: [ {{ app: sonarr, {declared} }} ] }}\n");

        Assert.Contains(message, Failed(result).Error);
        Assert.Empty(_stack.Jellyseerr.SonarrSettings);
    }

    [Fact]
    public async Task An_app_without_any_root_folder_cannot_get_an_entry_and_is_told_how_to_add_one()
    {
        var yaml = Instances + "radarr: { standardWiring: false }\njellyseerr: { standardWiring: false, jellyfin: jellyfin, radarr: [ radarr ] }\n";
        var plan = await PlanAsync(yaml);
        Assert.Contains("activeDirectory: null -> (first root folder)", Fields(Only(plan, StarrResourceType.JellyseerrRadarr)));

        var result = await new Reconciler(new RecordingHost()).ApplyAsync(plan);

        Assert.Contains("radarr has no root folder yet; Jellyseerr needs one (add rootFolders to radarr).", Failed(result).Error);
        Assert.Empty(_stack.Jellyseerr.RadarrSettings);
    }

    [Theory]
    [InlineData("https://sonarr:9999/tv")]
    [InlineData("http://sonarr:9999")]
    public async Task An_app_Jellyseerr_cannot_connect_to_fails_naming_the_address_it_tried(string address)
    {
        await WiredAsync(SetupOnly);

        var result = await RunAsync(Instances.Replace("http://sonarr:8989", address, StringComparison.Ordinal)
                                    + "jellyseerr: { standardWiring: false, sonarr: [ sonarr ] }\n");

        var failed = Failed(result);
        Assert.Equal(("jellyseerr", StarrResourceType.JellyseerrSonarr), (failed.Instance, failed.ResourceType));
        Assert.Contains($"jellyseerr: Jellyseerr cannot connect to sonarr at {address} (Failed to connect to Sonarr).", failed.Error);
        Assert.Empty(_stack.Jellyseerr.SonarrSettings);
    }

    [Fact]
    public async Task An_app_without_any_quality_profile_cannot_get_an_entry()
    {
        await WiredAsync(SetupOnly);
        _stack.Sonarr.Faults.FailWithStatus(200, "/api/v3/qualityprofile", "GET", "[]");

        var result = await RunAsync(Instances + "jellyseerr: { standardWiring: false, sonarr: [ sonarr ] }\n");

        Assert.Contains("sonarr has no quality profile for Jellyseerr to use.", Failed(result).Error);
        Assert.Empty(_stack.Jellyseerr.SonarrSettings);
    }

    [Fact]
    public async Task An_app_without_an_API_key_is_a_problem_under_the_entrys_name_and_the_other_entries_are_planned()
    {
        await WiredAsync(SetupOnly);
        _env.Remove("SONARR_API_KEY");

        var plan = await PlanAsync(Instances + "jellyseerr: { sonarr: [ { app: sonarr, name: TV } ] }\n");

        var problem = Assert.Single(plan.Problems, p => p.Instance == "jellyseerr");
        Assert.Equal((StarrResourceType.JellyseerrSonarr, "TV"), (problem.ResourceType, problem.Name));
        Assert.Contains("sonarr has no API key; Jellyseerr needs it. Set SONARR_API_KEY.", problem.Message);
        Assert.Equal(ChangeAction.Create, Only(plan, StarrResourceType.JellyseerrRadarr).Action);
    }

    [Fact]
    public async Task A_hand_renamed_entry_keeps_its_name_under_the_standard_wiring_and_a_declared_name_puts_it_back()
    {
        await WiredAsync();
        await EditSonarrEntryAsync(e => e with { Name = "My TV" });

        var kept = Only(await PlanAsync(Instances), StarrResourceType.JellyseerrSonarr);
        Assert.Equal((ChangeAction.NoChange, "My TV"), (kept.Action, kept.Name));

        var declared = Instances + "jellyseerr: { sonarr: [ { app: sonarr, name: Sonarr } ] }\n";
        var plan = await PlanAsync(declared);
        var change = Only(plan, StarrResourceType.JellyseerrSonarr);
        Assert.Equal((ChangeAction.Update, "Sonarr"), (change.Action, change.Name));
        Assert.Equal(["name: My TV -> Sonarr"], Fields(change));
        Assert.True((await new Reconciler(new RecordingHost()).ApplyAsync(plan)).Succeeded);
        Assert.Equal("Sonarr", Assert.Single(_stack.Jellyseerr.SonarrSettings).GetString("name"));
    }

    [Fact]
    public async Task An_entry_found_by_name_whose_address_drifted_is_pointed_back_not_duplicated()
    {
        await WiredAsync();
        await EditSonarrEntryAsync(e => e with { Name = "SONARR", Hostname = "old-sonarr", Port = 1234, UseSsl = true, BaseUrl = "/old" });

        var plan = await PlanAsync(Instances);

        var change = Only(plan, StarrResourceType.JellyseerrSonarr);
        Assert.Equal((ChangeAction.Update, "SONARR"), (change.Action, change.Name));
        Assert.Equal(["hostname: old-sonarr -> sonarr", "port: 1234 -> 8989", "useSsl: true -> false", "baseUrl: /old -> "], Fields(change));
        Assert.True((await new Reconciler(new RecordingHost()).ApplyAsync(plan)).Succeeded);
        var stored = Assert.Single(_stack.Jellyseerr.SonarrSettings);
        Assert.Equal(("sonarr", 8989, false, ""), (stored.GetString("hostname"), stored.GetInt("port"), stored.GetBool("useSsl"), stored.GetString("baseUrl")));
    }

    [Fact]
    public async Task A_host_in_other_case_and_a_bare_slash_url_base_are_the_same_address()
    {
        await WiredAsync();
        await EditSonarrEntryAsync(e => e with { Name = "Series", Hostname = "Sonarr", BaseUrl = "/" });

        var change = Only(await PlanAsync(Instances), StarrResourceType.JellyseerrSonarr);

        Assert.Equal((ChangeAction.NoChange, "Series"), (change.Action, change.Name));
    }

    [Fact]
    public async Task An_entry_at_the_apps_address_is_chosen_over_one_that_only_has_its_name()
    {
        await WiredAsync();
        await EditSonarrEntryAsync(e => e with { Name = "Series" });
        using (var client = Client())
        {
            var series = Assert.Single(await client.GetServersAsync(JellyseerrServerKind.Sonarr, default));
            await client.AddServerAsync(series with { Id = null, Name = "Sonarr", Hostname = "old-sonarr", Port = 1234, IsDefault = false }, default);
        }

        var plan = await PlanAsync(Instances);

        var change = Only(plan, StarrResourceType.JellyseerrSonarr);
        Assert.Equal((ChangeAction.NoChange, "Series"), (change.Action, change.Name));
    }

    [Fact]
    public async Task An_entry_at_the_same_host_and_port_under_another_URL_base_is_another_app()
    {
        await WiredAsync();
        await EditSonarrEntryAsync(e => e with { Name = "Other", BaseUrl = "/other", IsDefault = false });
        using (var client = Client())
        {
            var other = Assert.Single(await client.GetServersAsync(JellyseerrServerKind.Sonarr, default));
            await client.AddServerAsync(other with { Id = null, Name = "Series", BaseUrl = "", IsDefault = true }, default);
        }

        var change = Only(await PlanAsync(Instances), StarrResourceType.JellyseerrSonarr);

        Assert.Equal((ChangeAction.NoChange, "Series"), (change.Action, change.Name));
    }

    [Fact]
    public async Task An_entry_under_its_declared_name_is_found_at_another_address_and_pointed_back()
    {
        var declared = Instances + "jellyseerr: { sonarr: [ { app: sonarr, name: TV } ] }\n";
        await WiredAsync(declared);
        await EditSonarrEntryAsync(e => e with { Hostname = "old-sonarr" });

        var change = Only(await PlanAsync(declared), StarrResourceType.JellyseerrSonarr);

        Assert.Equal((ChangeAction.Update, "TV"), (change.Action, change.Name));
        Assert.Equal(["hostname: old-sonarr -> sonarr"], Fields(change));
    }

    [Fact]
    public async Task An_entry_made_4K_by_hand_stays_4K_when_the_declaration_does_not_say()
    {
        await WiredAsync();
        await EditSonarrEntryAsync(e => e with { Is4k = true });

        var plan = await PlanAsync(Instances + "jellyseerr: { standardWiring: false, sonarr: [ sonarr ] }\n");

        Assert.Equal(ChangeAction.NoChange, Only(plan, StarrResourceType.JellyseerrSonarr).Action);
    }

    [Fact]
    public async Task An_entry_saved_without_a_URL_base_is_the_same_as_one_with_an_empty_one()
    {
        await WiredAsync(SetupOnly);
        using (var client = Client())
        {
            await client.AddServerAsync(new JellyseerrServer
            {
                Kind = JellyseerrServerKind.Sonarr, Name = "Series", Hostname = "sonarr", Port = 8989, ApiKey = new Secret(_stack.Sonarr.ApiKey), BaseUrl = null,
                ActiveProfileId = 1, ActiveProfileName = "Any", ActiveDirectory = "/data/media/tv", IsDefault = true, EnableSeasonFolders = true,
            }, default);
        }
        Assert.False(Assert.Single(_stack.Jellyseerr.SonarrSettings).ContainsKey("baseUrl"));

        var change = Only(await PlanAsync(Instances + "jellyseerr: { standardWiring: false, sonarr: [ sonarr ] }\n"), StarrResourceType.JellyseerrSonarr);

        Assert.Equal((ChangeAction.NoChange, "Series"), (change.Action, change.Name));
    }

    [Fact]
    public async Task A_changed_API_key_is_put_back_shown_only_as_a_secret()
    {
        await WiredAsync();
        await EditSonarrEntryAsync(e => e with { ApiKey = new Secret("0123456789abcdef0123456789abcdef") });

        var plan = await PlanAsync(Instances);

        var change = Only(plan, StarrResourceType.JellyseerrSonarr);
        Assert.Equal(["apiKey: (secret)"], Fields(change));
        Assert.Null(change.Changes[0].NewValue);
        var result = await new Reconciler(new RecordingHost()).ApplyAsync(plan);
        Assert.True(result.Succeeded, result.ToText());
        Assert.Equal(_stack.Sonarr.ApiKey, Assert.Single(_stack.Jellyseerr.SonarrSettings).GetString("apiKey"));
        Assert.DoesNotContain(_stack.Sonarr.ApiKey, result.ToJson());
    }

    [Fact]
    public async Task Declared_4K_and_default_flags_are_put_on_an_existing_entry()
    {
        await WiredAsync();

        var plan = await PlanAsync(Instances + "jellyseerr: { sonarr: [ { app: sonarr, is4k: true, default: false } ] }\n");

        Assert.Equal(["is4k: false -> true", "isDefault: true -> false"], Fields(Only(plan, StarrResourceType.JellyseerrSonarr)));
        Assert.True((await new Reconciler(new RecordingHost()).ApplyAsync(plan)).Succeeded);
        var stored = Assert.Single(_stack.Jellyseerr.SonarrSettings);
        Assert.Equal((true, false), (stored.GetBool("is4k"), stored.GetBool("isDefault")));
    }

    [Fact]
    public async Task A_declared_profile_is_put_on_an_existing_entry_and_its_folder_kept()
    {
        await WiredAsync();

        var plan = await PlanAsync(Instances + "jellyseerr: { sonarr: [ { app: sonarr, qualityProfile: HD-1080p } ] }\n");

        Assert.Equal(["activeProfileName: Any -> HD-1080p"], Fields(Only(plan, StarrResourceType.JellyseerrSonarr)));
        Assert.True((await new Reconciler(new RecordingHost()).ApplyAsync(plan)).Succeeded);
        var stored = Assert.Single(_stack.Jellyseerr.SonarrSettings);
        Assert.Equal((4, "HD-1080p", "/data/media/tv"), (stored.GetInt("activeProfileId"), stored.GetString("activeProfileName"), stored.GetString("activeDirectory")));
        // The same profile by id or in other case is no change.
        Assert.True((await PlanAsync(Instances + "jellyseerr: { sonarr: [ { app: sonarr, qualityProfile: \"4\" } ] }\n")).IsConverged);
        Assert.True((await PlanAsync(Instances + "jellyseerr: { sonarr: [ { app: sonarr, qualityProfile: hd-1080P } ] }\n")).IsConverged);
    }

    [Fact]
    public async Task A_declared_root_folder_is_put_on_an_existing_entry_and_its_profile_kept()
    {
        _stack.Sonarr.AddExistingPath("/data/media/anime");
        var folders = Instances + "sonarr: { rootFolders: [ /data/media/tv, /data/media/anime ] }\n";
        await WiredAsync(folders);

        var plan = await PlanAsync(folders + "jellyseerr: { sonarr: [ { app: sonarr, rootFolder: /data/media/anime } ] }\n");

        Assert.Equal(["activeDirectory: /data/media/tv -> /data/media/anime"], Fields(Only(plan, StarrResourceType.JellyseerrSonarr)));
        Assert.True((await new Reconciler(new RecordingHost()).ApplyAsync(plan)).Succeeded);
        var stored = Assert.Single(_stack.Jellyseerr.SonarrSettings);
        Assert.Equal((1, "Any", "/data/media/anime"), (stored.GetInt("activeProfileId"), stored.GetString("activeProfileName"), stored.GetString("activeDirectory")));
        Assert.True((await PlanAsync(folders + "jellyseerr: { sonarr: [ { app: sonarr, rootFolder: /data/media/anime/ } ] }\n")).IsConverged);
    }

    [Fact]
    public async Task A_declared_root_folder_the_app_lacks_fails_on_an_existing_entry_and_leaves_it_as_it_was()
    {
        _stack.Sonarr.AddExistingPath("/data/media/anime");
        var folders = Instances + "sonarr: { rootFolders: [ /data/media/tv, /data/media/anime ] }\n";
        await WiredAsync(folders);

        var result = await RunAsync(folders + "jellyseerr: { sonarr: [ { app: sonarr, rootFolder: /data/tv } ] }\n");

        Assert.Contains("sonarr has no root folder '/data/tv'. Root folders: /data/media/tv, /data/media/anime.", Failed(result).Error);
        Assert.Equal("/data/media/tv", Assert.Single(_stack.Jellyseerr.SonarrSettings).GetString("activeDirectory"));
    }

    [Fact]
    public async Task Each_class_gets_one_default_and_an_existing_default_is_kept()
    {
        await using var stack = await EmulatedStack.StartAsync(new EmulatedStackOptions
        {
            Sonarr = ["sonarr", "sonarr-4k", "anime"], Radarr = [], Lidarr = [], Prowlarr = false, Gluetun = false,
        });
        var env = StackEnvironment.Of(stack);
        const string instances = """
            instances:
              sonarr: { internalUrl: "http://sonarr:8989" }
              sonarr-4k: { internalUrl: "http://sonarr-4k:8989" }
              sonarr-anime: { internalUrl: "http://anime:8989" }
              jellyfin: { internalUrl: "http://jellyfin:8096" }

            """;
        async Task Run(string yaml)
        {
            var result = await new Reconciler(new RecordingHost()).RunAsync(DesiredStateLoader.Parse(yaml, env, "stack.yaml"));
            Assert.True(result.Succeeded, result.ToText());
        }

        await Run(instances + "jellyseerr: { standardWiring: false, jellyfin: jellyfin, sonarr: [ sonarr-anime ] }\n");
        await Run(instances);

        var entries = stack.Jellyseerr.SonarrSettings.ToDictionary(e => e.GetString("hostname")!, e => (Is4k: e.GetBool("is4k"), IsDefault: e.GetBool("isDefault")));
        Assert.Equal((false, true), entries["anime"]);    // the default it already had
        Assert.Equal((false, false), entries["sonarr"]);  // not a second default of its class
        Assert.Equal((true, true), entries["sonarr-4k"]); // the first of the 4K class
    }
}
