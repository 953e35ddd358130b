using System.Collections;
using StarrOps.Core.Config;
using StarrOps.Core.Hosting;
using StarrOps.Core.Metrics;
using StarrOps.Core.Reconcile;
using StarrOps.TestKit;

namespace StarrOps.Tests.Metrics;

public sealed class ReconcileRunMetricsTests
{
    [Fact]
    public async Task A_converging_run_counts_changes_per_instance_and_a_converged_run_adds_none()
    {
        await using var stack = await EmulatedStack.StartAsync(new EmulatedStackOptions { Lidarr = [], Jellyseerr = false, Jellyfin = false, Gluetun = false });
        stack.Network.AddReachable("qbittorrent", 8080);
        var environment = new Hashtable { ["QBITTORRENT_URL"] = "http://qbittorrent:8080", ["QBITTORRENT_USERNAME"] = "admin", ["QBITTORRENT_PASSWORD"] = "metrics-test-password" };
        foreach (var (key, value) in stack.Environment()) environment[key] = value;
        var state = DesiredStateLoader.Load(null, environment);

        var first = await new Reconciler(NullStarrHost.Instance).RunAsync(state);
        var firstRun = ReconcileRunMetrics.From(first, DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
        var afterFirst = ReconcileMetrics.Next([], firstRun);
        var second = await new Reconciler(NullStarrHost.Instance).RunAsync(state);
        var afterSecond = ReconcileMetrics.Next(afterFirst, ReconcileRunMetrics.From(second, DateTimeOffset.FromUnixTimeSeconds(1_800_003_600)));

        Assert.True(first.Succeeded);
        Assert.Equal(2, firstRun.ChangesApplied["sonarr"]); // root folder + download client
        Assert.Equal(2, firstRun.DriftFound["sonarr"]);
        double Value(IEnumerable<MetricSample> samples, string name, string? instance = null) =>
            samples.Single(s => s.Name == name && (instance is null || s.Labels["instance"] == instance)).Value;
        Assert.Equal(2, Value(afterSecond, MetricNames.ReconcileChangesApplied, "sonarr")); // a counter: the converged run adds nothing
        Assert.Equal(0, Value(afterSecond, MetricNames.ReconcileDriftFound, "sonarr"));
        Assert.Equal(1_800_003_600, Value(afterSecond, MetricNames.ReconcileLastSuccessTimestamp));
        Assert.Equal(0, Value(afterSecond, MetricNames.ReconcileFailures));
    }
}

public sealed class MetricSamplesTests
{
    [Fact]
    public void Merge_replaces_samples_of_this_run_and_keeps_other_instances()
    {
        var previous = new[]
        {
            MetricSample.Of(MetricNames.BackupSize, 100, ("instance", "sonarr")),
            MetricSample.Of(MetricNames.BackupSize, 200, ("instance", "radarr")),
        };
        var merged = MetricSamples.Merge(previous, [MetricSample.Of(MetricNames.BackupSize, 150, ("instance", "sonarr"))]);

        Assert.Equal(2, merged.Count);
        Assert.Equal(150, merged.Single(s => s.Labels["instance"] == "sonarr").Value);
        Assert.Equal(200, merged.Single(s => s.Labels["instance"] == "radarr").Value);
    }
}
