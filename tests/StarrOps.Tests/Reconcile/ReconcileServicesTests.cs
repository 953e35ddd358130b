using System.Collections;
using StarrOps.Core.Arr;
using StarrOps.Core.Config;
using StarrOps.Core.Reconcile;
using StarrOps.TestKit;
using StarrOps.Tests.Clients.Fakes;
using StarrOps.Tests.Support;

namespace StarrOps.Tests.Reconcile;

/// <summary>Jellyseerr (emulated, with an emulated Jellyfin) and Bazarr (fake) wired by reconcile.</summary>
public sealed class ReconcileServicesTests : IAsyncLifetime
{
    private EmulatedStack _stack = null!;
    private BazarrFake _bazarr = null!;
    private Hashtable _env = null!;

    // In-cluster style names: the emulated network maps sonarr:8989 and radarr:7878 to the emulated apps,
    // and the fake Bazarr "reaches" those ports.
    private const string Wiring = """
        instances:
          sonarr: { internalUrl: "http://sonarr:8989" }
          radarr: { internalUrl: "http://radarr:7878" }
        """;

    public async Task InitializeAsync()
    {
        _stack = await EmulatedStack.StartAsync(new EmulatedStackOptions { Lidarr = [], Prowlarr = false, Gluetun = false });
        _bazarr = await BazarrFake.StartAsync();
        _env = StackEnvironment.Of(_stack);
        _env["BAZARR_URL"] = _bazarr.Server.Url.AbsoluteUri.TrimEnd('/');
        _env["BAZARR_API_KEY"] = BazarrFake.ApiKey;
    }

    public async Task DisposeAsync()
    {
        await _bazarr.DisposeAsync();
        await _stack.DisposeAsync();
    }

    private DesiredState Load(string yaml = Wiring) => DesiredStateLoader.Parse(yaml, _env, "stack.yaml");

    [Fact]
    public async Task A_fresh_Jellyseerr_is_set_up_with_Jellyfin_and_connected_to_Sonarr_and_Radarr()
    {
        Assert.False(_stack.Jellyseerr.IsSetUp);

        var result = await new Reconciler(new RecordingHost()).RunAsync(Load());

        Assert.True(result.Succeeded, result.ToText());
        Assert.True(_stack.Jellyseerr.IsSetUp);
        Assert.True(_stack.Jellyseerr.IsInitialized);
        var sonarr = Assert.Single(_stack.Jellyseerr.SonarrSettings);
        Assert.Equal(("Sonarr", "sonarr", 8989), (sonarr.GetString("name"), sonarr.GetString("hostname"), sonarr["port"]!.GetValue<int>()));
        Assert.Equal("/data/media/tv", sonarr.GetString("activeDirectory")); // the root folder made earlier in the same run
        Assert.True(sonarr["isDefault"]!.GetValue<bool>());
        Assert.False(sonarr["is4k"]!.GetValue<bool>());
        Assert.Equal("/data/media/movies", Assert.Single(_stack.Jellyseerr.RadarrSettings).GetString("activeDirectory"));
        Assert.Contains(result.Outcomes, o => o is { Instance: "jellyseerr", ResourceType: StarrResourceType.JellyseerrSetup, Status: ChangeStatus.Applied });
    }

    [Fact]
    public async Task A_converged_run_reads_Jellyseerr_and_Bazarr_once_per_collection_and_writes_nothing()
    {
        Assert.True((await new Reconciler(new RecordingHost()).RunAsync(Load())).Succeeded);
        foreach (var server in _stack.All) server.Requests.Clear();
        _bazarr.Server.Requests.Clear();

        var result = await new Reconciler(new RecordingHost()).RunAsync(Load());

        Assert.True(result.Succeeded, result.ToText());
        Assert.Equal("Configuration complete: 0 created, 0 updated, 0 deleted", result.Summary);
        Assert.Contains("jellyseerr: Already configured", result.Lines);
        Assert.Contains("bazarr: Already configured", result.Lines);
        Assert.Empty(_stack.Jellyseerr.Requests.Writes);
        Assert.All(_stack.Jellyseerr.Requests.All.GroupBy(r => r.Path), g => Assert.Single(g));
        Assert.Equal(["GET /api/system/settings"], _bazarr.Server.Requests.Select(r => $"{r.Method} {r.Path}"));
    }

    [Fact]
    public async Task Jellyseerr_setup_without_a_Jellyfin_login_says_what_to_set()
    {
        _env.Remove("JELLYFIN_USERNAME");
        _env.Remove("JELLYFIN_PASSWORD");

        var result = await new Reconciler(new RecordingHost()).RunAsync(Load());

        var problem = Assert.Single(result.Problems);
        Assert.Equal("jellyseerr", problem.Instance);
        Assert.Contains("JELLYFIN_USERNAME", problem.Message);
        Assert.Contains("JELLYFIN_PASSWORD", problem.Message);
        Assert.False(_stack.Jellyseerr.IsSetUp);
        Assert.Equal(InstanceOutcome.Changed, result.Instances.Single(i => i.Name == "sonarr").Status);
    }

