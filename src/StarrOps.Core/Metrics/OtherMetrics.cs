namespace StarrOps.Core.Metrics;

/// <summary>Samples for the backup and VPN checks, so their cmdlets need no metric names of their own.</summary>
public static class BackupMetrics
{
    /// <param name="verified">True/false when the newest backup was verified; null when it was not checked.</param>
    public static IEnumerable<MetricSample> For(string instance, DateTimeOffset newestBackup, long sizeBytes, bool? verified)
    {
        yield return MetricSample.Of(MetricNames.BackupLastSuccessTimestamp, newestBackup.ToUnixTimeMilliseconds() / 1000.0, ("instance", instance));
        yield return MetricSample.Of(MetricNames.BackupSize, sizeBytes, ("instance", instance));
        if (verified is not null) yield return MetricSample.Of(MetricNames.BackupVerificationStatus, verified.Value ? 1 : 0, ("instance", instance));
    }
}

public static class VpnMetrics
{
    /// <summary>One sample per check: 1 passed, 0 failed. Skipped checks are left out.</summary>
    public static IEnumerable<MetricSample> For(IEnumerable<(string Check, bool? Passed)> checks) =>
        checks.Where(c => c.Passed is not null).Select(c => MetricSample.Of(MetricNames.VpnCheckStatus, c.Passed == true ? 1 : 0, ("check", c.Check)));
}
