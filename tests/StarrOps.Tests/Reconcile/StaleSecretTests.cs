using System.Collections;
using System.Text.Json;
using StarrOps.Core.Arr;
using StarrOps.Core.Config;
using StarrOps.Core.Reconcile;
using StarrOps.TestKit;
using StarrOps.Tests.Support;

namespace StarrOps.Tests.Reconcile;

/// <summary>
/// Secrets the apps mask on GET (Prowlarr's copies of the *arr API keys, download client passwords): a converged run asks
/// the apps' own testall whether the stored ones still work, re-sends the declared secret where they don't, and reports
/// any other test failure instead of re-sending blindly.
/// </summary>
public sealed class StaleSecretTests : IAsyncLifetime
{
    private const string QbitPassword = "qbit-stale-test-pass-81d2";
    private EmulatedStack _stack = null!;
    private Hashtable _env = null!;

    public async Task InitializeAsync()
    {
        _stack = await EmulatedStack.StartAsync(new EmulatedStackOptions { Jellyseerr = false, Jellyfin = false, Gluetun = false });
        _stack.Network.RequireLogin("qbittorrent", 8080, "admin", QbitPassword);
        _env = StackEnvironment.Of(_stack);
        _env["QBITTORRENT_URL"] = "http://qbittorrent:8080";
        _env["QBITTORRENT_USERNAME"] = "admin";
        _env["QBITTORRENT_PASSWORD"] = QbitPassword;
        var first = await RunAsync();
        Assert.True(first.Succeeded, first.ToText());
        ClearLogs();
    }

    public async Task DisposeAsync() => await _stack.DisposeAsync();

    private IEnumerable<EmulatedArr> Arrs => [_stack.Sonarr, _stack.Radarr, _stack.Lidarr, _stack.Prowlarr];

    private DesiredState Load() => DesiredStateLoader.Load(null, _env);

    private Task<ReconcileResult> RunAsync(RecordingHost? host = null, ReconcileOptions? options = null) =>
        new Reconciler(host ?? new RecordingHost(), options).RunAsync(Load());

    private void ClearLogs()
    {
        foreach (var server in _stack.All) server.Requests.Clear();
    }

    private static string? StoredField(EmulatedArr app, string resource, string name, string field) =>
        app.Resources(resource).Single(r => r.GetString("name") == name)["fields"]!.AsArray()
            .Single(f => f!["name"]!.GetValue<string>() == field)!["value"]?.GetValue<string>();

    [Fact]
    public async Task A_converged_run_tests_each_managed_collection_once_and_writes_nothing()
    {
        var result = await RunAsync();

        Assert.True(result.Succeeded, result.ToText());
        Assert.All(result.Instances, i => Assert.Equal(InstanceOutcome.Converged, i.Status));
        // Each *arr's download client (its password is masked) and Prowlarr's applications (their keys are masked): one testall each.
        foreach (var server in Arrs)
        {
            Assert.Empty(server.Requests.Writes);
            var tests = server.Requests.FromStarrOps.Where(r => r.IsTest).Select(r => $"{r.Method} {r.Path}");
            Assert.Equal(server == _stack.Prowlarr ? ["POST /api/v1/applications/testall"] : [$"POST {server.ApiPath}/downloadclient/testall"], tests);
        }
    }

    [Fact]
    public async Task A_regenerated_app_key_is_found_by_Prowlarrs_own_test_and_sent_again_in_the_same_run()
    {
        var newKey = _stack.Sonarr.RegenerateApiKey();
        _env["SONARR_API_KEY"] = newKey; // the Secret was updated with the new key

        var reconciler = new Reconciler(new RecordingHost());
        var plan = await reconciler.PlanAsync(Load());

        var change = Assert.Single(plan.PendingChanges, c => c.ResourceType == StarrResourceType.ProwlarrApplication);
        Assert.Equal(("prowlarr", "Sonarr", ChangeAction.Update), (change.Instance, change.Name, change.Action));
        var apiKey = Assert.Single(change.Changes);
        Assert.True(apiKey is { Field: "apiKey", IsSecret: true, IsRotation: true }, apiKey.ToString());
        Assert.Equal("Update (apiKey: (secret) -> (secret, rotated))", change.Operation);
        Assert.DoesNotContain(newKey, change.Description + change.Operation);
        Assert.Contains(plan.PendingChanges, c => c.ResourceType == StarrResourceType.IndexerSync);
        Assert.DoesNotContain(plan.PendingChanges, c => c.Instance != "prowlarr");
        Assert.Empty(_stack.Prowlarr.Requests.Writes); // planning tested, saved nothing

        var result = await reconciler.ApplyAsync(plan);

        Assert.True(result.Succeeded, result.ToText());
        Assert.Contains("prowlarr: 0 created, 1 updated, 0 deleted; indexers synced", result.Lines);
        Assert.Equal(newKey, StoredField(_stack.Prowlarr, "applications", "Sonarr", "apiKey"));
        ClearLogs();
        var next = await RunAsync();
        Assert.True(next.Succeeded, next.ToText());
        Assert.All(next.Instances, i => Assert.Equal(InstanceOutcome.Converged, i.Status));
        Assert.All(Arrs, s => Assert.Empty(s.Requests.Writes));
    }

