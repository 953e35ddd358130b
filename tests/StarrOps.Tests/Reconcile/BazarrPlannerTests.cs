using System.Collections;
using StarrOps.Core.Arr;
using StarrOps.Core.Config;
using StarrOps.Core.Reconcile;
using StarrOps.TestKit;
using StarrOps.Tests.Clients.Fakes;
using StarrOps.Tests.Support;

namespace StarrOps.Tests.Reconcile;

/// <summary>
/// How Bazarr's Sonarr and Radarr connections are planned: which links, create or update, the fields it compares,
/// the errors a bad declaration gets, and readiness. Bazarr is the fake (recorded 1.5.2 shapes); the apps are emulated.
/// </summary>
public sealed class BazarrPlannerTests : IAsyncLifetime
{
    private EmulatedStack _stack = null!;
    private BazarrFake _bazarr = null!;
    private Hashtable _env = null!;

    public async Task InitializeAsync()
    {
        _stack = await EmulatedStack.StartAsync(new EmulatedStackOptions { Lidarr = [], Prowlarr = false, Gluetun = false, Jellyseerr = false });
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

    private DesiredState Load(string yaml) => DesiredStateLoader.Parse(yaml, _env, "stack.yaml");

    private async Task<IReadOnlyList<ReconcileChange>> BazarrChangesAsync(string yaml, ReconcileOptions? options = null) =>
        (await new Reconciler(new RecordingHost(), options).PlanAsync(Load(yaml))).Changes.Where(c => c.Instance == "bazarr").ToList();

    private const string SonarrOnly = """
        instances:
          sonarr: { internalUrl: "http://sonarr:8989" }
        bazarr: { standardWiring: false, sonarr: sonarr }
        """;

    [Fact]
    public async Task Only_the_declared_link_is_planned()
    {
        var changes = await BazarrChangesAsync(SonarrOnly);

        var change = Assert.Single(changes);
        Assert.Equal((StarrResourceType.BazarrSonarr, "sonarr"), (change.ResourceType, change.Name));
        Assert.Equal("sonarr", change.DependsOn);
    }

    [Fact]
    public async Task A_link_with_no_address_yet_is_a_create_and_one_with_an_address_an_update()
    {
        // Bazarr's own defaults carry ip 127.0.0.1: changing them is an update; an emptied address is a new link.
        Assert.Equal(ChangeAction.Update, Assert.Single(await BazarrChangesAsync(SonarrOnly)).Action);

        _bazarr.Set("sonarr", "ip", "");

        Assert.Equal(ChangeAction.Create, Assert.Single(await BazarrChangesAsync(SonarrOnly)).Action);
    }

    [Fact]
    public async Task A_link_in_use_whose_port_drifted_is_an_update_of_that_field_alone()
    {
        Assert.True((await new Reconciler(new RecordingHost()).RunAsync(Load(SonarrOnly))).Succeeded);
        Assert.Equal(ChangeAction.NoChange, Assert.Single(await BazarrChangesAsync(SonarrOnly)).Action);
        _bazarr.Set("sonarr", "port", 8990);

        var change = Assert.Single(await BazarrChangesAsync(SonarrOnly));

        Assert.Equal(ChangeAction.Update, change.Action);
        var port = Assert.Single(change.Changes);
        Assert.Equal(8989, Convert.ToInt32(port.NewValue, System.Globalization.CultureInfo.InvariantCulture));
        Assert.NotNull(change.Execute);
    }

    [Fact]
    public async Task An_address_in_use_but_not_enabled_is_an_update()
    {
        _bazarr.Set("sonarr", "ip", "sonarr");
        _bazarr.Set("general", "use_sonarr", false);

        Assert.Equal(ChangeAction.Update, Assert.Single(await BazarrChangesAsync(SonarrOnly)).Action);
    }

    [Fact]
    public async Task An_https_app_is_linked_with_ssl()
    {
        var changes = await BazarrChangesAsync("""
            instances:
              sonarr: { internalUrl: "https://sonarr:9898/tv" }
            bazarr: { standardWiring: false, sonarr: sonarr }
            """);

        var fields = Assert.Single(changes).Changes.ToDictionary(c => c.Field, c => c.NewValue);
        Assert.Equal("true", fields.Single(f => f.Key.EndsWith("ssl", StringComparison.OrdinalIgnoreCase)).Value?.ToString(), ignoreCase: true);
        Assert.Contains(fields, f => f.Key.EndsWith("port", StringComparison.OrdinalIgnoreCase) && Equals(Convert.ToInt32(f.Value, System.Globalization.CultureInfo.InvariantCulture), 9898));
    }

    [Fact]
    public async Task An_app_without_an_api_key_says_which_variable_to_set()
    {
        _env.Remove("RADARR_API_KEY");

        var plan = await new Reconciler(new RecordingHost()).PlanAsync(Load("""
            instances:
              radarr: { url: "http://radarr:7878" }
            bazarr: { standardWiring: false, radarr: radarr }
            """));

        var problem = Assert.Single(plan.Problems, p => p.Instance == "bazarr");
        Assert.Contains("radarr has no API key; Bazarr needs it. Set RADARR_API_KEY.", problem.Message);
    }


    [Fact]
    public async Task A_state_built_in_code_that_links_an_unknown_instance_gets_a_problem_naming_it_and_the_other_link_still_planned()
    {
        // The YAML reader refuses unknown names; a runbook can build a DesiredState itself and bypass it.
        var loaded = Load("""
            instances:
              sonarr: { internalUrl: "http://sonarr:8989" }
              radarr: { internalUrl: "http://radarr:7878" }
            bazarr: { standardWiring: false, sonarr: sonarr, radarr: radarr }
            """);
        var state = new DesiredState(loaded.Instances, loaded.Configs.Select(c => c.Bazarr is { } spec ? c with { Bazarr = spec with { Sonarr = "sonarr-4k" } } : c).ToList());

        var plan = await new Reconciler(new RecordingHost()).PlanAsync(state);

        var problem = Assert.Single(plan.Problems, p => p.Instance == "bazarr");
        Assert.Equal((StarrResourceType.BazarrSonarr, "sonarr-4k"), (problem.ResourceType, problem.Name));
        Assert.Contains("'sonarr-4k' is not a known instance.", problem.Message);
        Assert.Equal(StarrResourceType.BazarrRadarr, Assert.Single(plan.Changes, c => c.Instance == "bazarr").ResourceType);
    }
    [Fact]
    public async Task Waiting_for_readiness_plans_a_Bazarr_that_answers_and_reports_one_that_is_down_as_not_ready()
    {
        var options = new ReconcileOptions { WaitForReady = TimeSpan.FromSeconds(1), ReadyPollInterval = TimeSpan.FromMilliseconds(200) };

        Assert.Single(await BazarrChangesAsync(SonarrOnly, options));

        await _bazarr.DisposeAsync();
        var plan = await new Reconciler(new RecordingHost(), options).PlanAsync(Load(SonarrOnly));

        var status = Assert.Single(plan.Instances, i => i.Name == "bazarr");
        Assert.True(status.NotReady, plan.ToString());
        _bazarr = await BazarrFake.StartAsync(); // for DisposeAsync
    }
}
