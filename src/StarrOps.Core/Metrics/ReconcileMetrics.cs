namespace StarrOps.Core.Metrics;

/// <summary>What one reconcile run did, for its metrics. Changes and drift are counted per instance.</summary>
public sealed record ReconcileRunMetrics(DateTimeOffset FinishedAt, TimeSpan Duration, bool Succeeded)
{
    public IReadOnlyDictionary<string, int> ChangesApplied { get; init; } = new Dictionary<string, int>();
    public IReadOnlyDictionary<string, int> DriftFound { get; init; } = new Dictionary<string, int>();
    public IReadOnlyDictionary<string, int> ChangesSkipped { get; init; } = new Dictionary<string, int>();

    /// <summary>The figures of a finished run: changes applied per instance, and drift as every change the plan found (applied or not).</summary>
    public static ReconcileRunMetrics From(Reconcile.ReconcileResult result, DateTimeOffset finishedAt) => new(finishedAt, result.Duration, result.Succeeded)
    {
        ChangesApplied = result.Instances.ToDictionary(i => i.Name, i => i.Created + i.Updated + i.Deleted, StringComparer.Ordinal),
        DriftFound = result.Instances.ToDictionary(i => i.Name, i => result.Outcomes.Count(o => o.Instance == i.Name && o.Status != Reconcile.ChangeStatus.NotNeeded), StringComparer.Ordinal),
        ChangesSkipped = result.Instances.ToDictionary(i => i.Name, i => i.Skipped, StringComparer.Ordinal),
    };
}

/// <summary>
/// The reconcile metrics after a run. The CronJob runs one process per run, so counters and the last success time are
/// carried over from the previous exposition (the previous .prom file, see <see cref="PrometheusTextReader"/>):
/// failures_total and changes_applied_total only grow, and a failed run keeps the last success time.
/// </summary>
public static class ReconcileMetrics
{
    public static IReadOnlyList<MetricSample> Next(IEnumerable<MetricSample> previous, ReconcileRunMetrics run)
    {
        var before = previous.ToList();
        double Previous(string name, string? instance = null) =>
            before.Where(s => s.Name == name && (instance is null ? s.Labels.Count == 0 : s.Labels.TryGetValue("instance", out var i) && i == instance))
                  .Select(s => s.Value).DefaultIfEmpty(0).Last();

        var samples = new List<MetricSample>();
        var lastSuccess = run.Succeeded ? run.FinishedAt.ToUnixTimeMilliseconds() / 1000.0 : Previous(MetricNames.ReconcileLastSuccessTimestamp);
        if (run.Succeeded || before.Any(s => s.Name == MetricNames.ReconcileLastSuccessTimestamp))
            samples.Add(MetricSample.Of(MetricNames.ReconcileLastSuccessTimestamp, lastSuccess));
        samples.Add(MetricSample.Of(MetricNames.ReconcileDuration, run.Duration.TotalSeconds));

        var instances = before.Where(s => s.Name == MetricNames.ReconcileChangesApplied && s.Labels.ContainsKey("instance")).Select(s => s.Labels["instance"])
            .Concat(run.ChangesApplied.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        foreach (var instance in instances)
            samples.Add(MetricSample.Of(MetricNames.ReconcileChangesApplied,
                Previous(MetricNames.ReconcileChangesApplied, instance) + run.ChangesApplied.GetValueOrDefault(instance), ("instance", instance)));
        foreach (var (instance, drift) in run.DriftFound.OrderBy(d => d.Key, StringComparer.Ordinal))
            samples.Add(MetricSample.Of(MetricNames.ReconcileDriftFound, drift, ("instance", instance)));
        foreach (var (instance, skipped) in run.ChangesSkipped.OrderBy(d => d.Key, StringComparer.Ordinal))
            samples.Add(MetricSample.Of(MetricNames.ReconcileChangesSkipped, skipped, ("instance", instance)));
        samples.Add(MetricSample.Of(MetricNames.ReconcileFailures, Previous(MetricNames.ReconcileFailures) + (run.Succeeded ? 0 : 1)));
        return samples;
    }
}