    [Fact]
    public async Task Jellyseerr_entries_drifted_by_hand_are_put_back_and_others_kept()
    {
        Assert.True((await new Reconciler(new RecordingHost()).RunAsync(Load())).Succeeded);
        var jellyseerr = new StarrOps.Core.Jellyseerr.JellyseerrClient(Load().FindInstance("jellyseerr")!);
        var entry = (await jellyseerr.GetServersAsync(StarrOps.Core.Jellyseerr.JellyseerrServerKind.Sonarr, default)).Single();
        await jellyseerr.UpdateServerAsync(entry with { IsDefault = false, SyncEnabled = true }, default);

        var plan = await new Reconciler(new RecordingHost()).PlanAsync(Load("""
            instances:
              sonarr: { internalUrl: "http://sonarr:8989" }
              radarr: { internalUrl: "http://radarr:7878" }
            jellyseerr:
              sonarr: [ { app: sonarr, default: true } ]
            """));
        var change = Assert.Single(plan.PendingChanges);
        Assert.Equal((StarrResourceType.JellyseerrSonarr, ChangeAction.Update), (change.ResourceType, change.Action));
        Assert.Equal("isDefault", Assert.Single(change.Changes).Field);

        var result = await new Reconciler(new RecordingHost()).ApplyAsync(plan);
        Assert.True(result.Succeeded, result.ToText());
        var stored = Assert.Single(_stack.Jellyseerr.SonarrSettings);
        Assert.True(stored["isDefault"]!.GetValue<bool>());
        Assert.True(stored["syncEnabled"]!.GetValue<bool>()); // not StarrOps' business: kept
        jellyseerr.Dispose();
    }

    [Fact]
    public async Task Bazarr_is_connected_to_Sonarr_and_Radarr_and_an_unreachable_app_fails_alone()
    {
        _bazarr.ReachablePorts.Remove(7878);

        var result = await new Reconciler(new RecordingHost()).RunAsync(Load());

        Assert.False(result.Succeeded);
        var settings = _bazarr.Settings;
        Assert.True(settings["general"]!["use_sonarr"]!.GetValue<bool>());
        Assert.Equal("sonarr", settings["sonarr"]!["ip"]!.GetValue<string>());
        Assert.Equal(8989, settings["sonarr"]!["port"]!.GetValue<int>());
        Assert.Equal(_stack.Sonarr.ApiKey, settings["sonarr"]!["apikey"]!.GetValue<string>());
        // Radarr can't be reached from Bazarr: its fields are saved but it is left disabled (no hang), and only that change fails.
        Assert.False(settings["general"]!["use_radarr"]!.GetValue<bool>());
        var failed = Assert.Single(result.Outcomes, o => o.Status == ChangeStatus.Failed);
        Assert.Equal(("bazarr", StarrResourceType.BazarrRadarr, "StarrDependencyUnreachable"), (failed.Instance, failed.ResourceType, failed.ErrorId));
        Assert.DoesNotContain(_stack.Radarr.ApiKey, result.ToJson());
        Assert.Equal(InstanceOutcome.Failed, result.Instances.Single(i => i.Name == "bazarr").Status);
        Assert.Equal(InstanceOutcome.Changed, result.Instances.Single(i => i.Name == "radarr").Status);
    }

    [Fact]
    public async Task A_Bazarr_change_waiting_for_Sonarr_that_is_down_is_reported_skipped_never_already_configured()
    {
        await _stack.Sonarr.StopAsync(); // Bazarr's Sonarr connection needs Sonarr

        var result = await new Reconciler(new RecordingHost()).RunAsync(Load());

        Assert.False(result.Succeeded); // the CronJob exits non-zero: work it should have done was not done
        Assert.False(_bazarr.Settings["general"]!["use_sonarr"]!.GetValue<bool>());
        var bazarr = result.Instances.Single(i => i.Name == "bazarr");
        Assert.Equal((InstanceOutcome.Incomplete, 1), (bazarr.Status, bazarr.Skipped));
        Assert.StartsWith("bazarr: ", bazarr.ToString());
        Assert.Contains("1 skipped (sonarr unreachable)", bazarr.ToString());
        Assert.DoesNotContain(result.Lines, l => l.StartsWith("bazarr:", StringComparison.Ordinal) && l.Contains("Already configured"));
        var skipped = Assert.Single(result.Outcomes, o => o is { Status: ChangeStatus.Skipped, Instance: "bazarr" });
        Assert.Equal(StarrResourceType.BazarrSonarr, skipped.ResourceType);
        Assert.Contains("jellyseerr: ", result.Lines.Single(l => l.Contains("1 skipped (sonarr unreachable)") && l.StartsWith("jellyseerr", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Export_covers_Jellyseerr_and_Bazarr_and_reimports_to_an_empty_plan()
    {
        Assert.True((await new Reconciler(new RecordingHost()).RunAsync(Load())).Succeeded);
        var state = Load();

        var exported = await ConfigExporter.ExportAsync(state);

        Assert.Contains("internalUrl: http://sonarr:8989", exported);
        Assert.Contains("jellyseerr:", exported);
        Assert.Contains("bazarr:", exported);
        var importEnv = new Hashtable();
        foreach (var variable in exported.Split('\n').Where(l => l.StartsWith("#   ", StringComparison.Ordinal)).Select(l => l[4..].Trim()))
            importEnv[variable] = _env[variable] as string ?? "placeholder";
        var yaml = exported;
        var plan = await new Reconciler(new RecordingHost()).PlanAsync(DesiredStateLoader.Parse(yaml, importEnv, "export.yaml"));

        Assert.True(plan.IsConverged, plan + "\n" + yaml);
        Assert.Contains(plan.Changes, c => c.ResourceType == StarrResourceType.JellyseerrSonarr);
        Assert.Contains(plan.Changes, c => c.ResourceType == StarrResourceType.BazarrRadarr);
    }
}
