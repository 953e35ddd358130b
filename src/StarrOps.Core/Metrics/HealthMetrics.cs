using StarrOps.Core.Health;

namespace StarrOps.Core.Metrics;

/// <summary>Turns check results into samples. Each result type knows its metric names through <see cref="MetricNames"/>.</summary>
public static class HealthMetrics
{
    public static IEnumerable<MetricSample> From(IEnumerable<InstanceHealth> results)
    {
        var list = results.ToList();
        foreach (var r in list) yield return Sample(MetricNames.InstanceUp, r.Reachable ? 1 : 0, r);
        foreach (var r in list) yield return Sample(MetricNames.InstanceHealthIssues, r.IssueCount, r);
        foreach (var r in list) yield return Sample(MetricNames.ProbeDuration, r.ResponseTimeMs / 1000.0, r);
        foreach (var r in list) yield return Sample(MetricNames.HealthLastCheckTimestamp, r.CheckedAt.ToUnixTimeMilliseconds() / 1000.0, r);
    }

    private static MetricSample Sample(string name, double value, InstanceHealth r) =>
        MetricSample.Of(name, value, ("instance", r.Instance), ("kind", r.Kind.ToString()));
}
