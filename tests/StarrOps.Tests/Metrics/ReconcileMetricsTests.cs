using StarrOps.Core.Metrics;

namespace StarrOps.Tests.Metrics;

public sealed class ReconcileMetricsTests
{
    private static readonly DateTimeOffset Monday = new(2026, 11, 2, 3, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Counters_grow_across_runs_and_a_failed_run_keeps_the_last_success()
    {
        var first = ReconcileMetrics.Next([], new ReconcileRunMetrics(Monday, TimeSpan.FromSeconds(3.5), Succeeded: true)
        {
            ChangesApplied = new Dictionary<string, int> { ["sonarr"] = 4 },
            DriftFound = new Dictionary<string, int> { ["sonarr"] = 4, ["radarr"] = 0 },
        });
        // Through the file format and back, as the CronJob does between runs.
        var reread = PrometheusTextReader.Parse(PrometheusTextWriter.Write(first));
        var second = ReconcileMetrics.Next(reread, new ReconcileRunMetrics(Monday.AddMinutes(30), TimeSpan.FromSeconds(1), Succeeded: false)
        {
            ChangesApplied = new Dictionary<string, int> { ["radarr"] = 2 },
        });

        double Value(IEnumerable<MetricSample> samples, string name, string? instance = null) =>
            samples.Single(s => s.Name == name && (instance is null || s.Labels["instance"] == instance)).Value;
        Assert.Equal(Monday.ToUnixTimeSeconds(), Value(second, MetricNames.ReconcileLastSuccessTimestamp));
        Assert.Equal(1, Value(second, MetricNames.ReconcileFailures));
        Assert.Equal(0, Value(first, MetricNames.ReconcileFailures));
        Assert.Equal(4, Value(second, MetricNames.ReconcileChangesApplied, "sonarr"));
        Assert.Equal(2, Value(second, MetricNames.ReconcileChangesApplied, "radarr"));
        Assert.Equal(1, Value(second, MetricNames.ReconcileDuration));
        Assert.Equal(4, Value(first, MetricNames.ReconcileDriftFound, "sonarr"));
        Assert.Equal(0, Promtool.Run(Path.GetTempPath(), PrometheusTextWriter.Write(second), "check", "metrics").ExitCode);
    }

    [Fact]
    public void A_first_run_that_fails_has_no_success_time()
    {
        var samples = ReconcileMetrics.Next([], new ReconcileRunMetrics(Monday, TimeSpan.FromSeconds(2), Succeeded: false));

        Assert.DoesNotContain(samples, s => s.Name == MetricNames.ReconcileLastSuccessTimestamp);
        Assert.Equal(1, samples.Single(s => s.Name == MetricNames.ReconcileFailures).Value);
    }

    [Fact]
    public void The_reader_undoes_the_writers_escaping()
    {
        var original = new[] { MetricSample.Of(MetricNames.InstanceUp, 1, ("instance", "a \"b\" \\ c\nd"), ("kind", "Sonarr")), MetricSample.Of(MetricNames.ReconcileDuration, 0.125) };

        var back = PrometheusTextReader.Parse(PrometheusTextWriter.Write(original));

        Assert.Equal(original.Select(s => (s.Name, s.Value, string.Join(",", s.Labels.OrderBy(l => l.Key)))),
            back.Select(s => (s.Name, s.Value, string.Join(",", s.Labels.OrderBy(l => l.Key)))));
    }

    [Fact]
    public void Backup_and_vpn_samples_use_the_shared_names()
    {
        var text = PrometheusTextWriter.Write(BackupMetrics.For("sonarr", Monday, 52_428_800, verified: false)
            .Concat(VpnMetrics.For([("DownloadEgressIsVpn", true), ("QBittorrentBoundToTunnel", false), ("MediaPodNotOnVpn", null)])));

        Assert.Contains($"{MetricNames.BackupLastSuccessTimestamp}{{instance=\"sonarr\"}} {Monday.ToUnixTimeSeconds()}\n", text);
        Assert.Contains($"{MetricNames.BackupSize}{{instance=\"sonarr\"}} 52428800\n", text);
        Assert.Contains($"{MetricNames.BackupVerificationStatus}{{instance=\"sonarr\"}} 0\n", text);
        Assert.Contains($"{MetricNames.VpnCheckStatus}{{check=\"QBittorrentBoundToTunnel\"}} 0\n", text);
        Assert.DoesNotContain("MediaPodNotOnVpn", text);
        Assert.Equal(0, Promtool.Run(Path.GetTempPath(), text, "check", "metrics").ExitCode);
    }
}