    [Fact]
    public async Task A_changed_download_client_password_is_sent_again_to_every_app_that_stores_it()
    {
        const string changed = "qbit-password-changed-in-the-secret";
        _stack.Network.RequireLogin("qbittorrent", 8080, "admin", changed);
        _env["QBITTORRENT_PASSWORD"] = changed;
        var host = new RecordingHost();

        var result = await RunAsync(host);

        Assert.True(result.Succeeded, result.ToText());
        foreach (var app in new[] { _stack.Sonarr, _stack.Radarr, _stack.Lidarr })
        {
            Assert.Equal(changed, StoredField(app, "downloadclient", "qBittorrent", "password"));
            Assert.Contains($"{app.Name}: 0 created, 1 updated, 0 deleted", result.Lines);
        }
        Assert.Contains(host.Questions, q => q.Target == "sonarr: download client 'qBittorrent'" && q.Action == "Update (password: (secret) -> (secret, rotated))");
        Assert.DoesNotContain(changed, host.AllText);
        Assert.Equal(InstanceOutcome.Converged, result.Instances.Single(i => i.Name == "prowlarr").Status);
    }

    [Fact]
    public async Task A_stored_provider_failing_its_test_for_another_reason_is_reported_with_the_apps_message_not_resent()
    {
        _stack.Network.AddUnreachable("qbittorrent", 8080);

        var result = await RunAsync();

        Assert.False(result.Succeeded);
        Assert.All(Arrs, s => Assert.Empty(s.Requests.Writes));
        var problem = Assert.Single(result.Problems, p => p.Instance == "sonarr");
        Assert.Equal(("StarrProviderTestFailed", StarrResourceType.DownloadClient, "qBittorrent"), (problem.ErrorId, problem.ResourceType, problem.Name));
        Assert.Contains("Unable to connect to qBittorrent", problem.Message);
        Assert.Equal("Host", Assert.Single(problem.Failures).PropertyName);
        var line = result.Lines.Single(l => l.StartsWith("sonarr:", StringComparison.Ordinal));
        Assert.Contains("FAILED", line);
        Assert.DoesNotContain("Already configured", line);
        using var json = JsonDocument.Parse(result.ToJson());
        Assert.Contains(json.RootElement.GetProperty("problems").EnumerateArray(), p => p.GetProperty("errorId").GetString() == "StarrProviderTestFailed");
    }

    [Fact]
    public async Task RotateSecrets_sends_every_known_secret_without_asking_the_apps_first()
    {
        var result = await RunAsync(options: ReconcileOptions.Default with { RotateSecrets = true });

        Assert.True(result.Succeeded, result.ToText());
        Assert.All(Arrs, s => Assert.DoesNotContain(s.Requests.FromStarrOps, r => r.IsTest));
        Assert.Equal(6, result.Updated); // three download clients, three applications
        Assert.All(result.Outcomes.Where(o => o.ResourceType != StarrResourceType.IndexerSync),
            o => Assert.All(o.Change.Changes, c => Assert.True(c.IsRotation, c.ToString())));
    }

    [Fact]
    public async Task A_change_whose_app_is_down_is_reported_as_skipped_with_the_reason_and_fails_the_run()
    {
        using (var prowlarr = ArrClientFactory.Create(Load().FindInstance("prowlarr")!))
        {
            var radarrApp = (await prowlarr.GetProvidersAsync(ProviderKind.Application, default)).Single(a => a.Name == "Radarr");
            await prowlarr.RemoveProviderAsync(ProviderKind.Application, radarrApp.Id, default);
        }
        await _stack.Radarr.StopAsync();

        var result = await RunAsync();

        Assert.False(result.Succeeded);
        var skipped = Assert.Single(result.Outcomes, o => o.Status == ChangeStatus.Skipped);
        Assert.Equal(("prowlarr", "Radarr", "radarr unreachable"), (skipped.Instance, skipped.Name, skipped.Reason));
        Assert.Equal(1, result.SkippedChanges);
        var prowlarrResult = result.Instances.Single(i => i.Name == "prowlarr");
        Assert.Equal((InstanceOutcome.Incomplete, 1), (prowlarrResult.Status, prowlarrResult.Skipped));
        Assert.Equal("prowlarr: 1 skipped (radarr unreachable)", prowlarrResult.ToString());
        Assert.Contains("1 skipped", result.Summary);
        using var json = JsonDocument.Parse(result.ToJson());
        Assert.Equal(1, json.RootElement.GetProperty("skipped").GetInt32());
        var change = json.RootElement.GetProperty("changes").EnumerateArray().Single(c => c.GetProperty("status").GetString() == "Skipped");
        Assert.Equal("radarr unreachable", change.GetProperty("reason").GetString());
        var metrics = StarrOps.Core.Metrics.ReconcileRunMetrics.From(result, DateTimeOffset.UnixEpoch);
        Assert.Equal(1, metrics.ChangesSkipped["prowlarr"]);
        Assert.Equal(0, metrics.ChangesSkipped["sonarr"]);
    }

    [Fact]
    public async Task Changes_not_approved_are_reported_as_skipped_not_approved_and_the_run_still_succeeds()
    {
        _stack.Network.RequireLogin("qbittorrent", 8080, "admin", "another-password");
        _env["QBITTORRENT_PASSWORD"] = "another-password";

        var result = await RunAsync(new RecordingHost(approve: false));

        Assert.True(result.Succeeded, result.ToText());
        Assert.Contains("sonarr: 1 skipped (not approved)", result.Lines);
        Assert.All(Arrs, s => Assert.Empty(s.Requests.Writes));
    }
}
