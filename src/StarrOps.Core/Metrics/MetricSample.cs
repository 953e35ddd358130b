namespace StarrOps.Core.Metrics;

/// <summary>One value of a metric family with its labels, e.g. starrops_instance_up{instance="sonarr",kind="Sonarr"} 1.</summary>
public sealed record MetricSample
{
    public MetricSample(string name, double value, IReadOnlyDictionary<string, string>? labels = null)
    {
        Name = name;
        Value = value;
        Labels = labels ?? new Dictionary<string, string>();
    }

    public string Name { get; }
    public double Value { get; }
    public IReadOnlyDictionary<string, string> Labels { get; }

    public static MetricSample Of(string name, double value, params (string Label, string Value)[] labels) =>
        new(name, value, labels.ToDictionary(l => l.Label, l => l.Value, StringComparer.Ordinal));
}

public static class MetricSamples
{
    /// <summary>
    /// The previous exposition updated with fresh samples: a fresh sample replaces the previous one with the same
    /// name and labels; previous samples the run did not touch (other instances) are kept.
    /// </summary>
    public static IReadOnlyList<MetricSample> Merge(IEnumerable<MetricSample> previous, IReadOnlyList<MetricSample> fresh)
    {
        static string Key(MetricSample sample) =>
            sample.Name + "{" + string.Join(",", sample.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}")) + "}";
        var replaced = fresh.Select(Key).ToHashSet(StringComparer.Ordinal);
        return previous.Where(p => !replaced.Contains(Key(p))).Concat(fresh).ToList();
    }
}
