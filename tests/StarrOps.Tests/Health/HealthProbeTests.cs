using StarrOps.Core.Health;
using StarrOps.Core.Instances;
using StarrOps.Tests.Core;
using StarrOps.Tests.Integration;
using StarrOps.TestKit;
using StarrOps.Tests.Support;

namespace StarrOps.Tests.Health;

public sealed class HealthProbeTests
{
    private static EmulatedStackOptions ArrsOnly => new() { Lidarr = [], Prowlarr = false, Jellyseerr = false, Jellyfin = false, Gluetun = false };

    // These tests are about which items a probe reports, not speed: a loaded CI machine must not add a slow-response item.
    private static readonly HealthProbeOptions Untimed = new() { SlowResponse = TimeSpan.FromMinutes(1) };

    [Fact]
    public async Task Healthy_instances_report_ping_api_and_no_issues()
    {
        await using var stack = await EmulatedStack.StartAsync(ArrsOnly);
        var instances = StackInstances.All(stack);

        var results = await HealthProbe.CheckAllAsync(instances, new RecordingHost(), Untimed, CancellationToken.None);

        Assert.Equal(["radarr", "sonarr"], results.Select(r => r.Instance).Order());
        Assert.All(results, r =>
        {
            Assert.Equal(HealthStatus.Healthy, r.Status);
            Assert.True(r.Reachable);
            Assert.True(r.KeyValid);
            Assert.Equal(0, r.IssueCount);
            Assert.Contains(r.Items, i => i.Check == "Ping" && i.Status == HealthStatus.Healthy);
            Assert.Contains(r.Items, i => i.Check == "Api" && i.Status == HealthStatus.Healthy);
        });
    }

    [Fact]
    public async Task App_health_warnings_make_the_instance_degraded_and_are_listed()
    {
        await using var stack = await EmulatedStack.StartAsync(ArrsOnly);
        stack.Sonarr.AddHealthCheck("IndexerStatusCheck", "warning", "Indexers unavailable due to failures: NZBgeek", "https://wiki.servarr.com/sonarr/system#indexers-are-unavailable-due-to-failures");
        stack.Sonarr.AddHealthCheck("DownloadClientCheck", "error", "Unable to communicate with qBittorrent");
        stack.Sonarr.AddHealthCheck("UpdateCheck", "notice", "New update is available");

        var result = await HealthProbe.CheckAsync(StackInstances.Of(stack, "sonarr"), new RecordingHost(), Untimed, CancellationToken.None);

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Equal(2, result.IssueCount);
        var indexer = Assert.Single(result.Items, i => i.Source == "IndexerStatusCheck");
        Assert.Equal(HealthStatus.Degraded, indexer.Status);
        Assert.Equal("AppHealth", indexer.Check);
        Assert.StartsWith("https://wiki.servarr.com", indexer.WikiUrl);
        Assert.Contains(result.Items, i => i.Source == "DownloadClientCheck" && i.Status == HealthStatus.Degraded);
        Assert.Contains(result.Items, i => i.Source == "UpdateCheck" && i.Status == HealthStatus.Healthy);
    }

    [Fact]
    public async Task A_stopped_instance_is_down_and_the_others_are_still_checked()
    {
        await using var stack = await EmulatedStack.StartAsync(ArrsOnly);
        var instances = StackInstances.All(stack);
        await stack.Radarr.StopAsync();

        var results = await HealthProbe.CheckAllAsync(instances, new RecordingHost(), Untimed, CancellationToken.None);

        var radarr = Assert.Single(results, r => r.Instance == "radarr");
        Assert.Equal(HealthStatus.Down, radarr.Status);
        Assert.False(radarr.Reachable);
        Assert.Contains(radarr.Items, i => i.Check == "Ping" && i.Status == HealthStatus.Down && i.Message.Contains("radarr"));
        Assert.Equal(HealthStatus.Healthy, Assert.Single(results, r => r.Instance == "sonarr").Status);
    }

    [Fact]
    public async Task A_hanging_instance_is_down_within_the_probe_timeout()
    {
        await using var stack = await EmulatedStack.StartAsync(ArrsOnly);
        stack.Sonarr.Faults.Delay = TimeSpan.FromSeconds(20);
        var sonarr = StackInstances.Of(stack, "sonarr"); // its own timeout is 10 s: the probe's must win

        var result = await HealthProbe.CheckAsync(sonarr, new RecordingHost(), new HealthProbeOptions { Timeout = TimeSpan.FromMilliseconds(500) }, CancellationToken.None);

        Assert.Equal(HealthStatus.Down, result.Status);
        Assert.Contains(result.Items, i => i.Check == "Ping" && i.Message.Contains("within"));
    }

    [Fact]
    public async Task A_rejected_key_is_degraded_and_never_shows_the_key()
    {
        await using var stack = await EmulatedStack.StartAsync(ArrsOnly);
        var wrong = new StarrInstance("radarr", ServiceKind.Radarr, stack.Radarr.Url, new Secret("wrong-radarr-key-123456"));
        var host = new RecordingHost();

        var result = await HealthProbe.CheckAsync(wrong, host, Untimed, CancellationToken.None);

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.False(result.KeyValid);
        Assert.Contains(result.Items, i => i.Check == "Api" && i.Status == HealthStatus.Degraded);
        Assert.DoesNotContain(result.Items, i => i.Message.Contains("wrong-radarr-key-123456"));
        Assert.DoesNotContain(host.Messages, m => m.Contains("wrong-radarr-key-123456"));
    }

    [Fact]
    public async Task A_failing_health_endpoint_is_an_item_not_an_exception()
    {
        await using var stack = await EmulatedStack.StartAsync(ArrsOnly);
        stack.Sonarr.Faults.FailWithStatus(500, "/api/v3/health", body: """{"message":"database is locked"}""");

        var result = await HealthProbe.CheckAsync(StackInstances.Of(stack, "sonarr"), new RecordingHost(), Untimed, CancellationToken.None);

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Contains(result.Items, i => i.Check == "AppHealth" && i.Message.Contains("database is locked"));
    }
}
